import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_HINTS } from '../../shared/consent.ts';
import type { NewImage } from '../../shared/library.ts';
import { PROTOCOL_VERSION, type LoadOptions, type WorkerReply, type WorkerRequest } from '../../shared/protocol.ts';
import type { Device, ModelInfo } from '../../shared/types.ts';
import { ClassifierService, type ImageReader, type ModelLoader } from './classifier-service.ts';
import { DownloadError } from '../storage/download.ts';
import { Library } from '../library/library.ts';
import { exportLibrary, importLibrary } from '../library/backup.ts';
import { LibraryStore } from '../library/library-store.ts';
import { TabSync, type LibrarySync } from '../library/tab-sync.ts';
import type { LoadedModel, Pixels } from '../model/loaded-model.ts';
import { BackendError, ImageDecodeError } from '../model/model-errors.ts';
import { ModelStore } from '../storage/model-store.ts';
import { sha256Hex } from '../storage/sha256.ts';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A fake model over 4-d embeddings: a text is the unit vector of the colour word in it (red,
 * green, blue) plus a fourth direction for "the"; an image is the unit vector of its first pixel's
 * RGB. Records every call.
 */
class FakeModel implements LoadedModel {
  readonly textCalls: string[][] = [];
  readonly imageCalls: number[] = [];
  /** When set, each vision pass waits for the test to let it go. */
  gate: (() => Promise<void>) | null = null;
  failImages: Error | null = null;
  readonly calibration = { scale: 10, bias: 0 };
  readonly neutral = Float32Array.of(0, 0, 0, 0);
  info: ModelInfo;

  constructor(device: Device = 'wasm') {
    this.info = {
      modelId: 'fake',
      device,
      dtype: 'q8',
      layout: 'split',
      threads: 1,
      scoring: 'softmax',
      languages: ['en'],
      notices: [],
      timings: { loadMs: 1, warmUpMs: 1 },
    };
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    this.textCalls.push(texts);
    return texts.map((text) => {
      const vector = [
        ...['red', 'green', 'blue'].map((word) => (text.includes(word) ? 1 : 0)),
        text.startsWith('the ') ? 1 : 0,
      ];
      // A text with no colour word (a word the model does not know) leans on every colour a little.
      const known = vector.some((x) => x > 0) ? vector : [1, 1, 1, 0];
      const norm = Math.hypot(...known);
      return Float32Array.from(known, (x) => x / norm);
    });
  }

  async encodeImages(images: Pixels[]): Promise<Float32Array[]> {
    this.imageCalls.push(images.length);
    await this.gate?.();
    if (this.failImages) throw this.failImages;
    return images.map((image) => {
      const [r, g, b] = image.data;
      const norm = Math.hypot(r, g, b) || 1;
      return Float32Array.of(r / norm, g / norm, b / norm, 0);
    });
  }

  async dispose(): Promise<void> {}
}

/** Reads a fake image file: its bytes are its pixels (RGB); the text `bad` is not an image. */
function fakeReader(reads: string[], copies = true): ImageReader {
  return async (blob, { needsCopy }) => {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    reads.push(Array.from(bytes.slice(0, 3)).join(','));
    if (new TextDecoder().decode(bytes) === 'bad') throw new ImageDecodeError({ code: 'not-an-image' }, 'bad');
    const data = new Uint8ClampedArray(bytes);
    return {
      contentHash: await sha256Hex(bytes),
      pixels: { data, width: 1, height: 1, channels: 3 },
      width: 4,
      height: 3,
      notes: [],
      thumbnail: new Blob(['thumb'], { type: 'image/webp' }),
      copy: needsCopy && copies ? new Blob(['copy']) : null,
    };
  };
}

const RED = [250, 0, 0];
const GREEN = [0, 250, 0];
const BLUE = [0, 0, 250];
const file = (id: string, rgb: number[] | string): NewImage => ({
  id,
  name: `${id}.png`,
  path: null,
  file: new Blob([typeof rgb === 'string' ? rgb : Uint8Array.from(rgb)]),
  lastModified: 1,
});

