#!/usr/bin/env node
// Writes docs/hopwatch.schema.json, the JSON Schema of hopwatch.yaml, from the config's zod schema (through the
// built server: run `npm run schema`, which builds first). A test fails while the file differs from a fresh
// generation, so after changing apps/server/src/config/schema.ts rerun this and commit the file.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../apps/server/dist/config/json-schema.js';

const file = fileURLToPath(new URL('../docs/hopwatch.schema.json', import.meta.url));
writeFileSync(file, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
// In the repository's JSON style, so `npm run lint` stays clean.
const format = spawnSync('npx', ['biome', 'format', '--write', file], { stdio: 'inherit' });
if (format.status !== 0) process.exit(format.status ?? 1);
process.stdout.write(`wrote ${file}\n`);
