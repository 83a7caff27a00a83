/**
 * The scoring paths the first tests left out: SigLIP's independent sigmoids (with the model's
 * bias), and corrections measured on centred pictures. The fake model of the service tests has an
 * all-zero neutral embedding, where centring changes nothing; here every picture carries a shared
 * "photo" direction, as a real model's embeddings do, and the neutral (grey) picture is that direction.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { NO_HINTS } from '../../shared/consent.ts';
import type { NewImage } from '../../shared/library.ts';
import { PROTOCOL_VERSION, type WorkerReply, type WorkerRequest } from '../../shared/protocol.ts';
import type { ModelInfo, Scoring } from '../../shared/types.ts';
import { ClassifierService, type ImageReader } from './classifier-service.ts';
import { Library } from '../library/library.ts';
import { LibraryStore } from '../library/library-store.ts';
import type { Calibration, LoadedModel, Pixels } from '../model/loaded-model.ts';
import { ModelStore } from '../storage/model-store.ts';
import { scoreImages } from './image-scores.ts';
import { sha256Hex } from '../storage/sha256.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Every picture leans this much on the shared direction: red and green pictures have cosine 0.9. */
const PHOTO = 3;

/**
 * A model over 4-d embeddings: a text is the unit vector of its colour word (red, green, blue; an
 * unknown word leans on all three); a picture is its first pixel's colour plus the shared direction.
 */
class PhotoModel implements LoadedModel {
  readonly neutral = unit(0, 0, 0, 1);
  readonly info: ModelInfo;

  constructor(
    readonly calibration: Calibration,
    scoring: Scoring,
  ) {
    this.info = {
      modelId: 'photo',
      device: 'wasm',
      dtype: 'q8',
      layout: 'split',
      threads: 1,
      scoring,
      languages: ['en'],
      notices: [],
      timings: { loadMs: 1, warmUpMs: 1 },
    };
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const words = ['red', 'green', 'blue'].map((word) => (text.includes(word) ? 1 : 0));
      return words.some((x) => x > 0) ? unit(...words, 0) : unit(1, 1, 1, 0);
    });
  }

  async encodeImages(images: Pixels[]): Promise<Float32Array[]> {
    return images.map(({ data: [r, g, b] }) => {
      const colour = Math.hypot(r, g, b) || 1;
      return unit(r / colour, g / colour, b / colour, PHOTO);
    });
  }

  async dispose(): Promise<void> {}
}

const reader: ImageReader = async (blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return {
    contentHash: await sha256Hex(bytes),
    pixels: { data: new Uint8ClampedArray(bytes), width: 1, height: 1, channels: 3 },
    width: 1,
    height: 1,
    notes: [],
    thumbnail: new Blob(['thumb'], { type: 'image/webp' }),
    copy: null,
  };
};

const picture = (id: string, rgb: number[]): NewImage => ({
  id,
  name: `${id}.png`,
  path: null,
  file: new Blob([Uint8Array.from(rgb)]),
  lastModified: 1,
});

/** A worker's service with the photo model loaded. */
async function service(calibration: Calibration = { scale: 10, bias: 0 }, scoring: Scoring = 'softmax') {
  const replies: WorkerReply[] = [];
  const model = new PhotoModel(calibration, scoring);
  const libraryStore = new LibraryStore();
  const worker = new ClassifierService({
    post: (reply) => replies.push(structuredClone(reply)),
    loadModel: async () => model,
    store: new ModelStore(),
    library: new Library(libraryStore),
    models: { get: (request) => libraryStore.model(request), put: (record) => libraryStore.putModel(record) },
    texts: {
      get: (key, prompts) => libraryStore.texts(key, prompts),
      put: (key, entries) => libraryStore.putTexts(key, entries),
    },
    readImage: reader,
    crops: async () => ({ crops: [], columns: 0, rows: 0, cropSize: 1 }),
  });
  let nextId = 1;
  const send = (request: Record<string, unknown>) =>
    worker.receive({ id: nextId++, ...request } as unknown as WorkerRequest);
  await send({
    type: 'load',
    protocolVersion: PROTOCOL_VERSION,
    options: {
      source: { modelId: 'photo', host: 'http://h' },
      device: 'wasm',
      dtypes: ['q8'],
      threads: null,
      simulate: null,
      consent: null,
      hints: NO_HINTS,
    },
  });
  /** The rows of the last classification, by image id. */
  const classify = async (labels: string[], mode: Scoring = 'softmax') => {
    const from = replies.length;
    await send({ type: 'classify', labels, templates: ['a {}'], scoring: mode });
    const rows = new Map<string, number[]>();
    for (const reply of replies.slice(from)) {
      if (reply.type !== 'scores') continue;
      const { imageIds, scores } = reply.rows;
      const width = scores.length / imageIds.length;
      imageIds.forEach((id, i) => rows.set(id, Array.from(scores.subarray(i * width, (i + 1) * width))));
    }
    return rows;
  };
  return { model, send, classify, replies };
}

