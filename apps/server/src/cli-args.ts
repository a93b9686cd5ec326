// Parses the command line of docs/spec.md#3-command-line. Pure: returns what to do, or a message for exit status 2.
import { parseArgs } from 'node:util';

export type CliCommand =
  | {
      command: 'serve';
      config: string | null;
      host: string | null;
      port: number | null;
      data: string | null;
      lab: boolean;
    }
  | { command: 'check-config'; file: string }
  | { command: 'help' }
  | { command: 'version' };

export type CliParse = { ok: true; value: CliCommand } | { ok: false; message: string };

export const USAGE = `usage: hopwatch [--config FILE] [--host H] [--port N] [--data DIR] [--lab]
       hopwatch check-config FILE

  --config FILE   YAML config (or HOPWATCH_CONFIG); without one, the built-in lab starts
  --host H        address to bind (default 127.0.0.1)
  --port N        port to listen on (default 8080)
  --data DIR      directory for the SQLite file (default ./data)
  --lab           start the built-in lab even when the config has targets`;

export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliParse {
  let parsed: ReturnType<typeof parseArgs<typeof PARSE_CONFIG>>;
  try {
    parsed = parseArgs({ ...PARSE_CONFIG, args: [...argv] });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, value: { command: 'help' } };
  if (values.version) return { ok: true, value: { command: 'version' } };

  if (positionals[0] === 'check-config') {
    const file = positionals[1];
    if (!file || positionals.length > 2) return { ok: false, message: 'check-config takes exactly one FILE' };
    const flags = SERVE_FLAGS.filter((flag) => values[flag] !== undefined);
    if (flags.length > 0) {
      // Silently ignoring them would suggest the check applied them.
      return {
        ok: false,
        message: `check-config takes no --${flags.join(', --')}: it checks the FILE alone`,
      };
    }
    return { ok: true, value: { command: 'check-config', file } };
  }
  if (positionals.length > 0) return { ok: false, message: `unknown command: ${positionals[0]}` };

  let port: number | null = null;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535) {
      return {
        ok: false,
        message: `--port: must be an integer from 0 to 65535 (got ${JSON.stringify(values.port)})`,
      };
    }
    port = Number(values.port);
  }
  const config = values.config ?? env.HOPWATCH_CONFIG ?? null;
  return {
    ok: true,
    value: {
      command: 'serve',
      config: config === '' ? null : config,
      host: values.host ?? null,
      port,
      data: values.data ?? null,
      lab: values.lab ?? false,
    },
  };
}

const SERVE_FLAGS = ['config', 'host', 'port', 'data', 'lab'] as const;

const PARSE_CONFIG = {
  options: {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    data: { type: 'string' },
    lab: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  },
  allowPositionals: true,
  strict: true,
} as const;
