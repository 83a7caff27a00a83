import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_HINTS } from '../../shared/consent.ts';
import type { LibraryImage, NewImage } from '../../shared/library.ts';
import { PROTOCOL_VERSION, type WorkerReply, type WorkerRequest } from '../../shared/protocol.ts';
import { ClassifierService, type ImageReader } from '../service/classifier-service.ts';
import { Library } from './library.ts';
import { LibraryStore } from './library-store.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { ImageDecodeError } from '../model/model-errors.ts';
import { lockedReaders, type Readers } from './reading-marks.ts';
import { sha256Hex } from '../storage/sha256.ts';

/** A model over 3-d embeddings: a text is its colour word's axis, an image its first pixel's RGB. */
const model: LoadedModel = {
  info: {
    modelId: 'fake',
    device: 'wasm',
    dtype: 'q8',
    layout: 'split',
    threads: 1,
    scoring: 'softmax',
    languages: ['en'],
    notices: [],
    timings: { loadMs: 1, warmUpMs: 1 },
  },
  calibration: { scale: 10, bias: 0 },
  neutral: Float32Array.of(0, 0, 0),
  encodeTexts: async (texts) =>
    texts.map((text) => Float32Array.from(['red', 'green', 'blue'], (word) => (text.includes(word) ? 1 : 0))),
  encodeImages: async (images) =>
    images.map(({ data: [r, g, b] }) => Float32Array.of(r, g, b).map((x) => x / (Math.hypot(r, g, b) || 1))),
  dispose: async () => undefined,
};

/** Reads a fake image (its bytes are its pixels; `bad` is not an image); `hold` keeps reads waiting. */
function reader(reads: string[], hold?: Promise<void>): ImageReader {
  return async (blob) => {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    reads.push(String(bytes[0]));
    await hold;
    if (new TextDecoder().decode(bytes) === 'bad') throw new ImageDecodeError({ code: 'not-an-image' }, 'bad');
    return {
      contentHash: await sha256Hex(bytes),
      pixels: { data: new Uint8ClampedArray(bytes), width: 1, height: 1, channels: 3 },
      width: 4,
      height: 3,
      notes: [],
      thumbnail: new Blob(['thumb']),
      copy: null,
    };
  };
}

const readersOf = (self: string, alsoRunning: string[] = []): Readers => ({
  self,
  running: async () => new Set([self, ...alsoRunning]),
});

/** One worker's visit over the shared (fake) IndexedDB: `readers` says who else is running. */
function visit(readers: Readers, hold?: Promise<void>) {
  const replies: WorkerReply[] = [];
  const reads: string[] = [];
  const store = new LibraryStore();
  const service = new ClassifierService({
    post: (reply) => replies.push(structuredClone(reply)),
    loadModel: async () => model,
    store: null,
    library: new Library(store, { readers }),
    models: null,
    texts: null,
    readImage: reader(reads, hold),
    crops: () => Promise.reject(new Error('no heat maps here')),
    visionBatch: 2,
  });
  let nextId = 1;
  const send = (request: Omit<WorkerRequest, 'id'>) => service.receive({ id: nextId++, ...request } as WorkerRequest);
  const of = <T extends WorkerReply['type']>(type: T) =>
    replies.filter((r): r is Extract<WorkerReply, { type: T }> => r.type === type);
  const load = () =>
    send({
      type: 'load',
      protocolVersion: PROTOCOL_VERSION,
      options: {
        source: { modelId: 'fake', host: 'http://h' },
        device: 'wasm',
        dtypes: ['q8'],
        threads: null,
        simulate: null,
        consent: null,
        hints: NO_HINTS,
      },
    } as Omit<WorkerRequest, 'id'>);
  const classify = () =>
    send({ type: 'classify', labels: ['red', 'green', 'blue'], templates: ['{}'], scoring: 'softmax' } as Omit<
      WorkerRequest,
      'id'
    >);
  const add = (...images: NewImage[]) => send({ type: 'add-images', images } as Omit<WorkerRequest, 'id'>);
  const scored = () => of('scores').flatMap(({ rows }) => rows.imageIds);
  return { store, reads, of, load, classify, add, scored, send };
}

const file = (id: string, content: number[] | string): NewImage => ({
  id,
  name: `${id}.png`,
  path: null,
  file: new Blob([typeof content === 'string' ? content : Uint8Array.from(content)]),
  lastModified: 1,
});
const RED = file('r', [250, 0, 0]);
const GREEN = file('g', [0, 250, 0]);
const BLUE = file('b', [0, 0, 250]);

const stored = async (store: LibraryStore) =>
  new Map((await store.images()).map((image): [string, LibraryImage] => [image.id, image]));

