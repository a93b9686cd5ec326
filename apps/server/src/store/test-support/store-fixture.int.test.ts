// The fixture's own promise: every store a test opens is closed and its directory removed after the test,
// however many the test opened (rtt-runs.int.test.ts opens two per case and left one behind).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessionOpen, useStoreFixtures } from './store-fixture.js';

describe('useStoreFixtures', () => {
  const open = useStoreFixtures();
  const dirs: string[] = [];

  it('opens as many stores in one test as it is asked for, each in its own directory', () => {
    const first = open();
    const second = open();
    first.publish(sessionOpen('t', 'a', 's1', 1_000));
    second.publish(sessionOpen('t', 'a', 's2', 1_000));
    dirs.push(first.dir, second.dir);
    expect(new Set(dirs).size).toBe(2);
    for (const dir of dirs) expect(existsSync(dir)).toBe(true);
  });

  // Runs after the test above (tests in a file run in order): its afterEach has run.
  it('removed every one of them after that test', () => {
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
  });
});
