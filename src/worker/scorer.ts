/**
 * Scores from embeddings, with no model in sight: the zero-shot logits, blended with what the
 * person's corrections teach (a cache of labelled examples, Tip-Adapter style, arXiv 2207.09519),
 * the margin over a generic prompt that decides "no match", and the ranking of a search.
 */
import { dot, normalise, sigmoid, softmax } from '../shared/scoring.ts';
import type { Scoring } from '../shared/types.ts';
import type { Calibration } from './loaded-model.ts';

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
  const logit = (image: Float32Array, text: Float32Array) => calibration.scale * dot(image, text) + calibration.bias;
  vectors.forEach((vector, row) => {
    const logits = texts.map((text) => logit(vector, text));
    if (examples.length > 0) {
      const own = centred(vector, neutral);
      for (const example of examples) logits[example.label] += CACHE_WEIGHT * affinity(own, example.vector);
    }
    scores.set(scoring === 'softmax' ? softmax(logits) : sigmoid(logits), row * width);
    margin[row] = Math.max(...logits) - logit(vector, reference);
  });
  return { scores, margin };
}

/** Indices of `vectors` ranked by `score`, best first. */
function ranked(count: number, score: (index: number) => number): { order: number[]; values: Float32Array } {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = score(i);
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  return { order, values };
}

/** A text search: images by cosine with the query; strength is the lead over the generic prompt, in logits. */
export function searchByText(
  query: Float32Array,
  reference: Float32Array,
  vectors: readonly Float32Array[],
  calibration: Calibration,
) {
  const { order, values } = ranked(vectors.length, (i) => dot(query, vectors[i]));
  return {
    order,
    similarity: Float32Array.from(order, (i) => values[i]),
    strength: Float32Array.from(order, (i) => calibration.scale * (values[i] - dot(reference, vectors[i]))),
  };
}

/** "More like this": images by how alike they are as pictures (centred cosine); strength is the affinity. */
export function searchByImage(query: Float32Array, vectors: readonly Float32Array[], neutral: Float32Array) {
  const own = centred(query, neutral);
  const { order, values } = ranked(vectors.length, (i) => dot(own, centred(vectors[i], neutral)));
  return {
    order,
    similarity: Float32Array.from(order, (i) => values[i]),
    strength: Float32Array.from(order, (i) => Math.exp(-CACHE_SHARPNESS * (1 - values[i]))),
  };
}
