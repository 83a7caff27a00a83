import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_MODEL_ID, modelFileUrl, resolveHost } from './model-source.ts';
import { parseSettings } from './settings.ts';

const ORIGIN = 'http://localhost:4173';

describe('model source', () => {
  it('defaults to CLIP ViT-B/16 on the Hugging Face Hub, as the README promises', () => {
    expect(DEFAULT_MODEL_ID).toBe('Xenova/clip-vit-base-patch16');
    expect(DEFAULT_HOST).toBe('https://huggingface.co');
    expect(parseSettings(new URLSearchParams(''), ORIGIN).settings.source).toEqual({
      modelId: 'Xenova/clip-vit-base-patch16',
      host: 'https://huggingface.co',
    });
  });

  it('takes the model and a host relative to the page', () => {
    const { source } = parseSettings(new URLSearchParams('host=/models&model=fixtures/clip-colors'), ORIGIN).settings;
    expect(source).toEqual({ modelId: 'fixtures/clip-colors', host: 'http://localhost:4173/models' });
    expect(modelFileUrl(source, 'onnx/text_model_quantized.onnx')).toBe(
      'http://localhost:4173/models/fixtures/clip-colors/resolve/main/onnx/text_model_quantized.onnx',
    );
  });

  it('takes an absolute mirror and strips trailing slashes', () => {
    expect(resolveHost('https://hf-mirror.com/', ORIGIN)).toBe('https://hf-mirror.com');
  });

  it('rejects hosts that are not http(s) and model ids that are not ids, falling back to defaults', () => {
    const parsed = parseSettings(new URLSearchParams('host=javascript:alert(1)&model=../../etc'), ORIGIN);
    expect(parsed.settings.source).toEqual({ modelId: 'Xenova/clip-vit-base-patch16', host: 'https://huggingface.co' });
    expect(parsed.problems).toHaveLength(2);
  });
});
