import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredFileMeta } from '../../shared/types.ts';
import { DatabaseConnection } from './idb-connection.ts';
import { MODEL_DB_NAME, ModelStore, modelDbConnection, rejectionReason } from './model-store.ts';

const SHA = 'a'.repeat(64);

function meta(path: string, size: number, overrides: Partial<StoredFileMeta> = {}): StoredFileMeta {
  const host = 'http://localhost/models';
  const modelId = 'fixtures/clip-colors';
  return {
    url: `${host}/${modelId}/resolve/main/${path}`,
    modelKey: `${host}|${modelId}`,
    modelId,
    host,
    path,
    size,
    contentType: 'application/octet-stream',
    etag: null,
    sha256: SHA,
    storedAt: 1,
    lastUsed: 1,
    ...overrides,
  };
}

const bytes = (n: number) => new Blob([new Uint8Array(n)]);

describe('rejectionReason', () => {
  it('refuses HTML pages, bodies of the wrong length and files without a checksum', () => {
    expect(rejectionReason(meta('a.onnx', 3), bytes(3))).toBeNull();
    expect(rejectionReason(meta('a.onnx', 3, { contentType: 'text/html; charset=utf-8' }), bytes(3))).toMatch(/HTML/);
    expect(rejectionReason(meta('a.onnx', 10), bytes(4))).toMatch(/4 bytes, not the 10/);
    expect(rejectionReason(meta('a.onnx', 3, { sha256: '' }), bytes(3))).toMatch(/checksum/);
  });
});

describe('ModelStore', () => {
  // A fresh IndexedDB for every test: versions set by one test must not leak into the next.
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('stores files with their metadata, lists models, and deletes a model whole', async () => {
    const store = new ModelStore();
    await store.put(meta('config.json', 5), bytes(5));
    await store.put(meta('onnx/text_model.onnx', 100), bytes(100));
    await store.put(meta('config.json', 7, { modelId: 'other/model', modelKey: 'h|other/model', url: 'u2' }), bytes(7));

    const got = await store.get(meta('config.json', 5).url);
    expect(got?.meta.size).toBe(5);
    expect(got?.blob.size).toBe(5);
    expect(got?.meta.lastUsed).toBeGreaterThan(1);
    expect(await store.has(meta('config.json', 5).url)).toBe(true);

    const models = await store.listModels();
    expect(models.map((m) => [m.modelId, m.size, m.files])).toEqual(
      expect.arrayContaining([
        ['fixtures/clip-colors', 105, 2],
        ['other/model', 7, 1],
      ]),
    );

    await store.deleteModel(meta('config.json', 5).modelKey);
    expect(await store.get(meta('config.json', 5).url)).toBeUndefined();
    expect((await store.listModels()).map((m) => m.modelId)).toEqual(['other/model']);
  });

  it('refuses to store a truncated body, leaving nothing behind', async () => {
    const store = new ModelStore();
    const truncated = meta('onnx/vision_model.onnx', 1000);
    await expect(store.put(truncated, bytes(400))).rejects.toThrow(/400 bytes, not the 1000/);
    expect(await store.get(truncated.url)).toBeUndefined();
  });

  it('refuses an HTML body posing as a model file', async () => {
    const store = new ModelStore();
    const page = meta('onnx/model.onnx', 15, { contentType: 'text/html' });
    await expect(store.put(page, new Blob(['<!doctype html>']))).rejects.toThrow(/HTML page/);
    expect(await store.has(page.url)).toBe(false);
  });

  it('lets a newer version of the app take the database: the old connection closes and reopens', async () => {
    const connection = modelDbConnection();
    const store = new ModelStore(connection);
    await store.put(meta('config.json', 5), bytes(5));
    // A newer app version opens the database at version 2 (adding a store); ours must not block it.
    const newer = new DatabaseConnection<never>({
      name: MODEL_DB_NAME,
      version: 2,
      openTimeoutMs: 2000,
      attempts: 1,
      upgrade(db, oldVersion) {
        expect(oldVersion).toBe(1);
        (db as unknown as IDBDatabase).createObjectStore('later');
      },
    });
    const upgraded = await newer.get();
    expect([...(upgraded as unknown as IDBDatabase).objectStoreNames]).toContain('later');
    newer.close();
    // Our connection was closed for it; the next use reopens (at a lower version: refused, typed).
    await expect(store.listModels()).rejects.toThrow(/could not be opened/);
  });

  it('gives up on an open that never finishes, after retrying', async () => {
    // An old tab's connection that ignores version changes blocks the upgrade below forever.
    await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open(MODEL_DB_NAME, 1);
      request.onsuccess = () => resolve(request.result);
    });
    const stuck = new DatabaseConnection<never>({
      name: MODEL_DB_NAME,
      version: 99,
      openTimeoutMs: 50,
      attempts: 2,
      upgrade() {},
    });
    await expect(stuck.get()).rejects.toThrow(/timed out/);
  });
});