const top = (row: number[] | undefined, labels: string[]) => (row ? labels[row.indexOf(Math.max(...row))] : null);

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('SigLIP scores (sigmoid)', () => {
  const texts = [unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 1, 0)];
  const calibration = { scale: 10, bias: -2 };
  const context = {
    texts,
    reference: unit(1, 1, 1, 0),
    calibration,
    scoring: 'sigmoid' as const,
    examples: [],
    neutral: unit(0, 0, 0, 1),
  };

  it('is each label’s own sigmoid of scale · cosine + bias: independent, not summing to 1', () => {
    const image = unit(1, 0.5, 0, PHOTO);
    const { scores } = scoreImages([image], context);
    const want = texts.map((text) => sigmoid(calibration.scale * dot(image, text) + calibration.bias));
    Array.from(scores).forEach((score, i) => expect(score).toBeCloseTo(want[i], 6));
    expect(scores.reduce((a, b) => a + b, 0)).not.toBeCloseTo(1, 2);
    // A third label does not change the other two (a softmax would share the mass).
    const two = scoreImages([image], { ...context, texts: texts.slice(0, 2) }).scores;
    expect(two[0]).toBeCloseTo(scores[0], 6);
    expect(two[1]).toBeCloseTo(scores[1], 6);
  });

  it('takes the no-match margin in logits, the bias on both sides cancelling', () => {
    const image = unit(0, 1, 0, PHOTO);
    const { margin } = scoreImages([image], context);
    const best = Math.max(...texts.map((text) => calibration.scale * dot(image, text)));
    expect(margin[0]).toBeCloseTo(best - calibration.scale * dot(image, context.reference), 5);
  });

  it('is what the service sends for a sigmoid classification, and a softmax when the person picks one label', async () => {
    const w = await service(calibration, 'sigmoid');
    await w.send({ type: 'add-images', images: [picture('r', [250, 0, 0])] });
    const labels = ['red', 'green', 'blue'];
    const image = unit(1, 0, 0, PHOTO);
    const independent = (await w.classify(labels, 'sigmoid')).get('r') ?? [];
    const logits = texts.map((text) => calibration.scale * dot(image, text) + calibration.bias);
    independent.forEach((score, i) => expect(score).toBeCloseTo(sigmoid(logits[i]), 5));
    const one = (await w.classify(labels, 'softmax')).get('r') ?? [];
    expect(one.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(one[0]).toBeGreaterThan(independent[0]);
  });
});

describe('corrections on centred pictures', () => {
  const labels = ['red', 'green', 'tomato'];

  it('pull a picture like the corrected one, and leave a different picture that shares the photo direction', async () => {
    const w = await service();
    await w.send({
      type: 'add-images',
      images: [picture('r', [250, 0, 0]), picture('g', [0, 250, 0]), picture('r2', [249, 4, 0])],
    });
    const before = await w.classify(labels);
    expect(['r', 'g', 'r2'].map((id) => top(before.get(id), labels))).toEqual(['red', 'green', 'red']);
    // Uncentred, the red and green pictures have cosine 0.9: a correction would reach green too.
    expect(dot(unit(1, 0, 0, PHOTO), unit(0, 1, 0, PHOTO))).toBeCloseTo(0.9, 6);

    await w.send({ type: 'correct', imageId: 'r', label: 'tomato' });
    const after = await w.classify(labels);
    expect(top(after.get('r'), labels)).toBe('tomato');
    expect(top(after.get('r2'), labels)).toBe('tomato');
    // Green is as it was (within the 0.003 logits of exp(-8) x 10): centred, it has nothing in common with red.
    (after.get('g') ?? []).forEach((score, i) => expect(score).toBeCloseTo(before.get('g')?.[i] ?? NaN, 2));
  });

  it('rank "more like this" by centred likeness: the shared direction does not count', async () => {
    const w = await service();
    await w.send({
      type: 'add-images',
      // A dim red: close to red as a colour, and as a picture once the shared direction is taken out.
      images: [picture('r', [250, 0, 0]), picture('g', [0, 250, 0]), picture('r2', [240, 10, 30])],
    });
    await w.classify(labels);
    await w.send({ type: 'search', query: { kind: 'image', imageId: 'r' } });
    const result = w.replies.find((reply) => reply.type === 'search-results');
    if (result?.type !== 'search-results') throw new Error('no search results');
    expect(result.hits.imageIds).toEqual(['r', 'r2', 'g']);
    // Green's strength is its affinity once centred (cosine 0): near zero, not the 0.45 of cosine 0.9.
    const green = result.hits.imageIds.indexOf('g');
    expect(result.hits.strength[green]).toBeLessThan(0.01);
  });
});
