// Runs the benches: `node scripts/bench.mjs <name> [args…]` runs scripts/bench/<name>.mjs; without a name,
// every bench in turn. Each runs in its own process so one bench's memory and handles cannot skew the next.
// Budgets are printed beside the measurements, never asserted: machines are noisy (see docs/spec.md#8-budgets).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.mjs'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();

/** Names that run several benches: `npm run bench -- api` covers both halves of the API budget. */
const GROUPS = { api: ['api-storage', 'api-storage-postgres', 'api-live'] };

const [name, ...args] = process.argv.slice(2);
if (name !== undefined && !available.includes(name) && !(name in GROUPS)) {
  console.error(`unknown bench "${name}"; available: ${[...available, ...Object.keys(GROUPS)].join(', ')}`);
  process.exit(2);
}
const selected = name === undefined ? available : (GROUPS[name] ?? [name]);

let failed = 0;
for (const bench of selected) {
  console.log(`\n=== ${bench} ===`);
  const result = spawnSync(
    process.execPath,
    [`${dir}${bench}.mjs`, ...(name === undefined || name in GROUPS ? [] : args)],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    failed += 1;
    console.error(`${bench} failed (${result.signal ?? `exit ${result.status}`})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
