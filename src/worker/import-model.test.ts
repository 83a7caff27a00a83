import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ImportError, importModelFolder, importedModelId } from './import-model.ts';
import { ModelStore } from './model-store.ts';

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

  it('makes a valid model id of any folder name', () => {
    expect(importedModelId('CLIP ViT (copy)')).toBe('imported/CLIP-ViT-copy-');
    expect(importedModelId('...')).toBe('imported/model');
  });
});
