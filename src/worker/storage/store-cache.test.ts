import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LoadedModel } from '../model/loaded-model.ts';
import { DownloadLog } from './download.ts';
import { HashMismatchError } from '../model/model-errors.ts';
import { MODEL_DB_NAME, ModelStore } from './model-store.ts';
import { repairingModel } from '../model/repairing-model.ts';
import { StoreCache } from './store-cache.ts';

const source = { host: 'http://localhost/models', modelId: 'fixtures/clip-colors' };
const url = (path: string) => `${source.host}/${source.modelId}/resolve/main/${path}`;

async function stored(files: Record<string, Uint8Array<ArrayBuffer>>): Promise<ModelStore> {
  const store = new ModelStore();
  const cache = new StoreCache(store, source, new DownloadLog());
  for (const [path, bytes] of Object.entries(files)) await cache.put(url(path), new Response(bytes));
  return store;
}

/** Replaces a stored file's bytes behind the store's back (as disk damage would). */
async function damage(path: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const db = await openDB(MODEL_DB_NAME);
  await db.put('blobs', new Blob([bytes]), url(path));
  db.close();
}

describe('StoreCache', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('hands out a stored file after checking its length only, and verifies its hash later', async () => {
    const store = await stored({ 'onnx/model.onnx': new Uint8Array([1, 2, 3, 4]), 'config.json': new Uint8Array([9]) });
    await damage('onnx/model.onnx', new Uint8Array([1, 2, 0xfc, 4])); // same length, other bytes
    const cache = new StoreCache(store, source, new DownloadLog());
    const response = await cache.match(url('onnx/model.onnx'));
    expect(new Uint8Array(await (response as Response).arrayBuffer())).toEqual(new Uint8Array([1, 2, 0xfc, 4]));
    expect(await cache.has(url('config.json'))).toBe(true);
    expect(cache.hasUnverified).toBe(true);
    expect(await cache.verifyStored()).toEqual(['onnx/model.onnx']);
    expect(cache.hasUnverified).toBe(false);
    // Deleted, so the library downloads it again; and said.
    expect(await cache.match(url('onnx/model.onnx'))).toBeUndefined();
    expect(await store.has(url('onnx/model.onnx'))).toBe(false);
    expect(await store.has(url('config.json'))).toBe(true);
    expect(cache.notices).toEqual([{ kind: 'repaired', files: ['onnx/model.onnx'] }]);
  });

  it('drops a file of the wrong length at once', async () => {
    const store = await stored({ 'tokenizer.json': new Uint8Array(10) });
    await damage('tokenizer.json', new Uint8Array(5));
    const cache = new StoreCache(store, source, new DownloadLog());
    expect(await cache.match(url('tokenizer.json'))).toBeUndefined();
    expect(cache.notices).toEqual([{ kind: 'repaired', files: ['tokenizer.json'] }]);
    expect(cache.hasUnverified).toBe(false);
  });

  it('checks a download still being hashed: a session cannot beat the hash (puts are not awaited)', async () => {
    const cache = new StoreCache(new ModelStore(), source, new DownloadLog());
    const other = `"${'0'.repeat(64)}"`;
    // As transformers.js does: put called, not awaited, before the session is made.
    void cache.put(
      url('onnx/vision_model.onnx'),
      new Response(new Uint8Array([1, 2, 3]), { headers: { etag: other } }),
    );
    await expect(cache.assertIntact()).rejects.toThrow(HashMismatchError);
  });

  it('stores no download whose SHA-256 is not its ETag’s, and fails the load that read it', async () => {
    const store = new ModelStore();
    const cache = new StoreCache(store, source, new DownloadLog());
    const bytes = new Uint8Array([1, 2, 3]);
    // SHA-256 of [1, 2, 3] (sha256sum): the host's checksum that holds.
    const digest = '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81';
    await cache.put(url('onnx/text_model.onnx'), new Response(bytes, { headers: { etag: `"${digest}"` } }));
    await expect(cache.assertIntact()).resolves.toBeUndefined();
    const other = `"${'0'.repeat(64)}"`;
    await cache.put(url('onnx/vision_model.onnx'), new Response(bytes, { headers: { etag: other } }));
    await expect(cache.assertIntact()).rejects.toThrow(HashMismatchError);
    await expect(cache.assertIntact()).rejects.toThrow(
      'onnx/vision_model.onnx does not match the checksum its host gave',
    );
    expect(await store.has(url('onnx/vision_model.onnx'))).toBe(false);
    expect(await store.has(url('onnx/text_model.onnx'))).toBe(true);
  });

  it('has nothing to verify for a file it stored itself', async () => {
    const cache = new StoreCache(new ModelStore(), source, new DownloadLog());
    await cache.put(url('config.json'), new Response(new Uint8Array([1, 2])));
    expect(await cache.match(url('config.json'))).toBeDefined();
    expect(cache.hasUnverified).toBe(false);
  });
});

function fakeModel(name: string, log: string[]): LoadedModel {
  return {
    info: { modelId: name, notices: [] } as unknown as LoadedModel['info'],
    calibration: { scale: 100, bias: 0 },
    neutral: new Float32Array(0),
    encodeTexts: async (texts) => {
      log.push(`${name} texts ${texts.join(',')}`);
      return [];
    },
    encodeImages: async () => [],
    dispose: async () => {
      log.push(`${name} disposed`);
    },
  };
}

describe('repairingModel', () => {
  it('holds encodes until the check is done, then runs them on the model loaded again', async () => {
    const log: string[] = [];
    let finish: (model: LoadedModel | null) => void = () => undefined;
    const fresh = fakeModel('fresh', log);
    fresh.info.notices = [{ kind: 'repaired', files: ['onnx/model.onnx'] }];
    const model = repairingModel(fakeModel('first', log), () => new Promise((resolve) => (finish = resolve)));
    const encoded = model.encodeTexts(['red']);
    await Promise.resolve();
    expect(log).toEqual([]);
    finish(fresh);
    await encoded;
    expect(log).toEqual(['first disposed', 'fresh texts red']);
    expect(await model.notices).toEqual([{ kind: 'repaired', files: ['onnx/model.onnx'] }]);
    expect(model.info.modelId).toBe('fresh');
  });

  it('keeps the first model when every file was whole', async () => {
    const log: string[] = [];
    const model = repairingModel(fakeModel('first', log), async () => null);
    await model.encodeTexts(['blue']);
    expect(log).toEqual(['first texts blue']);
    expect(await model.notices).toBeNull();
  });
});