/** A worker as one visit sees it; a second `visit` over the same IndexedDB is a reload. */
function visit(
  options: {
    device?: Device;
    dtype?: 'q8' | 'fp32';
    loader?: ModelLoader;
    visionBatch?: number;
    model?: FakeModel;
    copies?: boolean;
    sync?: LibrarySync;
  } = {},
) {
  const replies: WorkerReply[] = [];
  const reads: string[] = [];
  const model = options.model ?? new FakeModel(options.device);
  if (options.dtype) model.info.dtype = options.dtype;
  const libraryStore = new LibraryStore();
  const service = new ClassifierService({
    post: (reply, transfer) => replies.push(structuredClone(reply, { transfer })),
    loadModel: options.loader ?? (async () => model),
    store: new ModelStore(),
    library: new Library(libraryStore, { sync: options.sync }),
    models: { get: (request) => libraryStore.model(request), put: (record) => libraryStore.putModel(record) },
    texts: {
      get: (key, prompts) => libraryStore.texts(key, prompts),
      put: (key, entries) => libraryStore.putTexts(key, entries),
    },
    backup: {
      export: (options) => exportLibrary(libraryStore, options),
      import: (file) => importLibrary(libraryStore, file),
    },
    readImage: fakeReader(reads, options.copies),
    crops: async (blob) => {
      // A fake image's crops: four, the first two of its own colour, the others black.
      const [r, g, b] = new Uint8Array(await blob.arrayBuffer());
      const crop = (rgb: number[]): Pixels => ({ data: Uint8ClampedArray.from(rgb), width: 1, height: 1, channels: 3 });
      return {
        crops: [crop([r, g, b]), crop([r, g, b]), crop([0, 0, 1]), crop([0, 0, 1])],
        columns: 2,
        rows: 2,
        cropSize: 0.5,
      };
    },
    visionBatch: options.visionBatch ?? 4,
  });
  let nextId = 1;
  type Body = WorkerRequest extends infer R
    ? R extends WorkerRequest
      ? Omit<R, 'id'> & { id?: number }
      : never
    : never;
  const send = (request: Body) => service.receive({ id: nextId++, ...request } as WorkerRequest);
  const options_: LoadOptions = {
    source: { modelId: 'fake', host: 'http://h' },
    device: options.device ?? 'wasm',
    dtypes: [options.dtype ?? 'q8'],
    threads: null,
    simulate: null,
    consent: null,
    hints: NO_HINTS,
  };
  const of = <T extends WorkerReply['type']>(type: T) =>
    replies.filter((r): r is Extract<WorkerReply, { type: T }> => r.type === type);
  /** Every score row sent, by image id, as label → score. */
  const scores = () => {
    const out = new Map<string, number[]>();
    for (const { rows } of of('scores')) {
      const width = rows.scores.length / rows.imageIds.length;
      rows.imageIds.forEach((id, i) => out.set(id, Array.from(rows.scores.subarray(i * width, (i + 1) * width))));
    }
    return out;
  };
  const load = () => send({ type: 'load', protocolVersion: PROTOCOL_VERSION, options: options_ });
  const add = (...images: NewImage[]) => send({ type: 'add-images', images });
  return { service, model, replies, reads, send, of, scores, load, add, options: options_ };
}

const classify = (labels: string[], templates = ['a {}']) =>
  ({ type: 'classify', labels, templates, scoring: 'softmax' }) as const;
