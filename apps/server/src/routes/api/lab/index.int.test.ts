// The lab routes over a real lab: status in the wire shape, faults injected and cleared, and every bad
// request refused with a 400 that names the field.
import { labClearResponseSchema, labFaultSchema, labStatusSchema } from '@hopwatch/shared/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/lab.js';
import { installErrorHandler } from '../../../plugins/errors.js';
import { labRoutes } from './index.js';

let lab: Lab;
let app: FastifyInstance;

beforeEach(async () => {
  lab = await startLab({ enabled: true, schedule: [], heartbeat: { intervalMs: 200, timeoutMs: 1_000 } });
  app = Fastify();
  installErrorHandler(app);
  await app.register(labRoutes, { lab });
});

afterEach(async () => {
  await app.close();
  await lab.close();
});

function post(payload: unknown) {
  return app.inject({ method: 'POST', url: '/api/lab/faults', payload: payload as object });
}

describe('lab routes', () => {
  it('GET /api/lab lists hops, ports, faults and schedule', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/lab' });
    expect(response.statusCode).toBe(200);
    const status = labStatusSchema.parse(response.json());
    expect(status.hops.map((hop) => hop.name)).toEqual(['edge', 'lb', 'app']);
    expect(status.hops.every((hop) => hop.port > 0)).toBe(true);
    expect(status.faults).toEqual([]);
  });

  it('POST /api/lab/faults starts a fault with its kind defaults; GET shows it; DELETE clears it', async () => {
    const response = await post({ hop: 'lb', kind: 'close', durationMs: 60_000 });
    expect(response.statusCode).toBe(201);
    const fault = labFaultSchema.parse(response.json());
    expect(fault).toMatchObject({
      hop: 'lb',
      kind: 'close',
      code: 1012,
      status: null,
      ageMs: null,
      source: 'api',
    });
    expect(fault.endsAt - fault.startedAt).toBe(60_000);

    const status = labStatusSchema.parse((await app.inject({ method: 'GET', url: '/api/lab' })).json());
    expect(status.faults).toEqual([fault]);

    const cleared = await app.inject({ method: 'DELETE', url: '/api/lab/faults' });
    expect(cleared.statusCode).toBe(200);
    expect(labClearResponseSchema.parse(cleared.json())).toEqual({ cleared: 1 });
    expect(lab.status().faults).toEqual([]);
  });

  it.each([
    {
      name: 'unknown hop',
      body: { hop: 'cdn', kind: 'stall', durationMs: 1_000 },
      field: 'hop: must be one of edge, lb, app',
    },
    { name: 'missing hop', body: { kind: 'stall', durationMs: 1_000 }, field: 'hop: must be one of' },
    {
      name: 'unknown kind',
      body: { hop: 'lb', kind: 'explode', durationMs: 1_000 },
      field: 'kind: must be one of stall',
    },
    { name: 'missing duration', body: { hop: 'lb', kind: 'stall' }, field: 'durationMs: must be a duration' },
    {
      name: 'zero duration',
      body: { hop: 'lb', kind: 'stall', durationMs: 0 },
      field: 'durationMs: must be a duration of at least 1 ms',
    },
    { name: 'negative duration', body: { hop: 'lb', kind: 'stall', durationMs: -5 }, field: 'durationMs:' },
    {
      name: 'fractional duration',
      body: { hop: 'lb', kind: 'stall', durationMs: 1.5 },
      field: 'durationMs: must be a duration in whole',
    },
    { name: 'duration as text', body: { hop: 'lb', kind: 'stall', durationMs: '10s' }, field: 'durationMs:' },
    {
      name: 'over a day',
      body: { hop: 'lb', kind: 'stall', durationMs: 86_400_001 },
      field: 'durationMs: must be a duration of at most 24 h',
    },
    {
      name: 'a reserved close code',
      body: { hop: 'lb', kind: 'close', durationMs: 1_000, code: 1006 },
      field: 'code: must be a close code a peer may send',
    },
    {
      name: 'status out of range',
      body: { hop: 'lb', kind: 'reject', durationMs: 1_000, status: 200 },
      field: 'status: must be an HTTP status from 300 to 599',
    },
    {
      name: 'code on another kind',
      body: { hop: 'lb', kind: 'reset', durationMs: 1_000, code: 1012 },
      field: 'code: applies only to kind close (this fault is reset)',
    },
    {
      name: 'age on another kind',
      body: { hop: 'lb', kind: 'stall', durationMs: 1_000, ageMs: 5 },
      field: 'ageMs: applies only to kind cap',
    },
    {
      name: 'misspelt field',
      body: { hop: 'lb', kind: 'stall', duration: 1_000, durationMs: 1_000 },
      field: 'duration: unknown parameter',
    },
    { name: 'not an object', body: [1, 2], field: 'body: must be a JSON object' },
  ])('refuses $name with 400 naming the field', async ({ body, field }) => {
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    const error = response.json();
    expect(error.error).toBe('bad_body');
    expect(error.message).toContain(field);
    expect(lab.status().faults).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/lab/faults',
      headers: { 'content-type': 'application/json' },
      payload: '{"hop":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('bad_body');
  });
});
