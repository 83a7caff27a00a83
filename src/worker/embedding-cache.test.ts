import { describe, expect, it } from 'vitest';
import { EmbeddingCache, createStores } from './embedding-cache.ts';

const vec = (x: number) => Float32Array.of(x);

describe('EmbeddingCache', () => {
  it('keeps models and precisions apart while sharing its stores', () => {
    const stores = createStores();
    const q8 = new EmbeddingCache('h|clip|q8', stores);
    const fp32 = new EmbeddingCache('h|clip|fp32', stores);
    q8.setText('a photo of a owl.', vec(1));
    expect(q8.text('a photo of a owl.')).toEqual(vec(1));
    expect(fp32.text('a photo of a owl.')).toBeUndefined();
    expect(new EmbeddingCache('h|clip|q8', stores).text('a photo of a owl.')).toEqual(vec(1));
  });

  it('finds an image by its pixels, and by the id it was sent with, without decoding', () => {
    const cache = new EmbeddingCache('m', createStores());
    cache.setImage('hash-1', vec(2));
    expect(cache.imageById('image-7')).toBeUndefined();
    const facts = { width: 3, height: 2, notes: [{ kind: 'animated' as const }] };
    cache.rememberImage('image-7', 'hash-1', facts);
    expect(cache.imageById('image-7')).toEqual({ embedding: vec(2), facts });
    expect(cache.image('hash-1')).toEqual(vec(2));
  });

  it('is bounded', () => {
    const cache = new EmbeddingCache('m', createStores({ texts: 2, images: 2, ids: 2 }));
    for (const prompt of ['a', 'b', 'c']) cache.setText(prompt, vec(0));
    expect(cache.text('a')).toBeUndefined();
    expect(cache.text('c')).toBeDefined();
  });
});
