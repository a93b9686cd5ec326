// The assembled lab seen by plain ws clients on each leg's URL: the path works, a fault on a hop drops
// exactly the legs that cross it, and the status and schedule are what GET /api/lab will serve.
import net from 'node:net';
import { type LabFault, labStatusSchema } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LabConfig } from '../config/types.js';
import { type Lab, labFaultFields, startLab } from './lab.js';

const QUIET: LabConfig = { enabled: true, schedule: [], heartbeat: { intervalMs: 200, timeoutMs: 1_000 } };

let lab: Lab | null = null;
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await lab?.close();
  lab = null;
});

async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  clients.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function reply(ws: WebSocket, seq: number): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const text = data.toString();
      if (!text.includes(`"seq":${seq}`)) return;
      ws.off('message', onMessage);
      resolve(text);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'ping', seq }));
  });
}

async function connectError(port: number): Promise<string | undefined> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const error = await new Promise<NodeJS.ErrnoException>((resolve) => ws.once('error', resolve));
  return error.code;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

describe('startLab', () => {
  it('builds the target lab: segments, one leg entering at each hop, message heartbeats', async () => {
    lab = await startLab(QUIET, { correlationWindowMs: 1_500 });
    const { target } = lab;
    expect(target.name).toBe('lab');
    expect(target.segments).toEqual(['last-mile', 'edge', 'lb', 'app']);
    expect(target.correlationWindowMs).toBe(1_500);
    expect(target.legs.map((leg) => [leg.name, leg.enters, leg.covers])).toEqual([
      ['edge', 'edge', ['edge', 'lb', 'app', 'edge:entry']],
      ['lb', 'lb', ['lb', 'app', 'lb:entry']],
      ['app', 'app', ['app', 'app:entry']],
    ]);
    const ports = Object.fromEntries(lab.status().hops.map((hop) => [hop.name, hop.port]));
    for (const leg of target.legs) {
      expect(leg.url).toBe(`ws://127.0.0.1:${ports[leg.name]}/ws`);
      expect(leg.heartbeat).toMatchObject({ mode: 'message', intervalMs: 200, timeoutMs: 1_000 });
    }
  });

  it('defaults the correlation window to the heartbeat timeout plus 5 s', async () => {
    lab = await startLab(QUIET);
    expect(lab.target.correlationWindowMs).toBe(6_000);
  });

  it('answers message heartbeats on every leg, and pushes state', async () => {
    lab = await startLab(QUIET, { stateEveryMs: 100 });
    for (const [index, leg] of lab.target.legs.entries()) {
      const ws = await connect(leg.url);
      expect(await reply(ws, index + 10)).toMatch(/"type":"pong"/);
      const state = await new Promise<string>((resolve) =>
        ws.on('message', (data) => {
          if (data.toString().includes('"type":"state"')) resolve(data.toString());
        }),
      );
      expect(JSON.parse(state)).toMatchObject({ type: 'state' });
    }
  });

  it('a fault on a hop drops exactly the legs that cross it', async () => {
    lab = await startLab(QUIET);
    const [edge, lb, app] = await Promise.all(lab.target.legs.map((leg) => connect(leg.url)));
    if (!edge || !lb || !app) throw new Error('three legs expected');
    const edgeClosed = closed(edge);
    const lbClosed = closed(lb);
    const fault = lab.inject({ hop: 'lb', kind: 'close', durationMs: 60_000, code: 4321 });
    expect(await edgeClosed).toBe(4321);
    expect(await lbClosed).toBe(4321);
    expect(await reply(app, 1)).toContain('"seq":1');
    expect(lab.status().faults).toEqual([fault]);
    expect(lab.clear()).toBe(1);
    expect(lab.status().faults).toEqual([]);
    // Healthy again: a new session through the edge works.
    expect(await reply(await connect(lab.target.legs[0]?.url ?? ''), 2)).toContain('"seq":2');
  });

  it('reports hops, ports, faults and schedule in the wire shape, the default schedule when none is configured', async () => {
    const started = await startLab({ ...QUIET, schedule: null });
    lab = started;
    // The default schedule caps the edge from the start (its first firing is due at once).
    await expect.poll(() => started.status().faults.length).toBe(1);
    lab.inject({ hop: 'app', kind: 'reject', durationMs: 60_000 });
    const status = labStatusSchema.parse(lab.status());
    expect(status.hops.map((hop) => hop.name)).toEqual(['edge', 'lb', 'app']);
    const [edge, lb, app] = status.hops;
    expect(edge?.upstreamPort).toBe(lb?.port);
    expect(lb?.upstreamPort).toBe(app?.port);
    expect(new Set(status.hops.map((hop) => hop.port)).size).toBe(3);
    expect(status.schedule.length).toBeGreaterThan(0);
    for (const entry of status.schedule) expect(entry.nextAt).not.toBeNull();
    expect(status.faults.map((fault) => [fault.hop, fault.kind, fault.source])).toEqual([
      ['edge', 'cap', 'schedule'],
      ['app', 'reject', 'api'],
    ]);
    expect(status.faults[1]?.status).toBe(502);
  });

  it('tells onFault of every fault as it starts, scheduled or injected, as one log line', async () => {
    const started: LabFault[] = [];
    lab = await startLab(
      {
        ...QUIET,
        schedule: [
          {
            hop: 'lb',
            kind: 'reset',
            everyMs: 60_000,
            durationMs: 500,
            offsetMs: 0,
            code: null,
            status: null,
            ageMs: null,
          },
        ],
      },
      { onFault: (fault) => started.push(fault) },
    );
    await expect.poll(() => started.length).toBe(1);
    lab.inject({ hop: 'edge', kind: 'close', durationMs: 1_000 });
    expect(started.map((fault) => [fault.hop, fault.kind, fault.source])).toEqual([
      ['lb', 'reset', 'schedule'],
      ['edge', 'close', 'api'],
    ]);
    expect(labFaultFields(started[1] as LabFault)).toEqual({
      hop: 'edge',
      fault: 'close',
      source: 'api',
      duration_ms: 1_000,
      code: 1012,
      status: null,
      age_ms: null,
    });
  });

  it('schedule: [] turns the scheduled faults off', async () => {
    lab = await startLab(QUIET);
    expect(lab.status().schedule).toEqual([]);
    expect(lab.status().faults).toEqual([]);
  });

  it('close ends every session and frees the ports', async () => {
    lab = await startLab(QUIET);
    const sessions = await Promise.all(lab.target.legs.map((leg) => connect(leg.url)));
    const ports = lab.status().hops.map((hop) => hop.port);
    await Promise.all([...sessions.map(closed), lab.close()]);
    lab = null;
    for (const port of ports) expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('refuses to start on a taken port and leaves nothing running', async () => {
    lab = await startLab(QUIET);
    const taken = lab.status().hops[0]?.port ?? 0;
    const [echo, app, lb] = await Promise.all([freePort(), freePort(), freePort()]);
    await expect(startLab(QUIET, { ports: { echo, app, lb, edge: taken } })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    // The parts that did start (echo app, app and lb hops) were closed again.
    for (const port of [echo, app, lb]) expect(await connectError(port)).toBe('ECONNREFUSED');
  });
});
