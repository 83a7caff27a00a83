import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.ts';
import { DEFAULT_HOST, modelFileUrl } from './model-source.ts';
import { revisionFor } from './revision.ts';

describe('the revision a model loads from', () => {
  it('is the commit a catalogue entry pins, on the default Hub only', () => {
    const siglip = { host: DEFAULT_HOST, modelId: 'Xenova/siglip-base-patch16-224' };
    expect(revisionFor(siglip)).toBe('4649052661e53c7000355844105f8a1792088239');
    expect(modelFileUrl(siglip, 'onnx/model_quantized.onnx', revisionFor(siglip))).toBe(
      'https://huggingface.co/Xenova/siglip-base-patch16-224/resolve/4649052661e53c7000355844105f8a1792088239/onnx/model_quantized.onnx',
    );
    // A mirror may not have the Hub's commits; a typed id is not the catalogue's to pin.
    expect(revisionFor({ ...siglip, host: 'https://hf-mirror.example' })).toBe('main');
    expect(revisionFor({ host: DEFAULT_HOST, modelId: 'someone/clip' })).toBe('main');
  });

  it('pins only real commits: a full SHA-1, or main where none was found', () => {
    for (const entry of CATALOGUE) expect(entry.revision).toMatch(/^(main|[0-9a-f]{40})$/);
    expect(CATALOGUE.filter((entry) => entry.revision !== 'main').map((entry) => entry.id)).toEqual([
      'Xenova/clip-vit-base-patch32',
      'Xenova/siglip-base-patch16-224',
      'Xenova/chinese-clip-vit-base-patch16',
    ]);
  });
});
