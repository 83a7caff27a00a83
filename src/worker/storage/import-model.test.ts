import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ImportError, importModelFolder, importedModelId } from './import-model.ts';
import { openDB } from 'idb';
import type { StoredFileMeta } from '../../shared/types.ts';
import { MODEL_DB_NAME, ModelStore } from './model-store.ts';

const file = (path: string, content: string) => ({ path, file: new Blob([content]) });

describe('importModelFolder', () => {
  it('stores the model files under the local-models host, with checksums, and leaves the rest out', async () => {
    const store = new ModelStore();
    const imported = await importModelFolder(
      store,
      'my clip',
      [
        file('config.json', '{"model_type":"clip"}'),
        file('onnx/model.onnx', 'onnx bytes'),
        file('README.md', '# readme'),
        file('.git/config', 'x'),
      ],
      'https://app.example',
    );
    expect(imported.source).toEqual({ modelId: 'imported/my-clip', host: 'https://app.example/local-models' });
    expect(imported.files).toBe(2);
    const config = await store.get('https://app.example/local-models/imported/my-clip/resolve/main/config.json');
    // SHA-256 of the file's bytes, computed outside the app (sha256sum).
    expect(config?.meta.sha256).toBe('4b89b6f87f2b36898c6399154c70c7f8cc65613514ed1f1620084396e049d186');
    expect(await config?.blob.text()).toBe('{"model_type":"clip"}');
    expect((await store.listModels()).map((m) => m.modelId)).toContain('imported/my-clip');
  });

  it('refuses a folder without config.json or ONNX files', async () => {
    const store = new ModelStore();
    await expect(importModelFolder(store, 'photos', [file('a.json', '{}')], 'https://a.example')).rejects.toThrow(
      ImportError,
    );
    await expect(importModelFolder(store, 'm', [file('config.json', '{}')], 'https://a.example')).rejects.toThrow(
      /no ONNX model files/,
    );
  });

  describe('importing a folder again', () => {
    const ORIGIN = 'https://swap.example';
    const url = (path: string) => `${ORIGIN}/local-models/imported/clip/resolve/main/${path}`;
    const version = (tag: string, extra: { path: string; file: Blob }[] = []) => [
      file('config.json', `{"model_type":"clip","v":"${tag}"}`),
      file('onnx/model.onnx', `onnx ${tag}`),
      ...extra,
    ];
    /** Every URL in the store's files, staging included. */
    const allUrls = async () => (await openDB(MODEL_DB_NAME)).getAllKeys('files');

    /** A store whose writes stop at `path`: it waits for `gate`, then fails or goes on. */
    class StoppingStore extends ModelStore {
      constructor(
        private readonly path: string,
        private readonly gate: Promise<'fail' | 'go'>,
      ) {
        super();
      }
      override async put(meta: StoredFileMeta, blob: Blob): Promise<void> {
        if (meta.path === this.path && (await this.gate) === 'fail') throw new Error('QuotaExceededError');
        return super.put(meta, blob);
      }
    }

    it('keeps the import before intact when the new one fails halfway', async () => {
      await importModelFolder(new ModelStore(), 'clip', version('old', [file('tokenizer.json', 'old tok')]), ORIGIN);
      const failing = new StoppingStore('onnx/model.onnx', Promise.resolve('fail'));
      await expect(importModelFolder(failing, 'clip', version('new'), ORIGIN)).rejects.toThrow('QuotaExceededError');
      const store = new ModelStore();
      expect(await (await store.get(url('config.json')))?.blob.text()).toBe('{"model_type":"clip","v":"old"}');
      expect(await (await store.get(url('onnx/model.onnx')))?.blob.text()).toBe('onnx old');
      expect(await (await store.get(url('tokenizer.json')))?.blob.text()).toBe('old tok');
      const listed = (await store.listModels()).find((m) => m.modelId === 'imported/clip');
      expect(listed?.files).toBe(3);
      // The half-written import left nothing behind.
      expect((await allUrls()).filter((key) => String(key).startsWith(`${ORIGIN}/`)).sort()).toEqual(
        [url('config.json'), url('onnx/model.onnx'), url('tokenizer.json')].sort(),
      );
    });

    it('serves the import before while the new one is written, then swaps it in whole', async () => {
      await importModelFolder(new ModelStore(), 'clip', version('old', [file('tokenizer.json', 'old tok')]), ORIGIN);
      let release: (go: 'go') => void = () => undefined;
      const slow = new StoppingStore('onnx/model.onnx', new Promise((resolve) => (release = resolve)));
      const importing = importModelFolder(slow, 'clip', version('new'), ORIGIN);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const store = new ModelStore();
      // config.json of the new import is stored by now, but not where a load looks.
      expect(await (await store.get(url('config.json')))?.blob.text()).toBe('{"model_type":"clip","v":"old"}');
      expect(await (await store.get(url('onnx/model.onnx')))?.blob.text()).toBe('onnx old');
      release('go');
      await expect(importing).resolves.toMatchObject({ files: 2 });
      expect(await (await store.get(url('config.json')))?.blob.text()).toBe('{"model_type":"clip","v":"new"}');
      expect(await (await store.get(url('onnx/model.onnx')))?.blob.text()).toBe('onnx new');
      // A file the new folder lacks goes with the import before.
      expect(await store.get(url('tokenizer.json'))).toBeUndefined();
      expect((await store.listModels()).filter((m) => m.modelId === 'imported/clip')).toHaveLength(1);
    });
  });

  it('makes a valid model id of any folder name', () => {
    expect(importedModelId('CLIP ViT (copy)')).toBe('imported/CLIP-ViT-copy-');
    expect(importedModelId('...')).toBe('imported/model');
  });
});
