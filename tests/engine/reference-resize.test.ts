/**
 * The worker's resize (src/worker/images/reference-resize.ts) against what transformers.js does outside the
 * browser: sharp's bicubic affine resize, pixel for pixel, and the image processor's output.
 */
import { AutoImageProcessor, RawImage, env, type Tensor } from '@huggingface/transformers';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, it } from 'vitest';
import { resizeLikeReference, resizeLikeSharp } from '../../src/worker/images/reference-resize.ts';
import { expectSameValues } from '../helpers/same-values.ts';

env.allowRemoteModels = false;
env.localModelPath = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function noise(seed: number, count: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) & 255;
  });
}

describe('resizeLikeSharp', () => {
  it.each([
    [97, 61, 356, 224], // upscaled: the edge rows fade to black and overshoot, as libvips does it
    [640, 480, 298, 224],
    [1000, 700, 320, 224],
    [300, 200, 336, 224],
  ])('%i×%i → %i×%i equals sharp’s bicubic affine resize exactly', async (w, h, width, height) => {
    const data = noise(w * h, w * h * 3);
    const reference = await sharp(Buffer.from(data), { raw: { width: w, height: h, channels: 3 } })
      .affine([width / w, 0, 0, height / h], { interpolator: 'bicubic' })
      .raw()
      .toBuffer();
    expectSameValues(resizeLikeSharp(data, w, h, 3, width, height), reference, 'resized pixels');
  });
});

describe('resizeLikeReference', () => {
  it('gives the image processor the pixel values transformers.js gives it in Node', async () => {
    const reference = await AutoImageProcessor.from_pretrained('clip-colors');
    const patched = await AutoImageProcessor.from_pretrained('clip-colors');
    resizeLikeReference(
      patched as never,
      (data, width, height, channels) => new RawImage(data, width, height, channels as 3),
    );
    const rgba = new RawImage(
      new Uint8ClampedArray(noise(7, 97 * 61 * 4)).map((v, i) => (i % 4 === 3 ? 255 : v)),
      97,
      61,
      4,
    );
    for (const image of [rgba, rgba.rgb()]) {
      const [ours, theirs] = await Promise.all(
        [patched, reference].map(async (p) => ((await p(image)) as { pixel_values: Tensor }).pixel_values.data),
      );
      expectSameValues(ours as Float32Array, theirs as Float32Array, 'pixel values');
    }
  });
});
