// Heartbeat timing on a fake clock: each beat leaves on the leg's slot of the interval, a beat hopwatch sent
// late says by how much, and the next one is back on its slot (a setInterval would keep the late phase).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decimalPayload, Heartbeat, type HeartbeatSample } from './heartbeat.js';

const INTERVAL_MS = 200;
const config = { mode: 'ping' as const, intervalMs: INTERVAL_MS, timeoutMs: 10_000, send: '', expect: '' };

function heartbeat(heartbeatConfig = config) {
  const pings: Array<{ payload: string; at: number }> = [];
  const samples: HeartbeatSample[] = [];
  const timeouts: number[] = [];
  const beat = new Heartbeat(heartbeatConfig, {
    ping: (payload) => pings.push({ payload, at: Date.now() }),
    send: () => {},
    sample: (sample) => samples.push(sample),
    timeout: () => timeouts.push(Date.now()),
  });
  return { beat, pings, samples, timeouts };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('Heartbeat slots', () => {
  it.each([0, 0.25, 0.999])('slot %d: every ping leaves at slot × interval past a whole interval', (slot) => {
    const { beat, pings } = heartbeat();
    beat.start(slot);
    vi.advanceTimersByTime(INTERVAL_MS * 5);
    expect(pings).toHaveLength(5);
    for (const ping of pings) expect(ping.at % INTERVAL_MS).toBe(Math.floor(slot * INTERVAL_MS));
    beat.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a beat sent late reports how late, and the next is back on its slot', () => {
    const { beat, pings, samples } = heartbeat();
    beat.start(0.25);
    vi.advanceTimersByTime(INTERVAL_MS); // one beat on time
    // hopwatch falls 130 ms behind: its timers fire when due on the fake clock, but the wall clock it reads
    // when they do is 130 ms later, as after a stall
    const fakeNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => fakeNow() + 130);
    const slotAt = pings[0]!.at + INTERVAL_MS;
    vi.advanceTimersByTime(slotAt - fakeNow());
    expect(pings).toHaveLength(2);
    expect(pings[1]!.at).toBe(slotAt + 130);
    beat.onPong(Buffer.from(pings[1]!.payload));
    expect(samples.at(-1)).toMatchObject({ seq: 2, lateMs: 130 });
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(pings[2]!.at).toBe(slotAt + INTERVAL_MS);
    expect(samples.filter((s) => s.seq === 3)).toEqual([]);
    beat.stop();
  });
});

describe('Heartbeat lastFrameAt', () => {
  it('is the time of the last ping sent or pong read, and nothing else', () => {
    const { beat, pings } = heartbeat();
    beat.start(0);
    expect(beat.lastFrameAt).toBeNull();
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(beat.lastFrameAt).toBe(pings[0]!.at);
    vi.advanceTimersByTime(7);
    beat.onPong(Buffer.from(pings[0]!.payload));
    expect(beat.lastFrameAt).toBe(pings[0]!.at + 7);
    // the leg keeps the time of other frames (messages, pings from the far side)
    vi.advanceTimersByTime(5);
    beat.onPing();
    beat.onMessage('hello');
    expect(beat.lastFrameAt).toBe(pings[0]!.at + 7);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(beat.lastFrameAt).toBe(pings[1]!.at);
    beat.stop();
  });
});

describe('decimalPayload', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['007', 7],
    ['123456789012345', 123456789012345],
    ['', Number.NaN],
    ['1234567890123456', Number.NaN], // longer than any seq
    ['12a', Number.NaN],
    [' 1', Number.NaN],
    ['-1', Number.NaN],
  ])('%j reads as %d', (text, seq) => {
    expect(decimalPayload(Buffer.from(text, 'latin1'))).toBe(seq);
  });
});

describe('Heartbeat watchdog', () => {
  const watched = { ...config, timeoutMs: 600 };

  it('a peer that never answers times out a whole timeout after the first unanswered beat, and not before', () => {
    const { beat, pings, timeouts } = heartbeat(watched);
    const startedAt = Date.now();
    beat.start(0.5);
    vi.advanceTimersByTime(INTERVAL_MS);
    const deadline = pings[0]!.at + watched.timeoutMs;
    vi.advanceTimersByTime(deadline - 1 - Date.now());
    expect(timeouts).toEqual([]);
    // the watchdog condemns on a setImmediate (pending replies are read first), which fake time runs 1 ms on
    vi.advanceTimersByTime(2);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toBeGreaterThanOrEqual(deadline);
    // so a silent session ends within timeout + one interval of its start, whatever its slot
    expect(timeouts[0]! - startedAt).toBeLessThanOrEqual(watched.timeoutMs + INTERVAL_MS);
    beat.stop();
  });

  it('every answer moves the deadline to the oldest beat still unanswered', () => {
    const { beat, pings, timeouts } = heartbeat(watched);
    beat.start(0);
    for (let i = 0; i < 20; i += 1) {
      vi.advanceTimersByTime(INTERVAL_MS);
      beat.onPong(Buffer.from(pings.at(-1)!.payload));
    }
    expect(timeouts).toEqual([]);
    const answered = pings.length;
    vi.advanceTimersByTime(INTERVAL_MS);
    const deadline = pings[answered]!.at + watched.timeoutMs;
    vi.advanceTimersByTime(deadline - 1 - Date.now());
    expect(timeouts).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toBeGreaterThanOrEqual(deadline);
    beat.stop();
  });
});
