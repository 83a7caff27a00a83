import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StoredFileMeta } from '../shared/protocol.ts';
import { ModelStore, rejectionReason } from './model-store.ts';

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
  it('stores files with their metadata, lists models, and deletes a model whole', async () => {
    const store = await ModelStore.open();
    await store.put(meta('config.json', 5), bytes(5));
    await store.put(meta('onnx/text_model.onnx', 100), bytes(100));
    await store.put(meta('config.json', 7, { modelId: 'other/model', modelKey: 'h|other/model', url: 'u2' }), bytes(7));

    const got = await store.get(meta('config.json', 5).url);
    expect(got?.meta.size).toBe(5);
    expect(got?.blob.size).toBe(5);
    expect(got?.meta.lastUsed).toBeGreaterThan(1);

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
    const store = await ModelStore.open();
    const truncated = meta('onnx/vision_model.onnx', 1000);
    await expect(store.put(truncated, bytes(400))).rejects.toThrow(/400 bytes, not the 1000/);
    expect(await store.get(truncated.url)).toBeUndefined();
  });

  it('answers the worker’s calls, failures included', async () => {
    const store = await ModelStore.open();
    const file = meta('tokenizer.json', 3);
    expect(await store.answer({ op: 'put', meta: file, blob: bytes(3) })).toEqual({ ok: true });
    const got = await store.answer({ op: 'get', url: file.url });
    expect(got.ok && got.file?.meta.path).toBe('tokenizer.json');
    expect(await store.answer({ op: 'delete', url: file.url })).toEqual({ ok: true });
    expect(await store.answer({ op: 'get', url: file.url })).toEqual({ ok: true, file: undefined });
    const refused = await store.answer({ op: 'put', meta: file, blob: bytes(1) });
    expect(refused).toMatchObject({ ok: false, error: { name: 'StoreRejectedError' } });
  });
});
