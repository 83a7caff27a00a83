import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ImportError, importModelFolder, importedModelId } from './import-model.ts';
import { ModelStore } from './model-store.ts';

/** A file as a directory picker gives it: with its path inside the picked folder. */
function picked(path: string, content: string): File {
  const file = new File([content], path.split('/').pop() ?? path);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

describe('importModelFolder', () => {
  it('stores the model files under the local-models host, with checksums, and leaves the rest out', async () => {
    const store = await ModelStore.open();
    const imported = await importModelFolder(
      store,
      [
        picked('my clip/config.json', '{"model_type":"clip"}'),
        picked('my clip/onnx/model.onnx', 'onnx bytes'),
        picked('my clip/README.md', '# readme'),
        picked('my clip/.git/config', 'x'),
      ],
      'https://app.example',
    );
    expect(imported.source).toEqual({ modelId: 'imported/my-clip', host: 'https://app.example/local-models' });
    expect(imported.files).toBe(2);
    const config = await store.get('https://app.example/local-models/imported/my-clip/resolve/main/config.json');
    expect(config?.meta.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await config?.blob.text()).toBe('{"model_type":"clip"}');
    expect((await store.listModels()).map((m) => m.modelId)).toContain('imported/my-clip');
  });

  it('refuses a folder without config.json or ONNX files', async () => {
    const store = await ModelStore.open();
    await expect(importModelFolder(store, [picked('photos/a.json', '{}')], 'https://a.example')).rejects.toThrow(
      ImportError,
    );
    await expect(importModelFolder(store, [picked('m/config.json', '{}')], 'https://a.example')).rejects.toThrow(
      /no ONNX model files/,
    );
  });

  it('makes a valid model id of any folder name', () => {
    expect(importedModelId('CLIP ViT (copy)')).toBe('imported/CLIP-ViT-copy-');
    expect(importedModelId('...')).toBe('imported/model');
  });
});
