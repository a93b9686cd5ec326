import type { AddressInfo } from 'node:net';
import type { HopEvent, RttEvent, StoredEvent } from '@hopwatch/shared/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { EventBus } from '../events/bus.js';
import { connectLive, type LiveTestClient, until } from '../routes/test-support/live-client.js';
import { type HubOptions, LiveHub } from './hub.js';

/** An rtt event padded to about `bytes` on the wire, so tests can fill buffers quickly. */
function paddedEvent(i: number, bytes = 1_000): HopEvent {
  return {
    kind: 'rtt',
    ts: i,
    target: 't'.repeat(Math.max(1, bytes - 150)),
    leg: 'edge',
    sessionId: 's1',
    seq: i,
    rttMs: 1,
    suspect: false,
  };
}

/**
 * The event log for replay tests: what the store's `after` does, over an array. Like a real store it answers
 * asynchronously; `delayMs` makes each page take that long, `snapshot` says whether a page shows the log as it
 * was when asked or as it is when answered (a page may then hold events published while it was read), and
 * `gate` holds every page until the test opens it.
 */
class ArrayReplay {
  readonly events: StoredEvent[] = [];
  /** pages asked for, and pages being read right now */
  calls = 0;
  inFlight = 0;
  delayMs = 0;
  snapshot: 'asked' | 'answered' = 'asked';
  gate: Promise<void> | null = null;
  failWith: Error | null = null;

  async after(since: number, limit: number): Promise<StoredEvent[]> {
    this.calls += 1;
    this.inFlight += 1;
    try {
      const asked = this.#page(since, limit);
      if (this.failWith) throw this.failWith;
      if (this.gate) await this.gate;
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return this.snapshot === 'asked' ? asked : this.#page(since, limit);
    } finally {
      this.inFlight -= 1;
    }
  }

  #page(since: number, limit: number): StoredEvent[] {
    return this.events.filter((e) => e.seq > since).slice(0, limit);
  }
}

