#!/usr/bin/env node
// The hopwatch command. Bad input exits with status 2 and one clear line, never a stack trace.
import { parseCli, USAGE } from './cli-args.js';
import { formatCheckReport } from './config/check.js';
import { type ConfigOverrides, type LoadResult, loadConfigFile, loadZeroConfig } from './config/load.js';
import { logLevelFromEnv } from './config/log-level.js';
import { closeOnSignals, reloadOnHangup, startServer } from './server.js';
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
    case 'check-config': {
      const loaded = loadConfigFile(cmd.file, { env: process.env });
      if (!loaded.ok) failConfig(cmd.file, loaded.errors);
      process.stdout.write(formatCheckReport(loaded.config, loaded.warnings));
      return;
    }
    case 'serve': {
      const logLevel = logLevelFromEnv(process.env);
      if (!logLevel.ok) fail(`hopwatch: ${logLevel.message}`);
      const overrides: ConfigOverrides = { host: cmd.host, port: cmd.port, data: cmd.data, lab: cmd.lab };
      const file = cmd.config;
      const load = (): LoadResult =>
        file === null ? loadZeroConfig(overrides) : loadConfigFile(file, { env: process.env, overrides });
      const loaded = load();
      if (!loaded.ok) failConfig(file ?? '', loaded.errors);
      for (const warning of loaded.warnings) process.stderr.write(`hopwatch: warning: ${warning}\n`);
      const server = await startServer(loaded.config, { logLevel: logLevel.level });
      closeOnSignals(server);
      // Without a file there is nothing to re-read; SIGHUP then just logs that nothing changed.
      reloadOnHangup(server, load);
      process.stderr.write(`hopwatch ${VERSION}: dashboard on ${server.url}\n`);
      return;
    }
  }
}

/** Every error on its own line, exactly as check-config prints it, so the two never disagree. */
function failConfig(file: string, errors: readonly string[]): never {
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  fail(`hopwatch: invalid config ${file} (${count}):\n${errors.join('\n')}`);
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