const top = (row: number[] | undefined, labels: string[]) => (row ? labels[row.indexOf(Math.max(...row))] : undefined);

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('ClassifierService', () => {
  it('classifies the whole library a batch at a time, reading each image once', async () => {
    const w = visit({ visionBatch: 2 });
    await w.load();
    expect(w.of('loaded')).toHaveLength(1);
    await w.add(file('r', RED), file('g', GREEN), file('b', BLUE));
    expect(w.of('added')[0].images.map((i) => i.id)).toEqual(['r', 'g', 'b']);
    const labels = ['red', 'green', 'blue'];
    await w.send(classify(labels));
    expect(w.model.imageCalls).toEqual([2, 1]);
    expect(w.of('scores').map((s) => s.rows.imageIds)).toEqual([['r', 'g'], ['b']]);
    const rows = w.scores();
    expect(['r', 'g', 'b'].map((id) => top(rows.get(id), labels))).toEqual(['red', 'green', 'blue']);
    // Reading found each image's content hash and size; the page hears of it.
    const updated = w.of('images-updated').flatMap((u) => u.images);
    expect(updated.map((i) => [i.id, i.width, i.height, i.contentHash?.length])).toEqual([
      ['r', 4, 3, 64],
      ['g', 4, 3, 64],
      ['b', 4, 3, 64],
    ]);
    // The three labels' prompts; the generic "no match" prompt is encoded too (first text pass) but is not the person's work.
    expect(w.of('done')[0].work).toEqual({ textsEncoded: 3, textsCached: 0, imagesEncoded: 3, imagesCached: 0 });
    expect(w.reads).toHaveLength(3);
  });

  it('answers new labels from stored embeddings: one text pass, no image read or vision pass', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('b', BLUE));
    await w.send(classify(['red', 'blue']));
    await w.send(classify(['red', 'blue', 'green']));
    expect(w.model.textCalls).toEqual([['a red', 'a blue', 'a something'], ['a green']]);
    expect(w.model.imageCalls).toEqual([2]);
    expect(w.reads).toHaveLength(2);
    const last = w.of('scores').at(-1);
    expect(last?.rows.imageIds).toEqual(['r', 'b']);
    expect(Array.from(last?.rows.cached ?? [])).toEqual([1, 1]);
    expect(w.of('done')[1].work).toEqual({ textsEncoded: 1, textsCached: 2, imagesEncoded: 0, imagesCached: 2 });
  });

  it('prepares labels being typed: their text pass runs ahead, and the classify that applies them finds them cached', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('b', BLUE));
    await w.send(classify(['red', 'blue']));
    await w.send({ type: 'prepare-labels', labels: ['green'], templates: ['a {}'] });
    // One text pass for the one new prompt, answered as prepared.
    expect(w.of('prepared')).toHaveLength(1);
    expect(w.model.textCalls.at(-1)).toEqual(['a green']);
    // Prepared only: nothing scored.
    expect(w.of('scores')).toHaveLength(1);
    await w.send(classify(['red', 'blue', 'green']));
    expect(w.model.textCalls).toEqual([['a red', 'a blue', 'a something'], ['a green']]);
    // Counted as the classify's own encoding (once), as if it had encoded it.
    expect(w.of('done')[1].work).toEqual({ textsEncoded: 1, textsCached: 2, imagesEncoded: 0, imagesCached: 2 });
  });

  it('after a reload, scores the library from storage before the model has loaded', async () => {
    const first = visit();
    await first.load();
    await first.add(file('r', RED), file('b', BLUE));
    await first.send(classify(['red', 'blue']));
    // The next visit: same IndexedDB, a model that takes its time.
    const model = new FakeModel();
    const loaded = deferred<LoadedModel>();
    const second = visit({ loader: () => loaded.promise, model });
    void second.load();
    await second.send({ type: 'open-library' });
    expect(second.of('library')[0].library.images.map((i) => i.id)).toEqual(['r', 'b']);
    await second.send(classify(['red', 'blue']));
    const rows = second.scores();
    expect(top(rows.get('r'), ['red', 'blue'])).toBe('red');
    expect(top(rows.get('b'), ['red', 'blue'])).toBe('blue');
    // Neither tower ran: texts, image embeddings and the calibration were all stored.
    expect(model.textCalls).toEqual([]);
    expect(model.imageCalls).toEqual([]);
    expect(second.reads).toEqual([]);
    loaded.resolve(model);
  });

  it('averages the templates of an ensemble (normalised mean), each prompt encoded once', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    await w.send(classify(['red', 'green'], ['a {}', 'the {}']));
    expect(w.model.textCalls).toEqual([['a red', 'a green', 'a something', 'the red', 'the green', 'the something']]);
    // Worked out by hand: "a red" = [1,0,0,0], "the red" = [1,0,0,1]/√2; their normalised mean has
    // cosine cos(π/8) ≈ 0.92388 with the red image; green's is 0. Softmax at scale 10.
    const expected = 1 / (1 + Math.exp(-10 * Math.cos(Math.PI / 8)));
    const red = w.scores().get('r')?.[0] ?? 0;
    expect(red).toBeCloseTo(expected, 6);
    // The first template alone would give cosine 1: a different score.
    expect(Math.abs(red - 1 / (1 + Math.exp(-10)))).toBeGreaterThan(1e-5);
  });

  it('encodes text in passes of at most 64 prompts', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    const labels = Array.from({ length: 150 }, (_, i) => `label ${i}`);
    await w.send(classify(labels));
    // 150 labels and the generic prompt.
    expect(w.model.textCalls.map((call) => call.length)).toEqual([64, 64, 23]);
  });

  it('an image that cannot be read fails alone; the rest of its batch is ranked', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('x', 'bad'), file('g', GREEN));
    await w.send(classify(['red', 'green']));
    expect(w.of('image-failed')).toEqual([
      expect.objectContaining({ imageId: 'x', failure: { code: 'not-an-image' } }),
    ]);
    expect([...w.scores().keys()]).toEqual(['r', 'g']);
    // The failure is kept with the image: the next classification does not try it again.
    await w.send(classify(['red', 'blue']));
    expect(w.reads).toHaveLength(3);
  });

  it('duplicates (same content under two names) are read twice but encoded once', async () => {
    const w = visit();
    await w.load();
    await w.add(file('first', RED), { ...file('copy', RED), name: 'copy.png' });
    await w.send(classify(['red', 'green']));
    expect(w.model.imageCalls).toEqual([1]);
    expect([...w.scores().keys()].sort()).toEqual(['copy', 'first']);
  });

  it('a failed vision pass on WASM fails its images, not the request', async () => {
    const w = visit();
    await w.load();
    w.model.failImages = new Error('Got invalid dimensions for input');
    await w.add(file('r', RED), file('g', GREEN));
    await w.send(classify(['red', 'green']));
    expect(w.of('image-failed').map((r) => [r.imageId, r.failure])).toEqual([
      ['r', { code: 'failed', detail: 'Got invalid dimensions for input' }],
      ['g', { code: 'failed', detail: 'Got invalid dimensions for input' }],
    ]);
    expect(w.of('done')).toHaveLength(1);
  });

  it('running out of memory fails the request, not the images (the page replaces the worker)', async () => {
    const w = visit();
    await w.load();
    w.model.failImages = new RangeError('Array buffer allocation failed');
    await w.add(file('r', RED));
    await w.send(classify(['red', 'green']));
    expect(w.of('image-failed')).toEqual([]);
    expect(w.of('failed').map((r) => r.failure)).toEqual([
      { code: 'out-of-memory', detail: 'Array buffer allocation failed' },
    ]);
    const oom = visit({ loader: async () => Promise.reject(new Error('Aborted(OOM). Build with -sASSERTIONS')) });
    await oom.load();
    expect(oom.of('failed')[0].failure).toMatchObject({ code: 'load', failure: { code: 'out-of-memory' } });
  });

  it('answers a cancel at once, even while a vision pass runs', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    const passing = deferred();
    const entered = deferred();
    w.model.gate = async () => {
      entered.resolve();
      await passing.promise;
    };
    const running = w.send({ ...classify(['red']), id: 200 });
    await entered.promise;
    void w.send({ type: 'cancel', id: 201, target: 200 });
    expect(w.of('cancelled')).toEqual([{ type: 'cancelled', id: 201, target: 200 }]);
    passing.resolve();
    await running;
  });

  it('a load that joined another stops at once when cancelled', async () => {
    const loading = deferred<LoadedModel>();
    const w = visit({ loader: () => loading.promise });
    const first = w.send({ type: 'load', protocolVersion: PROTOCOL_VERSION, options: w.options, id: 300 });
    const second = w.send({ type: 'load', protocolVersion: PROTOCOL_VERSION, options: w.options, id: 301 });
    await w.send({ type: 'cancel', id: 302, target: 301 });
    await second;
    expect(w.of('failed')).toEqual([{ type: 'failed', id: 301, failure: { code: 'aborted' } }]);
    loading.resolve(w.model);
    await first;
    expect(w.of('loaded').map((r) => r.id)).toEqual([300]);
  });

  it('a cancel aborts the signal of exactly its target, at once and without a timer', async () => {
    const loading = deferred<LoadedModel>();
    const signals: AbortSignal[] = [];
    const w = visit({
      loader: (_options, _progress, signal) => {
        signals.push(signal);
        return loading.promise;
      },
    });
    const first = w.send({ type: 'load', protocolVersion: PROTOCOL_VERSION, options: w.options, id: 310 });
    const other = w.send({ type: 'library-size', id: 311 });
    await other;
    void w.send({ type: 'cancel', id: 312, target: 310 });
    // The download's signal is the request's own: aborted synchronously by the cancel.
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    await first;
    expect(w.of('failed')).toEqual([{ type: 'failed', id: 310, failure: { code: 'aborted' } }]);
    expect(w.of('failed').some((r) => r.id === 311)).toBe(false);
  });

  it('a failed inference on WebGPU fails the request as a backend failure', async () => {
    const w = visit({ device: 'webgpu' });
    await w.load();
    w.model.failImages = new Error('GPU buffer mapping failed');
    await w.add(file('r', RED));
    await w.send(classify(['red', 'green']));
    expect(w.of('failed').map((r) => r.failure)).toEqual([{ code: 'backend', detail: 'GPU buffer mapping failed' }]);
  });

  it('a cancel stops a classification between batches; the embeddings made are kept', async () => {
    const w = visit({ visionBatch: 1 });
    await w.load();
    await w.add(file('r', RED), file('g', GREEN), file('b', BLUE));
    const passing = deferred();
    const entered = deferred();
    w.model.gate = async () => {
      entered.resolve();
      await passing.promise;
    };
    const running = w.send({ ...classify(['red', 'green']), id: 100 });
    await entered.promise;
    await w.send({ type: 'cancel', target: 100 });
    passing.resolve();
    await running;
    expect(w.model.imageCalls).toEqual([1]);
    expect(w.of('scores')).toEqual([]);
    expect(w.of('failed')).toEqual([{ type: 'failed', id: 100, failure: { code: 'aborted' } }]);
    w.model.gate = null;
    await w.send(classify(['red', 'green']));
    // `r` was encoded before the cancel: it is scored from storage.
    expect(w.model.imageCalls).toEqual([1, 1, 1]);
    expect(w.of('scores')[0].rows.imageIds).toEqual(['r']);
  });

  it('images added while a classification runs join it', async () => {
    const w = visit({ visionBatch: 1 });
    await w.load();
    await w.add(file('r', RED));
    const passing = deferred();
    w.model.gate = () => passing.promise;
    const running = w.send(classify(['red', 'green']));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await w.add(file('g', GREEN));
    passing.resolve();
    w.model.gate = null;
    await running;
    expect([...w.scores().keys()]).toEqual(['r', 'g']);
    expect(w.of('done')).toHaveLength(1);
  });

  it('answers library and model-store requests while a classification runs', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    const passing = deferred();
    w.model.gate = () => passing.promise;
    const running = w.send(classify(['red', 'green']));
    await w.send({ type: 'list-models' });
    await w.send({ type: 'thumbnails', ids: ['r'] });
    expect(w.of('models')).toEqual([expect.objectContaining({ models: [] })]);
    expect(w.of('thumbnails')).toHaveLength(1);
    expect(w.of('scores')).toEqual([]);
    passing.resolve();
    await running;
    expect(w.of('scores')).toHaveLength(1);
  });

  it('keeps a large loose file as a copy, so another model can read it after a reload', async () => {
    const first = visit();
    await first.load();
    const big = { ...file('big', RED), file: new Blob([Uint8Array.from(RED), new Uint8Array(2_000_000)]) };
    await first.send({ type: 'add-images', images: [big] });
    await first.send(classify(['red', 'green']));
    const second = visit({ dtype: 'fp32' });
    await second.load();
    await second.send({ type: 'open-library' });
    expect(second.of('library')[0].library.images[0].source).toBe('copy');
    await second.send(classify(['red', 'green']));
    // Encoded again by the other precision, from the kept copy's bytes.
    expect(second.model.imageCalls).toEqual([1]);
    expect(second.reads).toEqual(['99,111,112']); // "cop": the fake copy's bytes
  });

  it('says which images must be added again when their file was not kept', async () => {
    // A reader that makes no copy (as when storage was full): the large file is gone after it was read.
    const first = visit({ copies: false });
    await first.load();
    const big = { ...file('big', RED), file: new Blob([Uint8Array.from(RED), new Uint8Array(2_000_000)]) };
    await first.send({ type: 'add-images', images: [big] });
    await first.send(classify(['red', 'green']));
    const second = visit({ dtype: 'fp32' });
    await second.load();
    await second.send({ type: 'open-library' });
    expect(second.of('library')[0].library.images[0].source).toBe('none');
    await second.send(classify(['red', 'green']));
    expect(second.of('image-failed')).toEqual([
      expect.objectContaining({ imageId: 'big', failure: { code: 'file-needed' } }),
    ]);
    expect(second.of('done')).toHaveLength(1);
    // Added again (same name, size and date), it gets its file back and is classified.
    await second.send({ type: 'add-images', images: [{ ...big, id: 'other-id' }] });
    expect(
      second
        .of('added')
        .at(-1)
        ?.images.map((i) => i.id),
    ).toEqual(['big']);
    await second.send(classify(['red', 'green']));
    expect(second.scores().has('big')).toBe(true);
  });

  it('a file added again (same name, same content) is dropped as already in the library', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    await w.send(classify(['red', 'green']));
    // The same file picked again later: a new date, so only reading shows it is the same.
    await w.add({ ...file('r2', RED), name: 'r.png', lastModified: 2 });
    await w.send(classify(['red', 'green']));
    expect(w.of('images-updated').at(-1)?.removed).toEqual(['r2']);
    await w.send({ type: 'open-library' });
    expect(w.of('library')[0].library.images.map((i) => i.id)).toEqual(['r']);
  });

  it('an add sent again to a fresh worker, after the crashed one stored it, answers with the stored image', async () => {
    const before = visit();
    await before.add(file('r', RED));
    // A reload over the same IndexedDB: the fresh worker the page replaced the crashed one with.
    const after = visit();
    await after.add(file('r', RED));
    expect(after.of('added').map((r) => r.images.map((i) => i.id))).toEqual([['r']]);
    await after.send({ type: 'open-library' });
    expect(after.of('library')[0].library.images.map((i) => i.id)).toEqual(['r']);
  });

  it('removes images, and clears the library', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('g', GREEN));
    await w.send(classify(['red', 'green']));
    await w.send({ type: 'remove-images', ids: ['r'] });
    await w.send({ type: 'open-library' });
    expect(w.of('library')[0].library.images.map((i) => i.id)).toEqual(['g']);
    await w.send({ type: 'clear-library' });
    const again = visit();
    await again.send({ type: 'open-library' });
    expect(again.of('library')[0].library.images).toEqual([]);
  });

  it('words load failures as typed data', async () => {
    const download = new DownloadError({
      code: 'download-failed',
      file: 'onnx/a.onnx',
      kind: 'short',
      received: 3,
      expected: 9,
    });
    const w = visit({ loader: async () => Promise.reject(download) });
    await w.load();
    expect(w.of('failed')[0].failure).toEqual({ code: 'load', failure: download.failure });
    await w.send({ type: 'load', protocolVersion: PROTOCOL_VERSION - 1, options: {} as LoadOptions });
    expect(w.of('failed')[1].failure).toEqual({
      code: 'load',
      failure: { code: 'protocol-mismatch', workerVersion: PROTOCOL_VERSION },
    });
  });

  it('searches by text and by picture, best first', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('g', GREEN), file('b', BLUE));
    await w.send(classify(['red', 'green']));
    await w.send({ type: 'search', query: { kind: 'text', text: 'green', templates: ['a {}'] } });
    expect(w.of('search-results')[0].hits.imageIds[0]).toBe('g');
    await w.send({ type: 'search', query: { kind: 'image', imageId: 'b' } });
    expect(w.of('search-results')[1].hits.imageIds[0]).toBe('b');
  });

  it('a correction is kept with the library and pulls pictures like it to its label', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED), file('g', GREEN));
    const labels = ['red', 'green', 'tomato'];
    await w.send(classify(labels));
    expect(top(w.scores().get('r'), labels)).toBe('red');
    await w.send({ type: 'correct', imageId: 'r', label: 'tomato' });
    expect(w.of('corrections')[0].corrections.map((c) => c.label)).toEqual(['tomato']);
    // A near-identical red added later leans to "tomato"; green does not move.
    await w.add(file('r2', [249, 1, 0]));
    await w.send(classify(labels));
    const rows = w.scores();
    expect(top(rows.get('r2'), labels)).toBe('tomato');
    expect(top(rows.get('g'), labels)).toBe('green');
    // Kept across visits; undone by the same request with no label.
    const again = visit();
    await again.send({ type: 'open-library' });
    expect(again.of('library')[0].library.corrections.map((c) => c.label)).toEqual(['tomato']);
    await again.send({ type: 'correct', imageId: 'r', label: null });
    expect(again.of('corrections')[0].corrections).toEqual([]);
  });

  it('makes a heat map from overlapping crops, a batch of vision passes at a time', async () => {
    const w = visit({ visionBatch: 2 });
    await w.load();
    await w.add(file('r', RED));
    await w.send({ type: 'heat-map', imageId: 'r', label: 'red', templates: ['a {}'] });
    expect(w.of('heat-map-progress').map((p) => [p.done, p.total])).toEqual([
      [2, 4],
      [4, 4],
    ]);
    const { map } = w.of('heat-map')[0];
    expect(Array.from(map.cells).map((x) => Math.round(x))).toEqual([1, 1, 0, 0]);
  });

  it('hands out an image’s file: the original where kept', async () => {
    const w = visit();
    await w.load();
    await w.add(file('r', RED));
    await w.send({ type: 'file', imageId: 'r' });
    expect(w.of('file')[0].kind).toBe('original');
    expect(Array.from(new Uint8Array(await (w.of('file')[0].file as Blob).arrayBuffer()))).toEqual(RED);
  });

  it('a WebGPU session failure is a backend failure; classifying without a model says so', async () => {
    const w = visit({ device: 'webgpu', loader: async () => Promise.reject(new BackendError('no adapter')) });
    await w.load();
    expect(w.of('failed')[0].failure).toEqual({ code: 'load', failure: { code: 'backend', detail: 'no adapter' } });
    await w.send(classify(['red', 'green']));
    expect(w.of('failed')[1].failure).toEqual({ code: 'no-model' });
  });

  it('a restored backup is scored with no vision pass; a foreign file fails as a typed backup failure', async () => {
    const first = visit();
    await first.load();
    await first.add(file('r', RED), file('b', BLUE));
    await first.send(classify(['red', 'blue']));
    await first.send({ type: 'correct', imageId: 'r', label: 'blue' });
    await first.send({ type: 'export-library', includeFiles: false });
    const backup = await new Response(first.of('library-export')[0].stream).blob();
    await first.send({ type: 'clear-library' });
    await first.send({ type: 'empty-trash', ids: null });

    const model = new FakeModel();
    const second = visit({ model });
    await second.load();
    await second.send({ type: 'import-library', file: new Blob(['not a zip']) });
    expect(second.of('failed')[0].failure).toEqual({ code: 'backup', failure: { code: 'not-a-backup' } });
    await second.send({ type: 'import-library', file: backup });
    const [imported] = second.of('library-imported');
    expect(imported.outcome).toMatchObject({ images: 2, corrections: 1 });
    expect(imported.library.images.map((i) => i.id)).toEqual(['r', 'b']);
    expect(imported.library.corrections.map((c) => c.label)).toEqual(['blue']);
    await second.send(classify(['red', 'blue']));
    expect(top(second.scores().get('b'), ['red', 'blue'])).toBe('blue');
    expect(second.scores().size).toBe(2);
    expect(model.imageCalls).toEqual([]);
    expect(second.reads).toEqual([]);
  });
});