/** A gate a test opens by hand. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('LiveHub over real sockets', () => {
  let wss: WebSocketServer | null = null;
  let hub: LiveHub | null = null;
  const clients: LiveTestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    hub?.close();
    hub = null;
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    wss = null;
  });

  async function start(
    options: Omit<HubOptions, 'bus'> & { bus?: EventBus; holdConnections?: boolean } = {},
  ) {
    const bus = options.bus ?? new EventBus();
    const replay = new ArrayReplay();
    hub = new LiveHub({ replay, ...options, bus });
    const liveHub = hub;
    // Record what the bus publishes so replay has a log to read from, like the store does.
    bus.subscribe((stored) => replay.events.push(stored));
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const held: (() => void)[] = [];
    wss.on('connection', (socket, request) => {
      const since = new URL(request.url ?? '/', 'http://x').searchParams.get('since');
      const add = () => liveHub.add(socket, since === null ? null : Number(since));
      if (options.holdConnections) held.push(add);
      else add();
    });
    await new Promise((resolve) => wss?.once('listening', resolve));
    const port = (wss.address() as AddressInfo).port;
    const connect = async (since?: number) => {
      const client = await connectLive(
        `ws://127.0.0.1:${port}/${since === undefined ? '' : `?since=${since}`}`,
      );
      clients.push(client);
      return client;
    };
    return { bus, hub: liveHub, replay, connect, held };
  }

  it('sends hello with the newest seq, then the stored events after since, then live ones', async () => {
    const { bus, hub, connect } = await start();
    for (let i = 1; i <= 5; i += 1) bus.publish(paddedEvent(i, 200));
    const client = await connect(2);
    await until(() => hub.clientCount === 1, 'the client to join');
    bus.publish(paddedEvent(6, 200));
    await until(() => client.eventSeqs().length === 4, 'replay and live events');
    expect(client.messages[0]).toMatchObject({ type: 'hello', v: 1, seq: 5 });
    expect(client.eventSeqs()).toEqual([3, 4, 5, 6]);
  });

  it('relays rtt events published in runs like any others: each once, in seq order, replayed and live', async () => {
    const { bus, hub, connect } = await start();
    const state: HopEvent = {
      kind: 'leg_state',
      ts: 3,
      target: 't',
      leg: 'edge',
      state: 'up',
      since: 3,
      retryAt: null,
    };
    bus.publishRtt([1, 2].map((i) => paddedEvent(i, 200) as RttEvent)); // 1, 2
    bus.publish(state); // 3
    const client = await connect(1);
    await until(() => hub.clientCount === 1, 'the client to join');
    bus.publishRtt([4, 5, 6].map((i) => paddedEvent(i, 200) as RttEvent)); // 4, 5, 6
    bus.publishRtt([]);
    await until(() => client.eventSeqs().length === 5, 'replay and live events');
    expect(client.eventSeqs()).toEqual([2, 3, 4, 5, 6]);
    const events = client.messages.filter((m) => m.type === 'event');
    expect(events.map((m) => (m as { event: HopEvent }).event.kind)).toEqual([
      'rtt',
      'leg_state',
      'rtt',
      'rtt',
      'rtt',
    ]);
    expect((events[2] as { event: HopEvent }).event).toEqual(paddedEvent(4, 200));
  });

  it('without since sends only live events, and since beyond the log replays nothing', async () => {
    const { bus, hub, connect } = await start();
    bus.publish(paddedEvent(1, 200));
    const fresh = await connect();
    const ahead = await connect(99);
    await until(() => hub.clientCount === 2, 'both clients to join');
    bus.publish(paddedEvent(2, 200));
    await until(() => fresh.eventSeqs().length === 1 && ahead.eventSeqs().length === 1, 'the live event');
    expect(fresh.eventSeqs()).toEqual([2]);
    expect(ahead.eventSeqs()).toEqual([2]);
  });

  it('serializes each event once, however many clients there are', async () => {
    const { bus, hub, connect } = await start();
    const many = await Promise.all(Array.from({ length: 5 }, () => connect()));
    await until(() => hub.clientCount === 5, 'five clients');
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      bus.publish(paddedEvent(1, 200));
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
    await until(() => many.every((c) => c.eventSeqs().length === 1), 'every client to get the event');
  });

  it('a client joining while a batch is pending gets those events once, from its replay', async () => {
    const { bus, hub, connect, held } = await start({ holdConnections: true });
    const early = await connect();
    const late = await connect(0);
    await until(() => held.length === 2, 'both connections');
    held[0]?.();
    bus.publish(paddedEvent(1, 200)); // pending for `early` until the turn ends
    held[1]?.(); // `late` joins in the same turn: its replay covers seq 1
    bus.publish(paddedEvent(2, 200));
    expect(hub.clientCount).toBe(2);
    // a duplicate would reach each socket before an event published after it: wait for that one
    bus.publish(paddedEvent(3, 200));
    await until(() => early.eventSeqs().includes(3) && late.eventSeqs().includes(3), 'the marker event');
    expect(early.eventSeqs()).toEqual([1, 2, 3]);
    expect(late.eventSeqs()).toEqual([1, 2, 3]);
  });

  it('cuts a client that stops reading with 1013 while a fast one receives every event in order', async () => {
    const { bus, hub, connect } = await start({ maxBufferedBytes: 64 * 1024 });
    const fast = await connect();
    const slow = await connect();
    await until(() => hub.clientCount === 2, 'both clients');
    slow.pause();
    let published = 0;
    const publishNext = () => {
      published += 1;
      bus.publish(paddedEvent(published));
    };
    // Publish in small batches so the fast client keeps draining; the slow one fills the kernel's
    // buffers, then the server's, until the hub gives up on it. 64 MiB is far past any loopback buffer.
    while (hub.clientCount === 2 && published < 64_000) {
      for (let i = 0; i < 50; i += 1) publishNext();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.clientCount).toBe(1);
    for (let i = 0; i < 100; i += 1) publishNext();
    slow.resume(); // now it reads what was queued, then the close frame
    expect((await slow.closed).code).toBe(1013);
    await until(() => fast.eventSeqs().length === published, `the fast client to get all ${published}`);
    expect(fast.eventSeqs()).toEqual(Array.from({ length: published }, (_, i) => i + 1));
    expect(fast.socket.readyState).toBe(fast.socket.OPEN);
  });

  it('a client that stops reading past the close grace still sees 1013: its backlog is dropped, not sent first', async () => {
    const { bus, hub, connect } = await start({ maxBufferedBytes: 256 * 1024, closeGraceMs: 200 });
    const slow = await connect();
    await until(() => hub.clientCount === 1, 'the client');
    slow.pause();
    let published = 0;
    while (hub.clientCount === 1 && published < 64_000) {
      for (let i = 0; i < 50; i += 1) bus.publish(paddedEvent(++published, 4_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.clientCount).toBe(0);
    // Away for longer than the grace (a staged duration, not a wait for something to assert): a close frame
    // queued behind the backlog would be destroyed unsent, were the grace counted from the close.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    slow.resume();
    expect((await slow.closed).code).toBe(1013);
  });

  it('relays only events the store has made durable, and a hello seq that is durable', async () => {
    let durable = 0;
    const { bus, hub, connect } = await start({
      durable: { commit: () => durable },
      heartbeatIntervalMs: 50,
    });
    bus.publish(paddedEvent(1, 200));
    const client = await connect();
    await until(() => hub.clientCount === 1, 'the client');
    expect(client.messages[0]).toMatchObject({ type: 'hello', seq: 0 });
    const heartbeats = () => client.messages.filter((m) => m.type === 'heartbeat').length;
    const before = heartbeats();
    bus.publish(paddedEvent(2, 200));
    bus.publish(paddedEvent(3, 200));
    // An event relayed now would reach the socket before the heartbeat an interval later: wait for two.
    await until(() => heartbeats() >= before + 2, 'two heartbeats after the publishes');
    expect(client.eventSeqs()).toEqual([]);
    durable = 2;
    await until(() => client.eventSeqs().length === 1, 'seq 2 once durable');
    durable = 3;
    await until(() => client.eventSeqs().length === 2, 'seq 3 once durable');
    expect(client.eventSeqs()).toEqual([2, 3]);
  });

  it('a client cut during a too-large replay resumes with since and gets every event exactly once', async () => {
    const { bus, connect } = await start({ maxBufferedBytes: 64 * 1024 });
    const total = 12_000; // ~12 MB of replay: more than the loopback buffers and the 64 KiB allowance
    for (let i = 1; i <= total; i += 1) bus.publish(paddedEvent(i));
    const received: number[] = [];
    const cuts: number[] = [];
    while (received.length < total && cuts.length < 50) {
      const client = await connect(received.at(-1) ?? 0);
      const isClosed = () => client.socket.readyState === client.socket.CLOSED;
      await until(
        () => isClosed() || received.length + client.eventSeqs().length >= total,
        'the replay to end',
      );
      if (isClosed()) cuts.push((await client.closed).code);
      received.push(...client.eventSeqs());
      client.close();
    }
    expect(cuts.length).toBeGreaterThan(0); // the replay really overflowed at least once
    expect(new Set(cuts)).toEqual(new Set([1013]));
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it.each(['asked', 'answered'] as const)(
    'a client resuming while events keep coming gets every one exactly once, in order (pages as %s)',
    async (snapshot) => {
      const { bus, replay, connect } = await start();
      replay.delayMs = 20;
      replay.snapshot = snapshot;
      for (let i = 1; i <= 2_500; i += 1) bus.publish(paddedEvent(i, 200)); // three pages after seq 100
      let publishedDuringReplay = 0;
      const publisher = setInterval(() => {
        for (let i = 0; i < 5; i += 1) {
          if (replay.inFlight > 0) publishedDuringReplay += 1;
          bus.publish(paddedEvent(bus.lastSeq() + 1, 200));
        }
      }, 2);
      let client: LiveTestClient;
      try {
        client = await connect(100);
        await until(() => replay.calls >= 3 && replay.inFlight === 0, 'the replay to finish');
        // and live for a while: until the client has an event published after the replay ended
        const liveFrom = bus.lastSeq();
        await until(() => (client.eventSeqs().at(-1) ?? 0) > liveFrom, 'a live event after the replay');
      } finally {
        clearInterval(publisher);
      }
      // a duplicate or stray event would reach the socket before one published last: wait for that one
      bus.publish(paddedEvent(bus.lastSeq() + 1, 200));
      const last = bus.lastSeq();
      await until(() => client.eventSeqs().includes(last), 'the last event');
      expect(publishedDuringReplay).toBeGreaterThan(0);
      expect(client.messages[0]).toMatchObject({ type: 'hello', seq: expect.any(Number) });
      expect(client.eventSeqs()).toEqual(range(101, last));
    },
  );

  it('cuts a resuming client with 1013 when the events held for it pass the limit, and it resumes', async () => {
    const { bus, hub, replay, connect } = await start({ maxBufferedBytes: 64 * 1024 });
    for (let i = 1; i <= 10; i += 1) bus.publish(paddedEvent(i));
    const held = gate();
    replay.gate = held.opened;
    const client = await connect(0);
    await until(() => replay.inFlight === 1, 'the replay to start');
    // ~190 KB published while the replay is read: more than the 64 KiB a client may be owed.
    for (let i = 11; i <= 200; i += 1) {
      bus.publish(paddedEvent(i));
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await client.closed).code).toBe(1013);
    expect(hub.clientCount).toBe(0);
    held.open();
    await until(() => replay.inFlight === 0, 'the held read to end');
    expect(client.eventSeqs()).toEqual([]);

    replay.gate = null;
    const again = await connect(0);
    await until(() => again.eventSeqs().length === 200, 'the whole log');
    expect(again.eventSeqs()).toEqual(range(1, 200));
  });

  it('closes a resuming client with 1011 when the log cannot be read, reports why, and serves the others', async () => {
    const errors: string[] = [];
    const { bus, hub, replay, connect } = await start({ onError: (_error, context) => errors.push(context) });
    for (let i = 1; i <= 3; i += 1) bus.publish(paddedEvent(i, 200));
    const live = await connect();
    replay.failWith = new Error('disk gone');
    const resuming = await connect(1);
    expect((await resuming.closed).code).toBe(1011);
    expect(errors).toEqual(['replay after seq 1 failed']);
    expect(hub.clientCount).toBe(1);
    bus.publish(paddedEvent(4, 200));
    await until(() => live.eventSeqs().length === 1, 'the live event');
    expect(live.eventSeqs()).toEqual([4]);
    expect(resuming.eventSeqs()).toEqual([]);
  });

  it('a client leaving, or the hub closing, while a replay is read ends it without writing more', async () => {
    const { bus, hub, replay, connect } = await start();
    for (let i = 1; i <= 5; i += 1) bus.publish(paddedEvent(i, 200));
    const held = gate();
    replay.gate = held.opened;
    const leaving = await connect(0);
    const staying = await connect(0);
    await until(() => replay.inFlight === 2 && hub.clientCount === 2, 'both replays to start');
    leaving.close();
    await until(() => hub.clientCount === 1, 'the leaving client to be forgotten');
    bus.publish(paddedEvent(6, 200));
    hub.close();
    expect((await staying.closed).code).toBe(1001);
    expect(hub.clientCount).toBe(0);
    held.open();
    await until(() => replay.inFlight === 0, 'the held reads to end');
    expect(staying.eventSeqs()).toEqual([]);
  });

  it('sends heartbeats on schedule', async () => {
    const { connect } = await start({ heartbeatIntervalMs: 50 });
    const client = await connect();
    await until(() => client.messages.filter((m) => m.type === 'heartbeat').length >= 2, 'two heartbeats');
    const heartbeat = client.messages.find((m) => m.type === 'heartbeat');
    expect(heartbeat).toMatchObject({ type: 'heartbeat', serverTime: expect.any(Number) });
  });

  it('spreads heartbeats over the interval: clients that join together are not all written to at once', async () => {
    // A clock that counts its calls: every heartbeat tick reads it once, so equal serverTimes mean one tick.
    let clock = 0;
    const { hub, connect } = await start({ heartbeatIntervalMs: 400, now: () => ++clock });
    const many = await Promise.all(Array.from({ length: 40 }, () => connect()));
    await until(() => hub.clientCount === 40, 'forty clients');
    const firstHeartbeat = (client: LiveTestClient) =>
      client.messages.find((m) => m.type === 'heartbeat')?.serverTime;
    await until(() => many.every((c) => firstHeartbeat(c) !== undefined), 'a heartbeat on every client');
    const perTick = new Map<number | undefined, number>();
    for (const client of many) {
      const tick = firstHeartbeat(client);
      perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    }
    // 40 clients over the interval's 20 slots: no tick serves more than two.
    expect(Math.max(...perTick.values())).toBeLessThanOrEqual(2);
    expect(perTick.size).toBeGreaterThanOrEqual(20);
  });

  it('pings each client with its heartbeat, and a client answering the pings stays', async () => {
    const { hub, connect } = await start({ heartbeatIntervalMs: 50, pongTimeoutMs: 1_000 });
    const client = await connect();
    let pings = 0;
    client.socket.on('ping', () => {
      pings += 1;
    });
    await until(() => pings >= 30, 'thirty pings'); // 1.5 s: past the pong timeout, so pongs were counted
    expect(hub.clientCount).toBe(1);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(client.messages.filter((m) => m.type === 'heartbeat').length).toBeGreaterThanOrEqual(pings - 1);
  });

  it('terminates a client that stops answering WebSocket pings', async () => {
    const { hub, connect } = await start({ heartbeatIntervalMs: 100, pongTimeoutMs: 1_000 });
    const answering = await connect();
    const silent = await connect();
    await until(() => hub.clientCount === 2, 'both clients');
    silent.pause();
    await until(() => hub.clientCount === 1, 'the silent client to be dropped');
    silent.resume();
    expect((await silent.closed).code).toBe(1006);
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
  });

  it('reports the client count and closes everyone with 1001 on close', async () => {
    const { hub, connect } = await start();
    const counts: number[] = [];
    hub.onClientCount((n) => counts.push(n));
    const a = await connect();
    const b = await connect();
    await until(() => hub.clientCount === 2, 'both clients');
    hub.close();
    expect((await a.closed).code).toBe(1001);
    expect((await b.closed).code).toBe(1001);
    expect(counts).toEqual([1, 2, 1, 0]);
    expect(hub.clientCount).toBe(0);
  });
});
