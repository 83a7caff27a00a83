import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { RawImage } from '@huggingface/transformers';
import { beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type LoadOptions, type WorkerReply, type WorkerRequest } from '../shared/protocol.ts';
import type { Device, ModelInfo } from '../shared/types.ts';
import { ClassifierService, type ModelLoader } from './classifier-service.ts';
import type { DecodedImage } from './decode-image.ts';
import { DownloadError } from './download.ts';
import type { LoadedModel } from './loaded-model.ts';
import { BackendError, ImageDecodeError } from './model-errors.ts';
import { ModelStore } from './model-store.ts';

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * A fake model over 3-d embeddings: a text is the unit vector of the colour word in it (red,
 * green, blue); an image is the unit vector of its first pixel's RGB. Records every call.
 */
class FakeModel implements LoadedModel {
  readonly textCalls: string[][] = [];
  readonly imageCalls: number[] = [];
  /** When set, each vision pass waits for the test to let it go. */
  gate: (() => Promise<void>) | null = null;
  failImages: Error | null = null;
  readonly calibration = { scale: 10, bias: 0 };
  info: ModelInfo;

  constructor(device: Device = 'wasm') {
    this.info = {
      modelId: 'fake',
      device,
      dtype: 'q8',
      layout: 'split',
      threads: 1,
      scoring: 'softmax',
      notices: [],
      timings: { loadMs: 1, warmUpMs: 1 },
    };
  }

  async encodeTexts(texts: string[]): Promise<Float32Array[]> {
    this.textCalls.push(texts);
    // "the" adds a fourth direction: templates move the embedding, as real ones do.
    return texts.map((text) => {
      const vector = [
        ...['red', 'green', 'blue'].map((word) => (text.includes(word) ? 1 : 0)),
        text.startsWith('the ') ? 1 : 0,
      ];
      const norm = Math.hypot(...vector);
      return Float32Array.from(vector, (x) => x / norm);
    });
  }