/** The Web Locks API of one browser, in memory: locks of one name are granted in turn. */
class Locks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly held = new Set<string>();

  request<T>(name: string, work: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.held.add(name);
      try {
        return await work();
      } finally {
        this.held.delete(name);
      }
    };
    const next = (this.tails.get(name) ?? Promise.resolve()).then(run, run);
    this.tails.set(
      name,
      next.catch(() => undefined),
    );
    return next;
  }

  async query() {
    return { held: [...this.held].map((name) => ({ name })), pending: [] };
  }
}

describe('ClassifierService across tabs', () => {
  const syncs: TabSync[] = [];
  afterEach(() => {
    for (const sync of syncs.splice(0)) sync.close();
  });
  const tabs = () => {
    const locks = new Locks() as unknown as LockManager;
    const sync = (name: string) => {
      const made = new TabSync(locks, new BroadcastChannel('service-test'), name);
      syncs.push(made);
      return made;
    };
    return [visit({ sync: sync('A') }), visit({ sync: sync('B') })];
  };

  it("tells its page of another tab's images, and scores them from that tab's embeddings without encoding them", async () => {
    const [a, b] = tabs();
    await Promise.all([a.load(), b.load()]);
    const labels = ['red', 'green', 'blue'];
    await a.add(file('r', RED));
    await expect.poll(() => b.of('library-changed').length).toBeGreaterThan(0);
    expect(b.of('library-changed')[0]).toMatchObject({ id: 0, removed: [], images: [{ id: 'r', name: 'r.png' }] });

    // Tab B's classification waits for tab A's embedding of r instead of reading and encoding it.
    const inB = b.send(classify(labels));
    await a.send(classify(labels));
    expect(a.model.imageCalls).toEqual([1]);
    await inB;
    expect(b.model.imageCalls).toEqual([]);
    expect(b.reads).toEqual([]);
    expect(top(b.scores().get('r'), labels)).toBe('red');
    expect(b.of('done').at(-1)?.work).toMatchObject({ imagesEncoded: 0, imagesCached: 1 });

    await a.send({ type: 'remove-images', ids: ['r'] });
    await expect.poll(() => b.of('library-changed').at(-1)?.removed).toEqual(['r']);
  });

  it('encodes an image another tab added once that tab has left it (not classifying)', async () => {
    const [a, b] = tabs();
    await b.load();
    await a.add(file('g', GREEN));
    await expect.poll(() => b.of('library-changed').length).toBeGreaterThan(0);
    await b.send(classify(['red', 'green']));
    expect(b.model.imageCalls).toEqual([1]);
    expect(top(b.scores().get('g'), ['red', 'green'])).toBe('green');
  });
});
