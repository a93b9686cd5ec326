// Where in its interval a leg heartbeats. Every leg owns a fixed slot, derived from its name, on the wall
// clock: a leg whose interval is 1 s and whose slot is 0.37 beats at …:00.370, …:01.370, … whatever happened
// before. Two things follow. Thousands of legs are spread evenly over the interval, so their pings and pongs
// never arrive in bursts that would measure hopwatch's own queueing instead of the path. And the spread
// survives reconnects, reloads and stalls: a beat that fired late goes back to its own slot, where a plain
// setInterval would keep the late phase and slowly herd every leg that a stall delayed into one burst.

/**
 * A leg's slot as a fraction of its interval, in [0, 1), so the same leg keeps it: FNV-1a of its key, then
 * murmur3's finaliser, without which names that differ in their last digit (l1, l2, …) crowd together.
 */
export function heartbeatSlot(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** The first wall-clock time strictly after `now` that falls on the slot. */
export function nextHeartbeatAt(now: number, intervalMs: number, slot: number): number {
  const offset = Math.floor(slot * intervalMs);
  const base = Math.floor((now - offset) / intervalMs) * intervalMs + offset;
  return base > now ? base : base + intervalMs;
}
