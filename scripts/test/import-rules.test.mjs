// The import rules of docs/architecture.md#import-rules are lint rules (biome.json, `overrides` with
// noRestrictedImports per folder), so `npm run lint` fails on a forbidden import. Each case plants a file in
// the guarded folder, lints it with the repository's own biome.json, and removes it whatever happens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIOME = join(ROOT, 'node_modules/.bin/biome');

const planted = new Set();
after(() => {
  for (const path of planted) rmSync(path, { force: true });
});

/** Writes `source` as a new file in `folder`, runs `biome lint` on it, and always deletes it again. */
function lintPlanted(folder, extension, source) {
  const path = join(ROOT, folder, `zz-import-rule-probe-${process.pid}-${planted.size}.${extension}`);
  planted.add(path);
  try {
    writeFileSync(path, source);
    const run = spawnSync(BIOME, ['lint', '--colors=off', '--max-diagnostics=50', path], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(path, { force: true });
    planted.delete(path);
  }
}

const SHARED = 'packages/shared is the pure core';
const PROBER = 'the prober knows neither storage nor HTTP';
const LAB = 'the lab never imports the prober';
const STORE = 'the store is below the prober, the live hub and the routes';
const CONFIG = 'config is read by every part and imports none of them';
const BROWSER = 'the browser reaches the server only over HTTP/WS';
const COMPONENTS = 'web components/ are presentational and import no features/';

const CASES = [
  {
    rule: SHARED,
    folder: 'packages/shared/src/protocol',
    forbidden: [
      "import { readFileSync } from 'node:fs';",
      "import Fastify from 'fastify';",
      "import WebSocket from 'ws';",
      "import { useState } from 'react';",
      "import Database from 'better-sqlite3';",
      "import pg from 'pg';",
    ],
    clean: ["import { z } from 'zod';", "import { LAB_HOPS } from './api.js';"],
  },
  {
    rule: PROBER,
    folder: 'apps/server/src/probe',
    forbidden: [
      "import type { Store } from '../store/store.js';",
      "import { registerRoutes } from '../routes/index.js';",
      "import { installAuth } from '../plugins/auth.js';",
      "import { LiveHub } from '../live/hub.js';",
      "import Fastify from 'fastify';",
    ],
    clean: [
      "import type { EventBus } from '../events/bus.js';",
      "import type { LegConfig } from '../config/types.js';",
    ],
  },
  {
    rule: LAB,
    folder: 'apps/server/src/lab',
    forbidden: ["import { Prober } from '../probe/prober.js';"],
    clean: [
      "import { LOOPBACK } from './listen.js';",
      "import type { LabConfig } from '../config/types.js';",
    ],
  },
  {
    rule: STORE,
    folder: 'apps/server/src/store',
    forbidden: [
      "import type { LiveHub } from '../live/hub.js';",
      "import type { ApiSources } from '../routes/api/sources.js';",
      "import type { LegStatus } from '../probe/types.js';",
    ],
    clean: [
      "import type { EventSequencer } from '../events/bus.js';",
      "import type { Store } from './store.js';",
    ],
  },
  {
    rule: CONFIG,
    folder: 'apps/server/src/config',
    forbidden: [
      "import type { ProberHandle } from '../probe/types.js';",
      "import { applyReload } from '../reload.js';",
      "import { labTarget } from '../lab/lab-config.js';",
    ],
    clean: [
      "import { LAB_TARGET } from '@hopwatch/shared/protocol';",
      "import type { HopwatchConfig } from './types.js';",
    ],
  },
  {
    rule: BROWSER,
    folder: 'apps/web/src/lib',
    forbidden: [
      "import { buildApp } from '../../../server/src/app.js';",
      "import type { Runtime } from 'hopwatch';",
      "import { readFileSync } from 'node:fs';",
    ],
    clean: [
      "import { ApiClientError } from './api-client';",
      "import { LAB_HOPS } from '@hopwatch/shared/protocol';",
    ],
  },
  {
    rule: COMPONENTS,
    folder: 'apps/web/src/components/ui',
    forbidden: ["import { rttKeys } from '../../features/rtt/api/get-rtt';"],
    clean: [
      "import { formatMs } from './format';",
      "import { formatClock } from '../../lib/live/live-link';",
    ],
  },
];

/** A module made of `imports` that uses every name it imports, so that only the import rule can complain. */
function moduleOf(imports) {
  const used = imports.flatMap((line) => {
    const match = /import (type )?(?:\{ ([\w, ]+) \}|(\w+)) from/.exec(line);
    const names = (match[2] ?? match[3]).split(', ');
    return names.map((name) => (match[1] ? `null as unknown as ${name}` : name));
  });
  return `${imports.join('\n')}\n\nexport const used = [${used.join(', ')}];\n`;
}

describe('import rules checked by npm run lint', () => {
  it("lets packages/shared's tests read their fixtures from disk: tests are not the core", () => {
    const { status, output } = lintPlanted(
      'packages/shared/src/attribution',
      'test.ts',
      moduleOf(["import { readFileSync } from 'node:fs';"]),
    );
    assert.equal(status, 0, `biome lint refused a shared test file:\n${output}`);
  });

  for (const { rule, folder, forbidden, clean } of CASES) {
    describe(folder, () => {
      for (const line of forbidden) {
        it(`refuses ${line}`, () => {
          const { status, output } = lintPlanted(folder, 'ts', moduleOf([line]));
          assert.notEqual(status, 0, `biome lint passed a forbidden import:\n${output}`);
          assert.match(output, /lint\/style\/noRestrictedImports/);
          assert.ok(output.includes(rule), `expected the rule's message "${rule}" in:\n${output}`);
        });
      }

      it('passes a file whose imports are allowed', () => {
        const { status, output } = lintPlanted(folder, 'ts', moduleOf(clean));
        assert.equal(status, 0, `biome lint refused an allowed file:\n${output}`);
      });
    });
  }
});
