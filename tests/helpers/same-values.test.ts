import { describe, expect, it } from 'vitest';
import { describeDifferences, expectSameValues } from './same-values.ts';

describe('expectSameValues', () => {
  it('passes equal arrays of any kind, NaN equal to NaN', () => {
    expect(() => expectSameValues(Float32Array.of(1, NaN, 3), [1, NaN, 3])).not.toThrow();
    expect(() => expectSameValues(Uint8Array.of(1, 2), Buffer.from([1, 2]))).not.toThrow();
  });

  it('fails a million differing floats in a few lines', () => {
    const expected = new Float32Array(1_000_000);
    const actual = expected.map((_, i) => i * 0.5);
    const message = describeDifferences(actual, expected) ?? '';
    expect(message.split('\n')).toEqual([
      '999999 of 1000000 elements differ; largest difference 499999.5 at [999999]',
      '[1] 0.5, expected 0',
      '[2] 1, expected 0',
      '[3] 1.5, expected 0',
      '[4] 2, expected 0',
      '[5] 2.5, expected 0',
      '… and 999994 more',
    ]);
    expect(() => expectSameValues(actual, expected, 'pixels')).toThrow(/^pixels differ:\n999999 of 1000000/);
  });

  it('says a length mismatch, and counts only differences beyond the tolerance', () => {
    expect(describeDifferences([1, 2, 3], [1, 2])).toBe('length 3, expected 2');
    expect(describeDifferences([1, 2.05], [1, 2], { tolerance: 0.1 })).toBeNull();
    expect(describeDifferences([1, 2.5], [1, 2], { tolerance: 0.1 })).toBe(
      '1 of 2 elements differ (tolerance 0.1); largest difference 0.5 at [1]\n[1] 2.5, expected 2',
    );
    expect(describeDifferences([NaN], [0])).toBe(
      '1 of 1 elements differ; largest difference NaN at [0]\n[0] NaN, expected 0',
    );
  });
});
