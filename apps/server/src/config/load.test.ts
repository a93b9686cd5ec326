// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${ENV_NAME} is config syntax under test, not a template
import { describe, expect, it } from 'vitest';
import { type ConfigOverrides, type LoadResult, loadConfigText, NO_OVERRIDES, zeroConfig } from './load.js';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const FILES: Record<string, string> = { '/etc/hopwatch/ca.pem': CA_PEM, '/etc/hopwatch/notes.txt': 'hello' };

function load(yaml: string, env: Record<string, string> = {}, overrides: ConfigOverrides = NO_OVERRIDES) {
  return loadConfigText(yaml, {
    source: '/etc/hopwatch/hopwatch.yaml',
    baseDir: '/etc/hopwatch',
    env,
    overrides,
    readFile(path) {
      const text = FILES[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  });
}

function loaded(result: LoadResult) {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result;
}

/** One target with one leg; `leg` and `target` lines are spliced in so each case shows only what it breaks. */
function config({ target = '', leg = '', url = 'ws://127.0.0.1:9/ws', top = '' } = {}): string {
  return `${top}
targets:
  - name: t3
    segments: [last-mile, edge, lb, app]
${target}
    legs:
      - name: edge
        url: ${url}
        enters: edge
${leg}
`;
}

const BAD_CONFIGS: { name: string; yaml: string; env?: Record<string, string>; errors: string[] }[] = [
  {
    name: 'http url',
    yaml: config({ url: 'http://t3.example.com/ws' }),
    errors: ['targets[0].legs[0].url: must start with ws:// or wss:// (got "http://t3.example.com/ws")'],
  },
  {
    name: 'url quoted back with its secrets redacted',
    yaml: config({ url: 'https://bob:hunter2@t3.example.com/ws?token=abc&room=1' }),
    errors: [
      'targets[0].legs[0].url: must start with ws:// or wss:// (got "https://***@t3.example.com/ws?token=***&room=1")',
    ],
  },
  {
    name: 'url without a host',
    yaml: config({ url: 'ws://' }),
    errors: ['targets[0].legs[0].url: is not a valid URL (got "ws://")'],
  },
  {
    name: 'unknown key in a leg',
    yaml: config({ leg: '        urll: ws://x' }),
    errors: [
      'targets[0].legs[0].urll: unknown key (expected one of name, url, enters, covers, headers, subprotocols, ' +
        'origin, tls, heartbeat, reconnect, open)',
    ],
  },
  {
    name: 'unknown key at the top level',
    yaml: config({ top: 'servr: {}' }),
    errors: [
      'servr: unknown key (expected one of server, storage, vantage, prober, targets, lab, prometheus)',
    ],
  },
  {
    name: 'unknown key in a nested mapping',
    yaml: config({ leg: '        tls: { insecure: true, verify: false }' }),
    errors: ['targets[0].legs[0].tls.verify: unknown key (expected one of insecure, ca, servername)'],
  },
  {
    name: 'unknown key in server',
    yaml: config({ top: 'server: { port: 8080, token: x }' }),
    errors: [
      'server.token: unknown key (expected one of host, port, authToken, allowedOrigins, allowedHosts, trustProxy)',
    ],
  },
  {
    name: 'enters naming no segment',
    yaml: config({ leg: '      - { name: lb, url: "ws://x/ws", enters: traefik }' }),
    errors: [
      'targets[0].legs[1].enters: "traefik" is not a segment (segments of target t3: last-mile, edge, lb, app)',
    ],
  },
  {
    name: 'covers naming no segment',
    yaml: config({ leg: '      - { name: lb, url: "ws://x/ws", covers: [lb, cdn] }' }),
    errors: [
      'targets[0].legs[1].covers[1]: "cdn" is not a segment (segments of target t3: last-mile, edge, lb, app)',
    ],
  },
  {
    name: 'enters last-mile',
    yaml: config({ leg: '      - { name: lb, url: "ws://x/ws", enters: last-mile }' }),
    errors: ["targets[0].legs[1].enters: last-mile is the user's own network and is crossed by no leg"],
  },
  {
    name: 'both enters and covers',
    yaml: config({ leg: '      - { name: lb, url: "ws://x/ws", enters: lb, covers: [lb] }' }),
    errors: ['targets[0].legs[1]: set either enters or covers, not both'],
  },
  {
    name: 'neither enters nor covers',
    yaml: config({ leg: '      - { name: lb, url: "ws://x/ws" }' }),
    errors: ['targets[0].legs[1]: needs enters or covers (the segments this leg crosses)'],
  },
  {
    name: 'duplicate leg names',
    yaml: config({ leg: '      - { name: edge, url: "ws://x/ws", enters: lb }' }),
    errors: ['targets[0].legs[1].name: duplicate leg name "edge" (also targets[0].legs[0])'],
  },
  {
    name: 'duplicate target names',
    yaml: `${config()}
  - name: t3
    segments: [app]
    legs: [{ name: app, url: "ws://x/ws", enters: app }]`,
    errors: ['targets[1].name: duplicate target name "t3" (also targets[0])'],
  },
  {
    name: 'duplicate segments',
    yaml: config().replace('[last-mile, edge, lb, app]', '[last-mile, edge, lb, edge]'),
    errors: ['targets[0].segments[3]: duplicate segment "edge"'],
  },
  {
    name: 'bad leg name',
    yaml: config({ leg: '      - { name: Internal LB, url: "ws://x/ws", enters: lb }' }),
    errors: [
      'targets[0].legs[1].name: must match [a-z0-9][a-z0-9_-]*: lowercase letters, digits, _ and - (got "Internal LB")',
    ],
  },
  {
    name: 'duration without a unit',
    yaml: config({ target: '    heartbeat: { interval: 10 }' }),
    errors: ['targets[0].heartbeat.interval: must be a duration like 500ms, 10s, 2m, 1h or 30d (got 10)'],
  },
  {
    name: 'misspelled duration',
    yaml: config({ top: 'storage: { retention: 30 days }' }),
    errors: ['storage.retention: must be a duration like 500ms, 10s, 2m, 1h or 30d (got "30 days")'],
  },
  {
    name: 'both storage backends',
    yaml: config({ top: 'storage: { sqlite: ./a.db, postgres: "postgres://hop:s3cret@db/hopwatch" }' }),
    errors: ['storage: set either sqlite or postgres, not both'],
  },
  {
    name: 'a storage.postgres URL of another scheme, its password redacted',
    yaml: config({ top: 'storage: { postgres: "mysql://hop:s3cret@db/hopwatch" }' }),
    errors: [
      'storage.postgres: must start with postgres:// or postgresql:// (got "mysql://***@db/hopwatch")',
    ],
  },
  {
    name: 'a vantage that is not a name',
    yaml: config({ top: 'vantage: Home Lab' }),
    errors: ['vantage: must match [a-z0-9][a-z0-9_-]*: lowercase letters, digits, _ and - (got "Home Lab")'],
  },
  {
    name: 'zero interval',
    yaml: config({ leg: '        heartbeat: { interval: 0s }' }),
    errors: ['targets[0].legs[0].heartbeat.interval: must be longer than 0 (got "0s")'],
  },
  {
    name: 'negative timeout',
    yaml: config({ leg: '        heartbeat: { timeout: -5s }' }),
    errors: [
      'targets[0].legs[0].heartbeat.timeout: must be a duration like 500ms, 10s, 2m, 1h or 30d (got "-5s")',
    ],
  },
  {
    name: 'timer longer than setTimeout can hold',
    yaml: config({ leg: '        reconnect: { max: 30d }' }),
    errors: ['targets[0].legs[0].reconnect.max: must be at most 24d (got "30d")'],
  },
  {
    name: 'listen mode with a timeout not longer than the interval',
    yaml: config({ leg: '        heartbeat: { mode: listen, interval: 10s, timeout: 10s }' }),
    errors: [
      "targets[0].legs[0].heartbeat.timeout: must be longer than interval (10s) in listen mode, where the pong to each interval's ping may be the only sign of life",
    ],
  },
  {
    name: 'message mode without send and expect, reported once where the mode is set',
    yaml: config({
      target: '    heartbeat: { mode: message }',
      leg: '      - { name: lb, url: "ws://x/ws", enters: lb }',
    }),
    errors: [
      'targets[0].heartbeat.send: is required when mode is message',
      'targets[0].heartbeat.expect: is required when mode is message',
    ],
  },
  {
    name: 'message mode with send only',
    yaml: config({ leg: "        heartbeat: { mode: message, send: 'ping {{seq}}' }" }),
    errors: ['targets[0].legs[0].heartbeat.expect: is required when mode is message'],
  },
  {
    name: 'unknown template placeholder',
    yaml: config({
      leg: "        heartbeat: { mode: message, send: 'ping {{sequence}}', expect: '{{seq}}' }",
    }),
    errors: [
      'targets[0].legs[0].heartbeat.send: unknown placeholder {{sequence}} (expected {{seq}} or {{ts}})',
    ],
  },
  {
    name: 'placeholder spelled with spaces, which the prober would send verbatim',
    yaml: config({ leg: "        open: [{ send: 'hello {{ ts }}', expect: welcome }]" }),
    errors: ['targets[0].legs[0].open[0].send: unknown placeholder {{ ts }} (expected {{seq}} or {{ts}})'],
  },
  {
    name: 'open step without expect',
    yaml: config({ leg: '        open: [{ send: hello }]' }),
    errors: ['targets[0].legs[0].open[0].expect: is required'],
  },
  {
    name: 'reconnect max below initial',
    yaml: config({ leg: '        reconnect: { initial: 5s, max: 2s }' }),
    errors: ['targets[0].legs[0].reconnect.max: max (2s) must be at least initial (5s)'],
  },
  {
    name: 'missing environment variable',
    yaml: config({ url: 'wss://t3.example.com/ws?token=${T3_TOKEN}' }),
    errors: ['targets[0].legs[0].url: environment variable T3_TOKEN is not set'],
  },
  {
    name: 'missing environment variable in a header',
    yaml: config({ leg: '        headers: { Authorization: "Bearer ${T3_TOKEN}" }' }),
    env: { OTHER: 'x' },
    errors: ['targets[0].legs[0].headers.Authorization: environment variable T3_TOKEN is not set'],
  },
  {
    name: 'unreadable tls.ca',
    yaml: config({ url: 'wss://t3.example.com/ws', leg: '        tls: { ca: certs/missing.pem }' }),
    errors: ['targets[0].legs[0].tls.ca: cannot read /etc/hopwatch/certs/missing.pem (ENOENT)'],
  },
  {
    name: 'tls.ca that is not a certificate',
    yaml: config({ url: 'wss://t3.example.com/ws', leg: '        tls: { ca: notes.txt }' }),
    errors: ['targets[0].legs[0].tls.ca: /etc/hopwatch/notes.txt holds no PEM certificate'],
  },
  {
    name: 'YAML syntax error',
    yaml: 'targets:\n  - name: t3\n    segments: [a, b\n    legs: []\n',
    errors: [
      'line 4, column 5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'duplicate YAML key',
    yaml: 'server:\n  port: 1\n  port: 2\n',
    errors: ['line 3, column 3: YAML syntax error: Map keys must be unique'],
  },
  {
    name: 'wrong types',
    yaml: config({
      top: 'server: { port: "8080", allowedOrigins: https://noc.example.com }\nlab: { enabled: yes }',
      leg: '        subprotocols: graphql-ws\n        headers: { X-Api-Key: 12345 }',
    }),
    errors: [
      'server.port: must be an integer from 0 to 65535 (got "8080")',
      'server.allowedOrigins: must be a list (got a string)',
      'targets[0].legs[0].headers.X-Api-Key: must be a string (got a number)',
      'targets[0].legs[0].subprotocols: must be a list (got a string)',
      'lab.enabled: must be true or false (got a string)',
    ],
  },
  {
    name: 'top level is a list',
    yaml: '- name: t3\n',
    errors: ['(top level): must be a mapping (got a list)'],
  },
  {
    name: 'required keys missing',
    yaml: 'targets:\n  - name: t3\n    legs:\n      - { name: edge, enters: edge }\n',
    errors: ['targets[0].segments: is required', 'targets[0].legs[0].url: is required'],
  },
  {
    name: 'heartbeat mode not in the list',
    yaml: config({ leg: '        heartbeat: { mode: pong }' }),
    errors: ['targets[0].legs[0].heartbeat.mode: must be one of message, ping, listen (got "pong")'],
  },
  {
    name: 'allowed origin with a path',
    yaml: config({ top: 'server: { allowedOrigins: ["https://noc.example.com/wall"] }' }),
    errors: [
      'server.allowedOrigins[0]: must be an origin like https://noc.example.com (got "https://noc.example.com/wall")',
    ],
  },
  {
    name: 'a target named lab while the lab runs',
    yaml: config({ top: 'lab: { enabled: true }' }).replace('name: t3', 'name: lab'),
    errors: [`targets[0].name: "lab" is the built-in lab's target; rename it or disable the lab`],
  },
  {
    name: 'lab fault option for another kind',
    yaml: 'lab:\n  schedule:\n    - { hop: lb, kind: reset, every: 1m, duration: 1s, code: 1012 }\n',
    errors: ['lab.schedule[0].code: applies only to kind close (this fault is reset)'],
  },
  {
    name: 'header value with a line break',
    yaml: config({ leg: '        headers: { X-Trace: "a\\r\\nInjected: 1" }' }),
    errors: ['targets[0].legs[0].headers.X-Trace: must not contain line breaks'],
  },
];

describe('loadConfigText: bad configs', () => {
  it.each(BAD_CONFIGS)('$name', ({ yaml, env, errors }) => {
    const result = load(yaml, env);
    expect(result).toEqual({ ok: false, errors });
  });

  it('reports every schema error of a file at once', () => {
    const result = load(
      config({
        url: 'http://x/ws',
        top: 'server: { port: -1 }',
        leg: '        heartbeat: { mode: ping, intervl: 5s }',
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toHaveLength(3);
  });

  it('never puts a secret into an error message', () => {
    const yaml = config({
      url: 'https://alice:s3cr3t@x.example/ws?access_token=${TOKEN}',
      leg: '        headers: { Authorization: 42 }',
    });
    const result = load(yaml, { TOKEN: 'tok-999' });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    for (const secret of ['s3cr3t', 'tok-999', 'alice', '42']) expect(text).not.toContain(secret);
  });
});

describe('loadConfigText: coverage', () => {
  it('resolves nested enters to every segment from there to the end, then the private entry', () => {
    const { config: resolved } = loaded(
      load(`
targets:
  - name: t3
    segments: [last-mile, cloudflare, tunnel, traefik, dispatch, t3-serve]
    legs:
      - { name: cloudflare, url: "wss://t3.example.com/ws", enters: cloudflare }
      - { name: internal, url: "ws://10.0.20.203/ws", enters: traefik, headers: { Host: t3.example.com } }
      - { name: t3serve, url: "ws://devvm:3773/ws", enters: t3-serve }
`),
    );
    const legs = resolved.targets[0]?.legs ?? [];
    expect(legs.map((leg) => [leg.name, leg.enters, leg.covers])).toEqual([
      [
        'cloudflare',
        'cloudflare',
        ['cloudflare', 'tunnel', 'traefik', 'dispatch', 't3-serve', 'cloudflare:entry'],
      ],
      ['internal', 'traefik', ['traefik', 'dispatch', 't3-serve', 'internal:entry']],
      ['t3serve', 't3-serve', ['t3-serve', 't3serve:entry']],
    ]);
  });

  it('resolves explicit covers for paths that are not nested, in path order', () => {
    const { config: resolved } = loaded(
      load(`
targets:
  - name: api
    segments: [last-mile, cdn, lb-east, lb-west, app]
    legs:
      - { name: east, url: "ws://east/ws", covers: [app, lb-east] }
      - { name: west, url: "ws://west/ws", covers: [lb-west, app] }
`),
    );
    const legs = resolved.targets[0]?.legs ?? [];
    expect(legs.map((leg) => [leg.enters, leg.covers])).toEqual([
      [null, ['lb-east', 'app', 'east:entry']],
      [null, ['lb-west', 'app', 'west:entry']],
    ]);
  });
});

describe('loadConfigText: storage and vantage', () => {
  it('takes a PostgreSQL URL with its password from the environment, and a vantage', () => {
    const { config: resolved } = loaded(
      load(
        config({
          top: 'vantage: vps\nstorage: { postgres: "postgres://hop:${PGPASSWORD}@db:5432/hopwatch" }',
        }),
        {
          PGPASSWORD: 's3cret',
        },
      ),
    );
    expect(resolved.storage.postgres).toBe('postgres://hop:s3cret@db:5432/hopwatch');
    expect(resolved.vantage).toBe('vps');
  });
});

describe('loadConfigText: defaults', () => {
  it('fills every default, and the correlation window from the largest leg timeout plus 5s', () => {
    const { config: resolved, warnings } = loaded(
      load(
        config({ leg: '      - { name: lb, url: "ws://x/ws", enters: lb, heartbeat: { timeout: 45s } }' }),
      ),
    );
    expect(warnings).toEqual([]);
    expect(resolved.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      authToken: '',
      allowedOrigins: [],
      allowedHosts: [],
      trustProxy: false,
    });
    expect(resolved.storage).toEqual({
      sqlite: './data/hopwatch.db',
      postgres: null,
      retentionMs: 30 * 86_400_000,
    });
    expect(resolved.vantage).toBe('default');
    expect(resolved.prober).toEqual({ stallThresholdMs: 1_000 });
    expect(resolved.source).toBe('/etc/hopwatch/hopwatch.yaml');
    const target = resolved.targets[0];
    expect(target?.correlationWindowMs).toBe(50_000);
    expect(target?.legs[0]).toMatchObject({
      headers: {},
      subprotocols: [],
      origin: null,
      tls: { insecure: false, ca: null, servername: null },
      heartbeat: { mode: 'ping', intervalMs: 10_000, timeoutMs: 20_000, send: '', expect: '' },
      reconnect: { initialMs: 1_000, maxMs: 60_000 },
      open: [],
    });
    // A config with targets does not start the lab unless asked.
    expect(resolved.lab).toEqual({
      enabled: false,
      schedule: null,
      heartbeat: { intervalMs: 2_000, timeoutMs: 6_000 },
    });
  });

  it('merges heartbeat keys: defaults, then the target, then the leg, key by key', () => {
    const { config: resolved } = loaded(
      load(
        config({
          target: "    heartbeat: { mode: message, interval: 5s, send: 'p{{seq}}', expect: '{{seq}}' }",
          leg: '        heartbeat: { timeout: 7s }\n      - { name: lb, url: "ws://x/ws", enters: lb, heartbeat: { mode: ping } }',
        }),
      ),
    );
    const [edge, lb] = resolved.targets[0]?.legs ?? [];
    expect(edge?.heartbeat).toEqual({
      mode: 'message',
      intervalMs: 5_000,
      timeoutMs: 7_000,
      send: 'p{{seq}}',
      expect: '{{seq}}',
    });
    expect(lb?.heartbeat).toEqual({
      mode: 'ping',
      intervalMs: 5_000,
      timeoutMs: 20_000,
      send: 'p{{seq}}',
      expect: '{{seq}}',
    });
    expect(resolved.targets[0]?.correlationWindowMs).toBe(25_000);
  });

  it('reads every leg setting', () => {
    const { config: resolved } = loaded(
      load(
        config({
          url: 'wss://t3.example.com/ws?token=${T3_TOKEN}',
          target: '    correlationWindow: 30s',
          leg: [
            '        headers: { Authorization: "Bearer ${T3_TOKEN}" }',
            '        subprotocols: [graphql-ws]',
            '        origin: https://t3.example.com',
            '        tls: { insecure: true, ca: ca.pem, servername: t3.internal }',
            '        reconnect: { initial: 500ms, max: 30s }',
            '        open:',
            `          - { send: '{"auth":"\${T3_TOKEN}"}', expect: ok }`,
          ].join('\n'),
        }),
        { T3_TOKEN: 'tok' },
      ),
    );
    expect(resolved.targets[0]?.correlationWindowMs).toBe(30_000);
    expect(resolved.targets[0]?.legs[0]).toMatchObject({
      url: 'wss://t3.example.com/ws?token=tok',
      headers: { Authorization: 'Bearer tok' },
      subprotocols: ['graphql-ws'],
      origin: 'https://t3.example.com',
      tls: { insecure: true, ca: CA_PEM, servername: 't3.internal' },
      reconnect: { initialMs: 500, maxMs: 30_000 },
      open: [{ send: '{"auth":"tok"}', expect: 'ok' }],
    });
  });

  it('treats an empty file and empty values as defaults, and starts the lab when there are no targets', () => {
    const { config: resolved } = loaded(load('server:\n  authToken:\n'));
    expect(resolved.server.authToken).toBe('');
    expect(resolved.targets).toEqual([]);
    expect(resolved.lab.enabled).toBe(true);
    expect(loaded(load('')).config.lab.enabled).toBe(true);
  });

  it('keeps "no schedule" (the lab default) apart from "schedule: []" (scheduled faults off)', () => {
    expect(loaded(load('lab: { enabled: true }')).config.lab.schedule).toBeNull();
    expect(loaded(load('lab: { schedule: [] }')).config.lab.schedule).toEqual([]);
    const { config: resolved } = loaded(
      load(
        'lab:\n  heartbeat: { interval: 500ms }\n  schedule:\n    - { hop: app, kind: close, every: 2m, duration: 1s, offset: 30s, code: 1012 }\n',
      ),
    );
    expect(resolved.lab).toEqual({
      enabled: true,
      heartbeat: { intervalMs: 500, timeoutMs: 6_000 },
      schedule: [
        {
          hop: 'app',
          kind: 'close',
          everyMs: 120_000,
          durationMs: 1_000,
          offsetMs: 30_000,
          code: 1012,
          status: null,
          ageMs: null,
        },
      ],
    });
  });

  it('accepts YAML anchors and merge keys, so legs can share settings', () => {
    const { config: resolved } = loaded(
      load(`
targets:
  - name: t3
    segments: [edge, app]
    legs:
      - &edge { name: edge, url: "ws://x/ws", enters: edge, heartbeat: { interval: 5s }, reconnect: { max: 10s } }
      - { <<: *edge, name: app, url: "ws://y/ws", enters: app }
`),
    );
    expect(
      resolved.targets[0]?.legs.map((leg) => [
        leg.name,
        leg.url,
        leg.heartbeat.intervalMs,
        leg.reconnect.maxMs,
      ]),
    ).toEqual([
      ['edge', 'ws://x/ws', 5_000, 10_000],
      ['app', 'ws://y/ws', 5_000, 10_000],
    ]);
  });

  it('writes a literal $ as $$', () => {
    const { config: resolved } = loaded(load(config({ leg: "        headers: { X-Price: '$${HOME}' }" })));
    expect(resolved.targets[0]?.legs[0]?.headers).toEqual({ 'X-Price': '${HOME}' });
  });

  it('resolves a relative storage.sqlite against the config file', () => {
    expect(loaded(load('storage: { sqlite: db/hw.db }')).config.storage.sqlite).toBe(
      '/etc/hopwatch/db/hw.db',
    );
  });

  it('warns about an exposed bind without an auth token, and about tls on ws://', () => {
    const { warnings } = loaded(
      load(config({ top: 'server: { host: 0.0.0.0 }', leg: '        tls: { insecure: true }' })),
    );
    expect(warnings).toEqual([
      'targets[0].legs[0].tls: ignored, since the url is ws:// (no TLS)',
      'server.host: 0.0.0.0 is reachable from other machines and server.authToken is empty: anyone who can reach it can read the dashboard',
    ]);
  });
});

describe('command-line overrides', () => {
  const flags: ConfigOverrides = { host: '0.0.0.0', port: 0, data: '/var/lib/hw', lab: true };

  it('win over the file', () => {
    const { config: resolved } = loaded(
      load(config({ top: 'server: { host: 127.0.0.1, port: 9000, authToken: x }' }), {}, flags),
    );
    expect(resolved.server).toMatchObject({ host: '0.0.0.0', port: 0, authToken: 'x' });
    expect(resolved.storage.sqlite).toBe('/var/lib/hw/hopwatch.db');
    expect(resolved.lab.enabled).toBe(true);
  });

  it('apply to the zero-config lab', () => {
    const resolved = zeroConfig({ host: null, port: 1234, data: 'state', lab: false });
    expect(resolved.server.port).toBe(1234);
    expect(resolved.storage.sqlite).toBe('state/hopwatch.db');
    expect(resolved.lab).toMatchObject({ enabled: true, schedule: null });
    expect(resolved.source).toBeNull();
  });

  it('--lab makes a target named lab an error', () => {
    const yaml = config().replace('name: t3', 'name: lab');
    expect(load(yaml).ok).toBe(true);
    expect(load(yaml, {}, { ...NO_OVERRIDES, lab: true })).toEqual({
      ok: false,
      errors: [`targets[0].name: "lab" is the built-in lab's target; rename it or disable the lab`],
    });
  });
});
