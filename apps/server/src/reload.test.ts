// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV_NAME} is config syntax under test, not a template
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config/defaults.js';
import { loadConfigText } from './config/load.js';
import type { HopwatchConfig, TargetConfig } from './config/types.js';
import type { LegStatus, ProberHandle } from './probe/types.js';
import { applyReload, type ReloadLog } from './reload.js';

const BASE = `
server: { port: 9000 }
targets:
  - name: t3
    segments: [last-mile, edge, app]
    legs:
      - { name: edge, url: "ws://127.0.0.1:1/ws", enters: edge }
      - { name: app, url: "ws://127.0.0.1:2/ws?token=\${TOKEN}", enters: app }
`;

function load(yaml: string, env: Record<string, string> = { TOKEN: 'one' }) {
  return loadConfigText(yaml, { source: '/etc/hw.yaml', baseDir: '/etc', env, readFile: () => '' });
}

function configOf(yaml: string, env?: Record<string, string>): HopwatchConfig {
  const result = load(yaml, env);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

/** Records what reload hands the prober: the seam is ProberHandle, the prober itself is tested elsewhere. */
class RecordingProber implements ProberHandle {
  applied: TargetConfig[][] = [];
  start(): void {}
  async stop(): Promise<void> {}
  apply(targets: TargetConfig[]): void {
    this.applied.push(targets);
  }
  status(): LegStatus[] {
    return [];
  }
}

function recordingLog() {
  const lines: { level: string; message: string; object: object }[] = [];
  const log: ReloadLog = {
    info: (object, message) => lines.push({ level: 'info', message, object }),
    warn: (object, message) => lines.push({ level: 'warn', message, object }),
    error: (object, message) => lines.push({ level: 'error', message, object }),
  };
  return { log, lines };
}

describe('applyReload', () => {
  it('hands the new targets to the prober and names what changed by key, never by value', () => {
    const runtime = { config: configOf(BASE), prober: new RecordingProber() };
    const { log, lines } = recordingLog();
    const edited = `${BASE.replace('127.0.0.1:1/ws', '127.0.0.1:3/ws')}      - { name: extra, url: "ws://x/ws", enters: app }\n`;

    const outcome = applyReload(runtime, load(edited, { TOKEN: 'two' }), log);

    expect(outcome).toEqual({
      applied: true,
      changes: ['leg t3/edge: url changed', 'leg t3/app: url changed', 'leg t3/extra added'],
      needsRestart: [],
    });
    expect(runtime.prober.applied).toHaveLength(1);
    expect(runtime.prober.applied[0]?.[0]?.legs.map((leg) => leg.name)).toEqual(['edge', 'app', 'extra']);
    expect(runtime.config.targets[0]?.legs[1]?.url).toBe('ws://127.0.0.1:2/ws?token=two');
    expect(lines).toEqual([
      { level: 'info', message: 'config reloaded', object: { changes: outcome.applied && outcome.changes } },
    ]);
    expect(JSON.stringify(lines)).not.toContain('two');
  });

  it('keeps the running config when the file is invalid', () => {
    const before = configOf(BASE);
    const runtime = { config: before, prober: new RecordingProber() };
    const { log, lines } = recordingLog();

    const outcome = applyReload(runtime, load(BASE.replace('ws://127.0.0.1:1', 'http://127.0.0.1:1')), log);

    expect(outcome.applied).toBe(false);
    expect(runtime.config).toBe(before);
    expect(runtime.prober.applied).toEqual([]);
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'config reload failed: the file is invalid, keeping the running config',
        object: {
          errors: ['targets[0].legs[0].url: must start with ws:// or wss:// (got "http://127.0.0.1:1/ws")'],
        },
      },
    ]);
  });

  it('reports keys bound at startup as needing a restart and keeps running with their old values', () => {
    const runtime = { config: configOf(BASE) };
    const { log, lines } = recordingLog();
    const edited = BASE.replace(
      'port: 9000',
      'port: 9001 }\nstorage: { retention: 7d }\nlab: { enabled: true',
    ).replace('name: t3', 'name: t4');

    const outcome = applyReload(runtime, load(edited), log);

    expect(outcome).toEqual({
      applied: true,
      changes: ['target t3 removed', 'target t4 added (legs edge, app)'],
      needsRestart: ['server.port', 'storage.retention', 'lab.enabled'],
    });
    expect(runtime.config.server.port).toBe(9000);
    expect(runtime.config.lab.enabled).toBe(false);
    expect(runtime.config.targets.map((target) => target.name)).toEqual(['t4']);
    expect(lines.map((line) => line.level)).toEqual(['info', 'warn']);
  });

  it('says so when nothing changed, and still lets the prober see the targets', () => {
    const runtime = { config: configOf(BASE), prober: new RecordingProber() };
    const { log, lines } = recordingLog();
    expect(applyReload(runtime, load(BASE), log)).toEqual({ applied: true, changes: [], needsRestart: [] });
    expect(runtime.prober.applied).toHaveLength(1);
    expect(lines.map((line) => line.message)).toEqual(['config reloaded: nothing changed']);
  });

  it('keeps the running lab target with the prober and in the runtime config', () => {
    const labTarget = configOf(BASE.replace('name: t3', 'name: lab')).targets[0] as TargetConfig;
    const before = configOf(BASE);
    const runtime = {
      config: { ...before, targets: [...before.targets, labTarget] },
      prober: new RecordingProber(),
      lab: { target: labTarget },
    };
    const { log } = recordingLog();

    const outcome = applyReload(runtime, load(BASE.replace('name: t3', 'name: t4')), log);

    expect(outcome).toMatchObject({ changes: ['target t3 removed', 'target t4 added (legs edge, app)'] });
    expect(runtime.prober.applied.map((targets) => targets.map((target) => target.name))).toEqual([
      ['t4', 'lab'],
    ]);
    expect(runtime.config.targets.map((target) => target.name)).toEqual(['t4', 'lab']);
  });

  it('reloads the zero-config lab into itself without changes', () => {
    const runtime = { config: defaultConfig() };
    const { log } = recordingLog();
    expect(applyReload(runtime, { ok: true, config: defaultConfig(), warnings: [] }, log)).toEqual({
      applied: true,
      changes: [],
      needsRestart: [],
    });
  });
});

describe('applyReload with evidence', () => {
  it('applies prometheus and a target evidence change live, naming the key', () => {
    const runtime = { config: configOf(BASE), prober: new RecordingProber() };
    const { log } = recordingLog();
    const edited = `prometheus: { url: "http://127.0.0.1:9090" }\n${BASE}    evidence:\n      - { name: io, segment: app, query: up, above: 0.2 }\n`;

    const outcome = applyReload(runtime, load(edited), log);

    expect(outcome).toEqual({ applied: true, changes: ['target t3: evidence changed'], needsRestart: [] });
    expect(runtime.config.prometheus?.url).toBe('http://127.0.0.1:9090');
    expect(runtime.config.targets[0]?.evidence).toEqual([
      { name: 'io', segment: 'app', query: 'up', above: 0.2 },
    ]);
  });
});
