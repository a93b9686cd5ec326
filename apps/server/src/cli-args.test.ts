import { describe, expect, it } from 'vitest';
import { type CliCommand, type CliParse, parseCli } from './cli-args.js';

const serve: CliCommand = { command: 'serve', config: null, host: null, port: null, data: null, lab: false };

describe('parseCli', () => {
  it.each<[string, string[], Record<string, string>, CliParse]>([
    ['no arguments: the built-in lab', [], {}, { ok: true, value: serve }],
    [
      'every serve flag',
      ['--config', 'hw.yaml', '--host', '0.0.0.0', '--port', '9000', '--data', '/var/lib/hw', '--lab'],
      {},
      {
        ok: true,
        value: {
          command: 'serve',
          config: 'hw.yaml',
          host: '0.0.0.0',
          port: 9000,
          data: '/var/lib/hw',
          lab: true,
        },
      },
    ],
    [
      'HOPWATCH_CONFIG without --config',
      [],
      { HOPWATCH_CONFIG: 'env.yaml' },
      { ok: true, value: { ...serve, config: 'env.yaml' } },
    ],
    [
      '--config wins over HOPWATCH_CONFIG',
      ['--config', 'flag.yaml'],
      { HOPWATCH_CONFIG: 'env.yaml' },
      { ok: true, value: { ...serve, config: 'flag.yaml' } },
    ],
    ['an empty HOPWATCH_CONFIG is no config', [], { HOPWATCH_CONFIG: '' }, { ok: true, value: serve }],
    ['port 0', ['--port', '0'], {}, { ok: true, value: { ...serve, port: 0 } }],
    [
      '--port abc',
      ['--port', 'abc'],
      {},
      { ok: false, message: '--port: must be an integer from 0 to 65535 (got "abc")' },
    ],
    [
      '--port 65536',
      ['--port', '65536'],
      {},
      { ok: false, message: '--port: must be an integer from 0 to 65535 (got "65536")' },
    ],
    [
      'check-config FILE',
      ['check-config', 'hw.yaml'],
      {},
      { ok: true, value: { command: 'check-config', file: 'hw.yaml' } },
    ],
    [
      'check-config without FILE',
      ['check-config'],
      {},
      { ok: false, message: 'check-config takes exactly one FILE' },
    ],
    [
      'check-config with serve flags',
      ['check-config', 'hw.yaml', '--port', '1', '--lab'],
      {},
      { ok: false, message: 'check-config takes no --port, --lab: it checks the FILE alone' },
    ],
    ['an unknown command', ['serve'], {}, { ok: false, message: 'unknown command: serve' }],
    ['--help', ['--help'], {}, { ok: true, value: { command: 'help' } }],
    ['--version', ['--version'], {}, { ok: true, value: { command: 'version' } }],
  ])('%s', (_name, argv, env, expected) => {
    expect(parseCli(argv, env)).toEqual(expected);
  });

  it('rejects an unknown flag with node:util’s message', () => {
    const parsed = parseCli(['--portt', '1'], {});
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain("'--portt'");
  });
});