  async encodeImages(images: RawImage[]): Promise<Float32Array[]> {
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

/** Decodes a fake image file: its bytes are its pixels (RGB); the text `bad` is not an image. */
async function fakeDecode(blob: Blob): Promise<DecodedImage> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (new TextDecoder().decode(bytes) === 'bad') throw new ImageDecodeError({ code: 'not-an-image' }, 'bad');
  const data = new Uint8ClampedArray(bytes);
  return { pixels: { data, width: 1, height: 1, channels: 3 } as unknown as RawImage, width: 4, height: 3, notes: [] };
}

const image = (imageId: string, rgb: number[]) => ({
  imageId,
  name: `${imageId}.png`,
  blob: new Blob([Uint8Array.from(rgb)]),
});
const RED = [250, 0, 0];
const GREEN = [0, 250, 0];
const BLUE = [0, 0, 250];

function setup(options: { device?: Device; loader?: ModelLoader; visionBatch?: number } = {}) {
  const replies: WorkerReply[] = [];
  const model = new FakeModel(options.device);
  const service = new ClassifierService({
    post: (reply) => replies.push(structuredClone(reply)),
    loadModel: options.loader ?? (async () => model),
    store: new ModelStore(),
    decodeImage: fakeDecode,
    visionBatch: options.visionBatch ?? 4,
  });
  let nextId = 1;
  type Body = WorkerRequest extends infer R
    ? R extends WorkerRequest
      ? Omit<R, 'id'> & { id?: number }
      : never
    : never;
  const send = (request: Body) => service.receive({ id: nextId++, ...request } as WorkerRequest);
  const load: LoadOptions = {
    source: { modelId: 'fake', host: 'http://h' },
    device: options.device ?? 'wasm',
    dtypes: ['q8'],
    threads: null,
    simulate: null,
  };
  const of = <T extends WorkerReply['type']>(type: T) =>
    replies.filter((r): r is Extract<WorkerReply, { type: T }> => r.type === type);
  return {
    service,
    model,
    replies,
    send,
    of,
    loadRequest: { type: 'load', protocolVersion: PROTOCOL_VERSION, options: load } as const,
  };
}

const classify = (images: ReturnType<typeof image>[], labels: string[], templates = ['a {}']) =>
  ({ type: 'classify', images, labels, templates, scoring: 'softmax' }) as const;

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('ClassifierService', () => {
  it('loads, then ranks each image, a batch of results at a time', async () => {
    const { send, of, model, loadRequest } = setup({ visionBatch: 2 });
    await send(loadRequest);
    expect(of('loaded')).toHaveLength(1);
    await send(classify([image('r', RED), image('g', GREEN), image('b', BLUE)], ['red', 'green', 'blue']));
    expect(model.imageCalls).toEqual([2, 1]);
    const batches = of('results');
    expect(batches.map((b) => b.results.map((r) => r.imageId))).toEqual([['r', 'g'], ['b']]);
    const top = Object.fromEntries(batches.flatMap((b) => b.results).map((r) => [r.imageId, r.scores[0].label]));
    expect(top).toEqual({ r: 'red', g: 'green', b: 'blue' });
    expect(batches[0].results[0]).toMatchObject({ width: 4, height: 3, cached: false, notes: [] });
    expect(of('done')[0].work).toEqual({ textsEncoded: 3, textsCached: 0 });
  });

  it('encodes only new prompts, and reuses image embeddings by id and by pixels', async () => {
    const { send, of, model, loadRequest } = setup();
    await send(loadRequest);
    await send(classify([image('r', RED)], ['red', 'green']));
    await send(classify([image('r', RED), image('copy', RED)], ['red', 'green', 'blue']));
    expect(model.textCalls).toEqual([['a red', 'a green'], ['a blue']]);
    expect(of('done')[1].work).toEqual({ textsEncoded: 1, textsCached: 2 });
    // One vision pass in all: `r` is known by id, `copy` by its pixels.
    expect(model.imageCalls).toEqual([1]);
    const second = of('results')[1].results;
    expect(second.map((r) => [r.imageId, r.cached])).toEqual([
      ['r', true],
      ['copy', true],
    ]);
    // Facts found while decoding travel with cached results too.
    expect(second[0]).toMatchObject({ width: 4, height: 3 });
  });

  it('averages the templates of an ensemble (normalised mean), each prompt encoded once', async () => {
    const { send, of, model, loadRequest } = setup();
    await send(loadRequest);
    await send(classify([image('r', RED)], ['red', 'green'], ['a {}', 'the {}']));
    expect(model.textCalls).toEqual([['a red', 'a green', 'the red', 'the green']]);
    expect(of('done')[0].work.textsEncoded).toBe(4);
    // Worked out by hand: "a red" = [1,0,0,0], "the red" = [1,0,0,1]/√2; their normalised mean has
    // cosine cos(π/8) ≈ 0.92388 with the red image; green's is 0. Softmax at scale 10.
    const cosRed = Math.cos(Math.PI / 8);
    const expected = 1 / (1 + Math.exp(-10 * cosRed));
    const red = of('results')[0].results[0].scores.find((s) => s.label === 'red')?.score;
    expect(red).toBeCloseTo(expected, 6);
    // The first template alone would give cosine 1: a visibly different score.
    expect(Math.abs((red ?? 0) - 1 / (1 + Math.exp(-10)))).toBeGreaterThan(1e-5);
  });

  it('an image that cannot be read fails alone; the rest of its batch is ranked', async () => {
    const { send, of, loadRequest } = setup();
    await send(loadRequest);
    const bad = { imageId: 'x', name: 'x.png', blob: new Blob(['bad']) };
    await send(classify([image('r', RED), bad, image('g', GREEN)], ['red', 'green']));
    expect(of('image-failed')).toEqual([expect.objectContaining({ imageId: 'x', failure: { code: 'not-an-image' } })]);
    expect(of('results')[0].results.map((r) => r.imageId)).toEqual(['r', 'g']);
    expect(of('done')).toHaveLength(1);
  });

  it('a failed vision pass on WASM fails its images, not the request', async () => {
    const { send, of, model, loadRequest } = setup();
    await send(loadRequest);
    model.failImages = new Error('out of memory');
    await send(classify([image('r', RED), image('g', GREEN)], ['red', 'green']));
    expect(of('image-failed').map((r) => [r.imageId, r.failure])).toEqual([
      ['r', { code: 'failed', detail: 'out of memory' }],
      ['g', { code: 'failed', detail: 'out of memory' }],
    ]);
    expect(of('done')).toHaveLength(1);
  });

  it('a failed inference on WebGPU fails the request as a backend failure', async () => {
    const { send, of, model, loadRequest } = setup({ device: 'webgpu' });
    await send(loadRequest);
    model.failImages = new Error('GPU buffer mapping failed');
    await send(classify([image('r', RED)], ['red', 'green']));
    expect(of('failed').map((r) => r.failure)).toEqual([{ code: 'backend', detail: 'GPU buffer mapping failed' }]);
    expect(of('image-failed')).toEqual([]);
  });

  it('a cancel stops a request between batches; the embeddings made are kept for later', async () => {
    const { send, of, model, loadRequest } = setup({ visionBatch: 1 });
    await send(loadRequest);
    const passing = deferred();
    const entered = deferred();
    model.gate = async () => {
      entered.resolve();
      await passing.promise;
    };
    const images = [image('r', RED), image('g', GREEN), image('b', BLUE)];
    const running = send({ ...classify(images, ['red', 'green']), id: 100 });
    await entered.promise;
    await send({ type: 'cancel', target: 100 });
    passing.resolve();
    await running;
    expect(model.imageCalls).toEqual([1]);
    expect(of('results')).toEqual([]);
    expect(of('failed')).toEqual([{ type: 'failed', id: 100, failure: { code: 'aborted' } }]);
    model.gate = null;
    await send(classify(images, ['red', 'green']));
    expect(model.imageCalls).toEqual([1, 1, 1]);
    expect(
      of('results')
        .flatMap((b) => b.results)
        .map((r) => [r.imageId, r.cached]),
    ).toEqual([
      ['r', true],
      ['g', false],
      ['b', false],
    ]);
  });

  it('answers model-store requests while a classification runs', async () => {
    const { send, of, model, loadRequest } = setup();
    await send(loadRequest);
    const passing = deferred();
    model.gate = () => passing.promise;
    const running = send(classify([image('r', RED)], ['red', 'green']));
    await send({ type: 'list-models' });
    expect(of('models')).toEqual([expect.objectContaining({ models: [] })]);
    expect(of('results')).toEqual([]);
    passing.resolve();
    await running;
    expect(of('results')).toHaveLength(1);
  });

  it('words load failures as typed data', async () => {
    const download = new DownloadError({
      code: 'download-failed',
      file: 'onnx/a.onnx',
      kind: 'short',
      received: 3,
      expected: 9,
    });
    const { send, of, loadRequest } = setup({ loader: async () => Promise.reject(download) });
    await send(loadRequest);
    expect(of('failed')[0].failure).toEqual({ code: 'load', failure: download.failure });
    await send({ ...loadRequest, protocolVersion: PROTOCOL_VERSION - 1 });
    expect(of('failed')[1].failure).toEqual({
      code: 'load',
      failure: { code: 'protocol-mismatch', workerVersion: PROTOCOL_VERSION },
    });
  });

  it('a WebGPU session failure is a backend failure; classifying without a model says so', async () => {
    const { send, of, loadRequest } = setup({
      device: 'webgpu',
      loader: async () => Promise.reject(new BackendError('no adapter')),
    });
    await send(loadRequest);
    expect(of('failed')[0].failure).toEqual({ code: 'load', failure: { code: 'backend', detail: 'no adapter' } });
    await send(classify([image('r', RED)], ['red', 'green']));
    expect(of('failed')[1].failure).toEqual({ code: 'no-model' });
  });
});
