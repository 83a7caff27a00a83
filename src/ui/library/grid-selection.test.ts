import { describe, expect, it } from 'vitest';
import { movedIndex, rangeIds, toggled, withRange } from './grid-selection.ts';

describe('movedIndex', () => {
  it('moves by one across and by a row up and down', () => {
    expect(movedIndex('ArrowRight', 4, 10, 3)).toBe(5);
    expect(movedIndex('ArrowLeft', 4, 10, 3)).toBe(3);
    expect(movedIndex('ArrowDown', 4, 10, 3)).toBe(7);
    expect(movedIndex('ArrowUp', 4, 10, 3)).toBe(1);
  });

  it('stops at the ends instead of wrapping', () => {
    expect(movedIndex('ArrowLeft', 0, 10, 3)).toBe(0);
    expect(movedIndex('ArrowRight', 9, 10, 3)).toBe(9);
    expect(movedIndex('ArrowDown', 8, 10, 3)).toBe(9);
    expect(movedIndex('ArrowUp', 1, 10, 3)).toBe(0);
  });

  it('jumps with Home, End and pages of four rows', () => {
    expect(movedIndex('Home', 7, 10, 3)).toBe(0);
    expect(movedIndex('End', 2, 10, 3)).toBe(9);
    expect(movedIndex('PageDown', 0, 100, 5)).toBe(20);
    expect(movedIndex('PageUp', 30, 100, 5)).toBe(10);
  });

  it('ignores other keys and empty grids', () => {
    expect(movedIndex('a', 2, 10, 3)).toBeNull();
    expect(movedIndex('ArrowRight', 0, 0, 3)).toBeNull();
  });
});

describe('selection', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];

  it('takes a range in either direction, clamped to the grid', () => {
    expect(rangeIds(ids, 1, 3)).toEqual(['b', 'c', 'd']);
    expect(rangeIds(ids, 3, 1)).toEqual(['b', 'c', 'd']);
    expect(rangeIds(ids, 4, 9)).toEqual(['e']);
  });

  it('adds a range to what is selected and toggles one id', () => {
    expect([...withRange(new Set(['a']), ids, 2, 3)].sort()).toEqual(['a', 'c', 'd']);
    expect([...toggled(new Set(['a', 'b']), 'a')]).toEqual(['b']);
    expect([...toggled(new Set(['a']), 'c')].sort()).toEqual(['a', 'c']);
  });
});
