import { describe, expect, it } from 'vitest';
import { inSlices } from './slices.ts';

describe('inSlices', () => {
  it('hands every item once, in order, in slices of the given size', async () => {
    const items = Array.from({ length: 450 }, (_, i) => i);
    const slices: number[][] = [];
    await inSlices(items, 200, (slice) => void slices.push(slice));
    expect(slices.map((s) => s.length)).toEqual([200, 200, 50]);
    expect(slices.flat()).toEqual(items);
  });

  it('yields between slices but not before the first', async () => {
    const log: string[] = [];
    await inSlices(
      [1, 2, 3, 4, 5],
      2,
      (slice) => void log.push(slice.join()),
      async () => void log.push('yield'),
    );
    expect(log).toEqual(['1,2', 'yield', '3,4', 'yield', '5']);
  });

  it('accepts array-likes such as a FileList and does nothing when empty', async () => {
    const seen: string[][] = [];
    await inSlices({ length: 3, 0: 'a', 1: 'b', 2: 'c' }, 10, (s) => void seen.push(s));
    expect(seen).toEqual([['a', 'b', 'c']]);
    await inSlices([], 10, () => void seen.push(['x']));
    expect(seen).toHaveLength(1);
  });
});
