import { describe, expect, it } from 'vitest';
import { SeqBlocks } from './seq-blocks.js';

describe('SeqBlocks', () => {
  it('hands out a block in order, then the spare, then nothing until another spare arrives', () => {
    const blocks = new SeqBlocks(1, 3);
    expect([blocks.take(), blocks.take(), blocks.take()]).toEqual([1, 2, 3]);
    expect(blocks.take()).toBeNull();
    expect(blocks.last).toBe(3);
    blocks.addSpare(31);
    expect(blocks.take()).toBe(31);
    expect(blocks.hasSpare).toBe(false);
  });

  it('rolls onto the spare at a flush, never going back to the rest of the old block', () => {
    const blocks = new SeqBlocks(11, 10);
    expect(blocks.take()).toBe(11);
    expect(blocks.roll()).toBe(12); // no spare yet: the low water is the next number of this block
    blocks.addSpare(41);
    expect(blocks.roll()).toBe(41);
    expect(blocks.take()).toBe(41);
    expect(blocks.last).toBe(41);
    expect(blocks.roll()).toBe(42);
  });
});
