// GET /api/evidence: validation, and a Prometheus that is slow or broken giving each series an error text
// with a 200, never a 5xx. (A real Prometheus answering, and stopped, is in evidence/evidence.int.test.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evidenceResponseSchema } from '@hopwatch/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApiFixture } from '../../test-support/api-fixture.js';

let api: ApiFixture;
/** answers nothing to /hung, and a 502 HTML page to everything else: a proxy in front of a dead Prometheus */
let broken: Server;
let brokenUrl: string;

beforeAll(async () => {
  broken = createServer((request, response) => {
    if (request.url?.startsWith('/hung')) return;
    response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
  });
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  api = await startApiFixture({
    configure(config) {
      config.prometheus = {
        url: `${brokenUrl}/hung`,
        headers: { Authorization: 'Bearer s3cret' },
        timeoutMs: 300,
      };
      const [t3] = config.targets;
      if (t3) t3.evidence = [{ name: 'io', segment: 'app', query: 'up', above: 0.2 }];
    },
  });
});

afterAll(async () => {
  await api.close();
  broken.closeAllConnections();
  await new Promise((resolve) => broken.close(resolve));
});

const get = (query: string) => api.app.inject({ method: 'GET', url: `/api/evidence?${query}` });

describe('GET /api/evidence', () => {
  it('gives a slow Prometheus as the series error, with a 200', async () => {
    const response = await get('target=t3&from=1000&to=61000');
    expect(response.statusCode).toBe(200);
    const body = evidenceResponseSchema.parse(response.json());
    expect(body.series).toEqual([
      {
        name: 'io',
        segment: 'app',
        query: 'up',
        above: 0.2,
        points: [],
        error: `Prometheus at ${brokenUrl}/hung did not answer within 300ms`,
      },
    ]);
    expect(response.body).not.toContain('s3cret');
  });

  it('gives a Prometheus behind a failing proxy as the series error', async () => {
    api.runtime.config.prometheus = { url: brokenUrl, headers: {}, timeoutMs: 2_000 };
    const body = evidenceResponseSchema.parse((await get('target=t3&from=1000&to=61000')).json());
    expect(body.series[0]?.error).toBe(`Prometheus at ${brokenUrl} answered HTTP 502, not JSON`);
  });

  it.each([
    ['target=nope', 404, 'unknown_target', 'target "nope" is not configured; known targets: t3'],
    ['from=1000', 400, 'bad_query', 'target: is required'],
    ['target=t3&from=yesterday', 400, 'bad_query', 'from: '],
    ['target=t3&from=2000&to=1000', 400, 'bad_query', 'to: must not be before from (from 2000, to 1000)'],
    ['target=t3&step=0', 400, 'bad_query', 'step: must be at least 1 ms'],
    ['target=t3&leg=edge', 400, 'bad_query', 'leg: unknown parameter (expected target, from, to, step)'],
    ['target=t3&from=0&to=40000000000000', 400, 'bad_query', 'from: the range may span at most 400 days'],
  ])('%s → %i %s', async (query, status, error, message) => {
    const response = await get(query);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error });
    expect(response.json().message).toContain(message);
  });

  it('answers a target without evidence with no series', async () => {
    const [t3] = api.runtime.config.targets;
    if (t3) t3.evidence = [];
    expect((await get('target=t3')).json()).toEqual({ series: [] });
  });
});
