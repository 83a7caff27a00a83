import { describe, expect, it } from 'vitest';
import { dtypeCandidates } from './backend.ts';
import { CATALOGUE, DEFAULT_CATALOGUE_ID, catalogueEntry, downloadSize } from './catalogue.ts';
import { DEFAULT_MODEL_ID, isValidModelId } from './model-source.ts';

describe('catalogue', () => {
  it('has the models the picker promises, the default first', () => {
    const names = CATALOGUE.map((entry) => entry.name).join(' | ');
    for (const name of ['ViT-B/32', 'ViT-B/16', 'ViT-L/14', 'SigLIP', 'MobileCLIP', 'Chinese-CLIP']) {
      expect(names).toContain(name);
    }
    expect(DEFAULT_CATALOGUE_ID).toBe(DEFAULT_MODEL_ID);
    for (const entry of CATALOGUE) {
      expect(isValidModelId(entry.id)).toBe(true);
      expect(downloadSize(entry, dtypeCandidates('wasm', false))).not.toBeNull();
    }
  });

  it('shows the 8-bit download on every backend: WebGPU runs the 8-bit files too', () => {
    for (const entry of CATALOGUE) {
      const wasm = downloadSize(entry, dtypeCandidates('wasm', false));
      expect(wasm?.dtype).toBe('q8');
      expect(downloadSize(entry, dtypeCandidates('webgpu', true))).toEqual(wasm);
      expect(downloadSize(entry, dtypeCandidates('webgpu', false))).toEqual(wasm);
    }
    const b16 = catalogueEntry('Xenova/clip-vit-base-patch16');
    expect(b16 && downloadSize(b16, dtypeCandidates('webgpu', true))).toEqual({ dtype: 'q8', mb: 152 });
  });

  it('gives the size of the first precision the model has, in the order the backend tries them', () => {
    const large = catalogueEntry('Xenova/clip-vit-large-patch14');
    expect(large && downloadSize(large, ['q8', 'fp32'])).toEqual({ dtype: 'q8', mb: 432 });
    expect(large && downloadSize(large, ['fp16', 'fp32'])).toEqual({ dtype: 'fp16', mb: 857 });
    const b16 = catalogueEntry('Xenova/clip-vit-base-patch16');
    expect(b16 && downloadSize(b16, ['fp16', 'fp32', 'q8'])).toEqual({ dtype: 'fp32', mb: 599 });
    expect(b16 && downloadSize(b16, [])).toBeNull();
  });
});
