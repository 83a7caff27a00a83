import { describe, expect, it } from 'vitest';
import {
  CACHE_SHARPNESS,
  CACHE_WEIGHT,
  affinity,
  centred,
  scoreImages,
  searchByImage,
  searchByText,
} from './image-scores.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};

// A 4-d toy world: three colour directions and a shared "photo" direction every image carries.
const neutral = unit(0, 0, 0, 1);
const red = unit(1, 0, 0, 3);
const nearRed = unit(0.95, 0.05, 0, 3);
const green = unit(0, 1, 0, 3);
const texts = [unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 0, 1)]; // red, green, tomato (knows nothing)
const reference = unit(0, 0, 0.2, 1);
const base = {
  texts,
  reference,
  calibration: { scale: 10, bias: 0 },
  scoring: 'softmax' as const,
  examples: [],
  neutral,
};

describe('scoring from embeddings', () => {
  it('centres pictures on the neutral image, so a shared direction does not make everything alike', () => {
    expect(Array.from(red).reduce((s, x, i) => s + x * green[i], 0)).toBeGreaterThan(0.8);
    const [r, g] = [centred(red, neutral), centred(green, neutral)];
    expect(affinity(r, g)).toBeLessThan(1e-3);
    expect(affinity(r, centred(nearRed, neutral))).toBeGreaterThan(0.9);
    expect(affinity(r, r)).toBeCloseTo(1, 6);
    // The affinity is Tip-Adapter's exp(-β(1 - cos)) of the centred pictures.
    const cos = r.reduce((s, x, i) => s + x * g[i], 0);
    expect(affinity(r, g)).toBeCloseTo(Math.exp(-CACHE_SHARPNESS * (1 - cos)), 9);
  });

  it('without corrections, is the zero-shot softmax of scaled cosines', () => {
    const { scores } = scoreImages([red], base);
    const logits = texts.map((text) => 10 * text.reduce((s, x, i) => s + x * red[i], 0));
    const exps = logits.map((l) => Math.exp(l - Math.max(...logits)));
    const sum = exps.reduce((a, b) => a + b, 0);
    expect(Array.from(scores)).toEqual(exps.map((e) => Math.fround(e / sum)));
  });

  it('a correction pulls pictures like it toward its label, and leaves others as they were', () => {
    const examples = [{ vector: centred(red, neutral), label: 2 }]; // red corrected to "tomato"
    const { scores } = scoreImages([nearRed, green], { ...base, examples });
    const [near, other] = [Array.from(scores.slice(0, 3)), Array.from(scores.slice(3, 6))];
    expect(near.indexOf(Math.max(...near))).toBe(2); // tomato first for the near-identical red
    const plain = Array.from(scoreImages([green], base).scores);
    other.forEach((score, i) => expect(score).toBeCloseTo(plain[i], 4)); // green is untouched
    // The pull on an identical picture is the full cache weight, in logits.
    const alone = scoreImages([red], { ...base, examples }).scores;
    const before = scoreImages([red], base).scores;
    const shift = Math.log(alone[2] / alone[0]) - Math.log(before[2] / before[0]);
    expect(shift).toBeCloseTo(CACHE_WEIGHT, 4);
  });

  it('gives each image its lead over the generic prompt (the "no match" margin), in logits', () => {
    const { margin } = scoreImages([red], base);
    const best = 10 * Math.max(...texts.map((text) => text.reduce((s, x, i) => s + x * red[i], 0)));
    const generic = 10 * reference.reduce((s, x, i) => s + x * red[i], 0);
    expect(margin[0]).toBeCloseTo(best - generic, 5);
  });

  it('ranks by text (strength: lead over the generic prompt) and by likeness to a picture', () => {
    const byText = searchByText(texts[1], reference, [red, green, nearRed], { scale: 10, bias: 0 });
    expect(byText.order[0]).toBe(1);
    expect(byText.similarity[0]).toBeGreaterThan(byText.similarity[1]);
    const byImage = searchByImage(red, [green, nearRed, red], neutral);
    expect(byImage.order).toEqual([2, 1, 0]);
    expect(byImage.strength[0]).toBeCloseTo(1, 5);
  });

  it('ranks as the direct formulas do: cosines with the query, and centred cosines for "more like this"', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
    // 7 dimensions: the four-at-a-time sums and their remainder both count.
    const vector = () => {
      const v = Float32Array.from({ length: 7 }, random);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    };
    const library = Array.from({ length: 50 }, vector);
    const [query, generic, grey] = [vector(), vector(), vector()];
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);
    const byText = searchByText(query, generic, library, { scale: 10, bias: 0 });
    const textWant = library.map((v, i) => ({
      i,
      c: cosine(query, v),
      s: 10 * (cosine(query, v) - cosine(generic, v)),
    }));
    textWant.sort((a, b) => b.c - a.c);
    expect(byText.order).toEqual(textWant.map((w) => w.i));
    textWant.forEach((w, rank) => {
      expect(byText.similarity[rank]).toBeCloseTo(w.c, 5);
      expect(byText.strength[rank]).toBeCloseTo(w.s, 4);
    });
    const byImage = searchByImage(library[4], library, grey);
    const own = centred(library[4], grey);
    const imageWant = library.map((v, i) => ({ i, c: cosine(own, centred(v, grey)) })).sort((a, b) => b.c - a.c);
    expect(byImage.order).toEqual(imageWant.map((w) => w.i));
    imageWant.forEach((w, rank) => expect(byImage.similarity[rank]).toBeCloseTo(w.c, 5));
  });
});
