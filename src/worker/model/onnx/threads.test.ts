import { describe, expect, it } from 'vitest';
import { chooseThreadCount, threadCount } from './threads.ts';

describe('chooseThreadCount', () => {
  it('uses one thread without cross-origin isolation', () => {
    expect(chooseThreadCount(8, false)).toBe(1);
  });

  it('uses every core on small machines and leaves one free on larger ones, up to 8', () => {
    expect(chooseThreadCount(1, true)).toBe(1);
    expect(chooseThreadCount(2, true)).toBe(2);
    expect(chooseThreadCount(4, true)).toBe(4);
    expect(chooseThreadCount(6, true)).toBe(5);
    expect(chooseThreadCount(32, true)).toBe(8);
  });
});

describe('threadCount', () => {
  it('caps ?threads= at the core count', () => {
    expect(threadCount(64, 2, true)).toBe(2);
    expect(threadCount(3, 8, true)).toBe(3);
    expect(threadCount(0, 8, true)).toBe(1);
  });

  it('chooses from the cores when none was asked for, and is one thread without isolation', () => {
    expect(threadCount(null, 6, true)).toBe(5);
    expect(threadCount(4, 8, false)).toBe(1);
  });
});
