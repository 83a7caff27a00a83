import { describe, expect, it } from 'vitest';
import { duplicateGroups, exactPairs, prefilteredPairs, unitRows } from './duplicates.ts';

/** Deterministic pseudo-random unit-ish vectors. */
function randomVectors(count: number, dim: number, seed = 1): Float32Array[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, next));
}

function nudged(vector: Float32Array, amount: number, seed: number): Float32Array {
  const [noise] = randomVectors(1, vector.length, seed);
  return vector.map((v, k) => v + amount * noise[k]);
}

describe('duplicateGroups', () => {
  it('groups the same content under two names, and near copies, but not different images', () => {
    const [a, b, c] = randomVectors(3, 64);
    const embeddings = new Map([
      ['ha', a],
      ['hb', b],
      ['hb2', nudged(b, 0.05, 9)],
      ['hc', c],
    ]);
    const images = [
      { id: '1', contentHash: 'ha' },
      { id: '2', contentHash: 'hb' },
      { id: '3', contentHash: 'ha' },
      { id: '4', contentHash: 'hb2' },
      { id: '5', contentHash: 'hc' },
      { id: '6', contentHash: 'hz' },
      { id: '7', contentHash: 'hz' },
      { id: '8', contentHash: null },
    ];
    expect(duplicateGroups(images, embeddings, 0.95)).toEqual([
      ['1', '3'],
      ['2', '4'],
      ['6', '7'],
    ]);
    expect(duplicateGroups(images, embeddings, 0.99999)).toEqual([
      ['1', '3'],
      ['6', '7'],
    ]);
  });

  it('the sign-bit prefilter finds the pairs that exact all-pairs finds', () => {
    const base = randomVectors(300, 512, 3);
    const vectors = [...base, ...base.slice(0, 100).map((v, i) => nudged(v, 0.1 + (i % 10) * 0.02, 100 + i))];
    const { rows, dim } = unitRows(vectors);
    const exact = exactPairs(rows, dim, 0.95);
    expect(exact.length).toBeGreaterThan(50);
    const found = new Set(prefilteredPairs(rows, dim, 0.95).map(([i, j]) => `${i},${j}`));
    const recalled = exact.filter(([i, j]) => found.has(`${i},${j}`)).length;
    expect(recalled / exact.length).toBeGreaterThanOrEqual(0.98);
  });
});
