import { describe, expect, it } from 'vitest';
import { region, spread } from './heat-map.ts';

describe('heat map', () => {
  it('puts the strongest point where the strongest crops overlap', () => {
    // 4 × 4 crops of 40%: the left two columns match, the right two do not.
    const cells = Float32Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 0.3 : 0.1));
    const { values, hottest } = spread({ columns: 4, rows: 4, cells, cropSize: 0.4 });
    expect(hottest.x).toBeLessThan(0.5);
    expect(Math.max(...values)).toBe(1);
    expect(Math.min(...values)).toBe(0);
    expect(region(hottest).column).toBe(0);
  });

  it('names the thirds of a picture', () => {
    expect(region({ x: 0.9, y: 0.1 })).toEqual({ row: 0, column: 2 });
    expect(region({ x: 0.5, y: 0.5 })).toEqual({ row: 1, column: 1 });
  });
});
