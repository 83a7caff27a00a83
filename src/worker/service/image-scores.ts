/**
 * Scores from embeddings, with no model in sight: the zero-shot logits, blended with what the
 * person's corrections teach (a cache of labelled examples, Tip-Adapter style, arXiv 2207.09519),
 * the margin over a generic prompt that decides "no match", and the ranking of a search.
 */
import { dot, normalise, sigmoid, softmax } from '../../shared/scoring.ts';
import type { Scoring } from '../../shared/types.ts';
import type { Calibration } from '../model/loaded-model.ts';

/** A correction's pull, in logits, on a picture identical to its example (enough to overturn a confident answer). */
export const CACHE_WEIGHT = 10;
/** How fast that pull fades as pictures differ: at centred cosine 0.9 it is down to 45%, at 0.5 to 2%. */
export const CACHE_SHARPNESS = 8;

/** An image embedding measured from the model's neutral (grey) picture, unit length: pictures compared as pictures, not as "photos". */
export function centred(vector: Float32Array, neutral: Float32Array): Float32Array {
  if (neutral.length !== vector.length) return vector;
  return normalise(vector.map((x, i) => x - neutral[i]));
}

/** How alike two centred pictures are, as Tip-Adapter's affinity: 1 for the same, near 0 for unrelated. */
export function affinity(a: Float32Array, b: Float32Array): number {
  return Math.exp(-CACHE_SHARPNESS * (1 - dot(a, b)));
}

export interface Example {
  /** The example's centred embedding. */
  vector: Float32Array;
  /** Index of its label among the labels scored. */
  label: number;
}

export interface ScoringContext {
  /** One text vector per label (ensembled over the templates). */
  texts: readonly Float32Array[];
  /** The generic prompt ("a photo of a something."): its logit is the bar for "no match". */
  reference: Float32Array;
  calibration: Calibration;
  scoring: Scoring;
  /** Corrected pictures whose label is among the labels. */
  examples: readonly Example[];
  neutral: Float32Array;
}

/** Scores (N × L, row by row) and the no-match margin (N) of image vectors. */
export function scoreImages(vectors: readonly Float32Array[], context: ScoringContext) {
  const { texts, reference, calibration, scoring, examples, neutral } = context;
  const width = texts.length;
  const scores = new Float32Array(vectors.length * width);
  const margin = new Float32Array(vectors.length);
  const { scale, bias } = calibration;
  const logits = new Float64Array(width);
  for (let row = 0; row < vectors.length; row++) {
    const vector = vectors[row];
    for (let l = 0; l < width; l++) logits[l] = scale * dot(vector, texts[l]) + bias;
    if (examples.length > 0) {
      const own = centred(vector, neutral);
      for (const example of examples) logits[example.label] += CACHE_WEIGHT * affinity(own, example.vector);
    }
    scores.set(scoring === 'softmax' ? softmax(logits) : sigmoid(logits), row * width);
    margin[row] = Math.max(...logits) - (scale * dot(vector, reference) + bias);
  }
  return { scores, margin };
}

/**
 * Each vector's dot product with `a` and with `b`, in one pass over the library (a search reads
 * 10,000 × 512 floats: read once, four sums at a time, it takes a few milliseconds).
 */
export function twoDots(vectors: readonly Float32Array[], a: Float32Array, b: Float32Array) {
  const withA = new Float32Array(vectors.length);
  const withB = new Float32Array(vectors.length);
  for (let row = 0; row < vectors.length; row++) {
    const v = vectors[row];
    const n = Math.min(v.length, a.length, b.length);
    const end = n - (n % 4);
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0,
      b0 = 0,
      b1 = 0,
      b2 = 0,
      b3 = 0;
    let k = 0;
    for (; k < end; k += 4) {
      const x0 = v[k],
        x1 = v[k + 1],
        x2 = v[k + 2],
        x3 = v[k + 3];
      a0 += x0 * a[k];
      a1 += x1 * a[k + 1];
      a2 += x2 * a[k + 2];
      a3 += x3 * a[k + 3];
      b0 += x0 * b[k];
      b1 += x1 * b[k + 1];
      b2 += x2 * b[k + 2];
      b3 += x3 * b[k + 3];
    }
    let sumA = a0 + a1 + a2 + a3;
    let sumB = b0 + b1 + b2 + b3;
    for (; k < n; k++) {
      sumA += v[k] * a[k];
      sumB += v[k] * b[k];
    }
    withA[row] = sumA;
    withB[row] = sumB;
  }
  return { withA, withB };
}

/** Indices ranked by `values`, best first. */
function rankedOrder(values: Float32Array): number[] {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((x, y) => values[y] - values[x]);
  return Array.from(order);
}

/** Values and strengths in the order given. */
function inOrder(order: number[], values: Float32Array, strength: (index: number) => number) {
  const similarity = new Float32Array(order.length);
  const strengths = new Float32Array(order.length);
  order.forEach((index, rank) => {
    similarity[rank] = values[index];
    strengths[rank] = strength(index);
  });
  return { order, similarity, strength: strengths };
}

/** A text search: images by cosine with the query; strength is the lead over the generic prompt, in logits. */
export function searchByText(
  query: Float32Array,
  reference: Float32Array,
  vectors: readonly Float32Array[],
  calibration: Calibration,
) {
  const { withA: cosine, withB: generic } = twoDots(vectors, query, reference);
  return inOrder(rankedOrder(cosine), cosine, (i) => calibration.scale * (cosine[i] - generic[i]));
}

/**
 * "More like this": images by how alike they are as pictures (centred cosine); strength is the
 * affinity. For unit vectors v and the neutral n, centred(v) · c = (v · c − n · c) / |v − n|, with
 * |v − n|² = 1 − 2 v · n + n · n: no centred copy of the library is made.
 */
export function searchByImage(query: Float32Array, vectors: readonly Float32Array[], neutral: Float32Array) {
  if (neutral.length !== query.length) {
    const cosine = Float32Array.from(vectors, (vector) => dot(query, vector));
    return inOrder(rankedOrder(cosine), cosine, (i) => Math.exp(-CACHE_SHARPNESS * (1 - cosine[i])));
  }
  const own = centred(query, neutral);
  const ownNeutral = dot(own, neutral);
  const neutralNorm = dot(neutral, neutral);
  const { withA: withOwn, withB: withNeutral } = twoDots(vectors, own, neutral);
  const values = withOwn.map(
    (x, i) => (x - ownNeutral) / Math.sqrt(Math.max(1e-12, 1 - 2 * withNeutral[i] + neutralNorm)),
  );
  return inOrder(rankedOrder(values), values, (i) => Math.exp(-CACHE_SHARPNESS * (1 - values[i])));
}

/**
 * Runs the scoring and search loops once on made-up vectors of the model's width, after it loads:
 * the first re-rank or search then runs optimised code, not the engine's first, slow tier.
 */
export function warmUpScoring(width: number): void {
  let seed = 1;
  const vector = () => {
    const v = Float32Array.from(
      { length: width },
      () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 997) - 498,
    );
    return normalise(v);
  };
  const vectors = Array.from({ length: 256 }, vector);
  const texts = Array.from({ length: 8 }, vector);
  const calibration = { scale: 100, bias: 0 };
  for (const scoring of ['softmax', 'sigmoid'] as const) {
    scoreImages(vectors, { texts, reference: texts[0], calibration, scoring, examples: [], neutral: texts[1] });
  }
  searchByText(texts[0], texts[1], vectors, calibration);
  searchByImage(vectors[0], vectors, texts[1]);
}
