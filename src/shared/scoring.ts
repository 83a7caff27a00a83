/** CLIP-family scoring: scaled cosine similarities turned into per-label scores, ranked. */
import type { LabelScore } from './types.ts';

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function sigmoid(logits: ArrayLike<number>): Float64Array {
  return Float64Array.from(logits as ArrayLike<number>, (x) => 1 / (1 + Math.exp(-x)));
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalise(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i] * vector[i];
  norm = Math.sqrt(norm);
  return Float32Array.from(vector as ArrayLike<number>, (x) => (norm > 0 ? x / norm : 0));
}

/** Four partial sums at a time: this is the hot loop of every re-rank and search over stored embeddings. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const end = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k < end; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  let sum = s0 + s1 + s2 + s3;
  for (; k < n; k++) sum += a[k] * b[k];
  return sum;
}

/** Labels with their scores, highest first; ties keep the order the labels were typed in. */
export function rankScores(labels: readonly string[], scores: ArrayLike<number>): LabelScore[] {
  return labels
    .map((label, i) => ({ label, score: scores[i], order: i }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ label, score }) => ({ label, score }));
}

/** `0.8731` → `87.3%`. */
export function formatPercent(score: number): string {
  return `${(score * 100).toFixed(1)}%`;
}
