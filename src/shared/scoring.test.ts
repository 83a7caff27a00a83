import { describe, expect, it } from 'vitest';
import { dot, formatPercent, normalise, rankScores, sigmoid, softmax } from './scoring.ts';

describe('scoring', () => {
  it('softmax gives a distribution that keeps the order of the logits', () => {
    const p = softmax([2, 1, 0]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(p[1]).toBeGreaterThan(p[2]);
    expect(p[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1) + 1), 12);
  });

  it('softmax is stable for large logits', () => {
    const p = softmax([1000, 999]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it('sigmoid scores are independent and do not sum to one', () => {
    const p = sigmoid([0, 2, 2]);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(p.reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
  });

  it('normalise and dot give cosine similarity', () => {
    const a = normalise([3, 4]);
    expect(Array.from(a)).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(dot(a, normalise([6, 8]))).toBeCloseTo(1, 6);
    expect(Array.from(normalise([0, 0]))).toEqual([0, 0]);
  });

  it('ranks labels by score, highest first, ties in typed order', () => {
    expect(rankScores(['a', 'b', 'c', 'd'], [0.1, 0.4, 0.1, 0.4])).toEqual([
      { label: 'b', score: 0.4 },
      { label: 'd', score: 0.4 },
      { label: 'a', score: 0.1 },
      { label: 'c', score: 0.1 },
    ]);
  });

  it('formats a score as a percentage with one decimal', () => {
    expect(formatPercent(0.8731)).toBe('87.3%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(1)).toBe('100.0%');
  });
});