/** Waits until `check` holds (work that runs on its own, such as a classification left waiting). */
async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('reading marks', () => {
  it('marks a batch in one write before any of it is read; each saved read clears its mark', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const w = visit(readersOf('a'), hold);
    await w.load();
    await w.add(RED, GREEN, BLUE);
    const putImages = vi.spyOn(LibraryStore.prototype, 'putImages');
    const classified = w.classify();
    await until(() => w.reads.length === 2);
    // One write, before the first read started, marking the whole batch (of 2).
    expect(putImages).toHaveBeenCalledTimes(1);
    expect(putImages.mock.calls[0][0].map((image) => [image.id, image.reading])).toEqual([
      ['r', 'a'],
      ['g', 'a'],
    ]);
    const marks = async () => [...(await stored(w.store))].map(([id, image]) => [id, image.reading]).sort();
    expect(await marks()).toEqual([
      ['b', undefined],
      ['g', 'a'],
      ['r', 'a'],
    ]);
    release();
    await classified;
    putImages.mockRestore();
    expect(w.scored()).toEqual(['r', 'g', 'b']);
    expect(await marks()).toEqual([
      ['b', undefined],
      ['g', undefined],
      ['r', undefined],
    ]);
  });

  it('a failed read clears its mark with the failure', async () => {
    const w = visit(readersOf('a'));
    await w.load();
    await w.add(RED, file('x', 'bad'));
    await w.classify();
    const images = await stored(w.store);
    expect(images.get('x')).toMatchObject({ failure: { code: 'not-an-image' } });
    expect(images.get('x')?.reading).toBeUndefined();
    expect(images.get('r')?.reading).toBeUndefined();
  });

  it('after a reader stopped mid-read, the next visit fails what it was reading and never reads it; the rest classify', async () => {
    // The first visit's reads never end: its worker died while decoding them.
    const crashed = visit(readersOf('a'), new Promise<void>(() => undefined));
    await crashed.load();
    await crashed.add(RED, GREEN, BLUE);
    void crashed.classify();
    await until(() => crashed.reads.length === 2);

    const next = visit(readersOf('b'));
    await next.load();
    await next.send({ type: 'open-library' } as Omit<WorkerRequest, 'id'>);
    const listed = new Map(next.of('library')[0].library.images.map((image) => [image.id, image]));
    expect(listed.get('r')?.failure).toEqual({ code: 'stopped-reading' });
    expect(listed.get('g')?.failure).toEqual({ code: 'stopped-reading' });
    expect(listed.get('b')?.failure).toBeNull();
    await next.classify();
    // Said in the classification too: a page whose worker was replaced has not asked for the library again.
    expect(next.of('image-failed').map(({ imageId, failure }) => [imageId, failure.code])).toEqual([
      ['r', 'stopped-reading'],
      ['g', 'stopped-reading'],
    ]);
    expect(next.reads).toEqual(['0']);
    expect(next.scored()).toEqual(['b']);
    // Kept so: a third visit finds the failures, and no mark.
    const images = await stored(next.store);
    expect(images.get('r')).toMatchObject({ failure: { code: 'stopped-reading' } });
    expect([...images.values()].every((image) => image.reading === undefined)).toBe(true);
    // The page sends its add again to the fresh worker: answered as stored, failed, not read.
    await next.add(RED);
    expect(next.of('added').at(-1)?.images[0].failure).toEqual({ code: 'stopped-reading' });
  });

  it('leaves the marks of a reader still running (another tab) alone', async () => {
    const other = visit(readersOf('a'), new Promise<void>(() => undefined));
    await other.load();
    await other.add(RED, GREEN);
    void other.classify();
    await until(() => other.reads.length === 2);
    const here = visit(readersOf('b', ['a']));
    await here.send({ type: 'open-library' } as Omit<WorkerRequest, 'id'>);
    const listed = here.of('library')[0].library.images;
    expect(listed.map((image) => image.failure)).toEqual([null, null]);
    expect((await stored(here.store)).get('r')?.reading).toBe('a');
  });

  it('knows running readers by their Web Locks, this one included', async () => {
    const requested: string[] = [];
    const locks = {
      request: (name: string) => {
        requested.push(name);
        return new Promise(() => undefined);
      },
      query: async () => ({
        held: [{ name: 'zero-shot-classifier-reader:other' }, { name: 'model-download' }],
        pending: [],
      }),
    } as unknown as LockManager;
    const readers = lockedReaders(locks);
    expect(requested).toEqual([`zero-shot-classifier-reader:${readers.self}`]);
    expect([...(await readers.running())].sort()).toEqual([readers.self, 'other'].sort());
    // Without Web Locks, this reader is the only one known to run.
    const alone = lockedReaders(undefined);
    expect([...(await alone.running())]).toEqual([alone.self]);
  });
});
