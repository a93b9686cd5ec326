import { describe, expect, it } from 'vitest';
import { AnswerCache } from './answer-cache.js';

function setup(maxEntries = 10) {
  let now = 0;
  const cache = new AnswerCache<string>({ ttlMs: 1_000, maxEntries, now: () => now });
  let loads = 0;
  const load = (answer: string) => () => {
    loads += 1;
    return Promise.resolve(answer);
  };
  return { cache, load, loads: () => loads, advance: (ms: number) => (now += ms) };
}

describe('AnswerCache', () => {
  it('shares one load among callers while it is in flight', async () => {
    const { cache, load, loads } = setup();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get('k', load('a'))));
    expect(answers).toEqual(Array(50).fill('a'));
    expect(loads()).toBe(1);
  });

  it('serves the answer until the ttl has passed, then loads again', async () => {
    const { cache, load, loads, advance } = setup();
    await cache.get('k', load('a'));
    advance(999);
    expect(await cache.get('k', load('b'))).toBe('a');
    advance(1);
    expect(await cache.get('k', load('b'))).toBe('b');
    expect(loads()).toBe(2);
  });

  it('keeps keys apart', async () => {
    const { cache, load } = setup();
    expect(await cache.get('a', load('1'))).toBe('1');
    expect(await cache.get('b', load('2'))).toBe('2');
  });

  it('forgets a load that failed', async () => {
    const { cache, load } = setup();
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k', load('a'))).toBe('a');
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { cache, load, loads } = setup(2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, load(key));
    expect(cache.size).toBe(2);
    await cache.get('a', load('a'));
    expect(loads()).toBe(4);
  });
});
