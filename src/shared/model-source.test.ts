import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_MODEL_ID, modelFileUrl, modelSourceFromParams, resolveHost } from './model-source.ts';

const ORIGIN = 'http://localhost:4173';

describe('model source', () => {
  it('defaults to CLIP ViT-B/32 on the Hugging Face Hub', () => {
    expect(modelSourceFromParams(new URLSearchParams(''), ORIGIN)).toEqual({
      source: { modelId: DEFAULT_MODEL_ID, host: DEFAULT_HOST },
      problems: [],
    });
  });

  it('takes the model and a host relative to the page', () => {
    const { source } = modelSourceFromParams(new URLSearchParams('host=/models&model=fixtures/clip-colors'), ORIGIN);
    expect(source).toEqual({ modelId: 'fixtures/clip-colors', host: 'http://localhost:4173/models' });
    expect(modelFileUrl(source, 'onnx/text_model_quantized.onnx')).toBe(
      'http://localhost:4173/models/fixtures/clip-colors/resolve/main/onnx/text_model_quantized.onnx',
    );
  });

  it('takes an absolute mirror and strips trailing slashes', () => {
    expect(resolveHost('https://hf-mirror.com/', ORIGIN)).toBe('https://hf-mirror.com');
  });

  it('rejects hosts that are not http(s) and model ids that are not ids, falling back to defaults', () => {
    const parsed = modelSourceFromParams(new URLSearchParams('host=javascript:alert(1)&model=../../etc'), ORIGIN);
    expect(parsed.source).toEqual({ modelId: DEFAULT_MODEL_ID, host: DEFAULT_HOST });
    expect(parsed.problems).toHaveLength(2);
  });
});
