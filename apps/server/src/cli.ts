#!/usr/bin/env node
// The hopwatch command. Bad input exits with status 2 and one clear line, never a stack trace.
import { parseCli, USAGE } from './cli-args.js';
import { defaultConfig } from './config/defaults.js';
import type { HopwatchConfig } from './config/types.js';
import { closeOnSignals, startServer } from './server.js';
import { VERSION } from './version.js';

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (!parsed.ok) fail(`hopwatch: ${parsed.message}\n\n${USAGE}`);
  const cmd = parsed.value;
  switch (cmd.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return;
    case 'check-config':
      fail('hopwatch: check-config is not available yet');
      return;
    case 'serve': {
      const config: HopwatchConfig = defaultConfig();
      if (cmd.config) fail('hopwatch: --config is not available yet');
      if (cmd.host) config.server.host = cmd.host;
      if (cmd.port !== null) config.server.port = cmd.port;
      const server = await startServer(config);
      closeOnSignals(server);
      process.stderr.write(`hopwatch ${VERSION}: dashboard on ${server.url}\n`);
      return;
    }
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') fail(`hopwatch: ${err.message}: is another hopwatch running? Try --port.`);
  process.stderr.write(`hopwatch: ${err.message ?? String(error)}\n`);
  process.exit(1);
});
