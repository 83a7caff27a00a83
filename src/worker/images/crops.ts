/**
 * Overlapping crops of an image, for a heat map of where a label matches: a grid of windows, each
 * a fraction of the image's width and height, sliding by half a window (no gradients, a few vision passes).
 */
import { RawImage } from '@huggingface/transformers';
import type { DecodedImage } from './decode-image.ts';

/** 4 × 4 windows of 40% of each side: every part of the image is seen by one to four windows. */
export const GRID = 4;
export const CROP = 0.4;
/** Largest side a crop is drawn at: the processor resizes it to 224 anyway. */
const CROP_PIXELS = 448;

export async function gridCrops(blob: Blob, decode: (blob: Blob) => Promise<DecodedImage>): Promise<RawImage[]> {
  const { canvas } = await decode(blob);
  const step = GRID > 1 ? (1 - CROP) / (GRID - 1) : 0;
  const sourceWidth = canvas.width * CROP;
  const sourceHeight = canvas.height * CROP;
  const scale = Math.min(1, CROP_PIXELS / Math.max(sourceWidth, sourceHeight));
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const crops: RawImage[] = [];
  for (let row = 0; row < GRID; row++) {
    for (let column = 0; column < GRID; column++) {
      const crop = new OffscreenCanvas(width, height);
      const context = crop.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error('no 2D canvas is available to crop the image');
      context.drawImage(
        canvas,
        column * step * canvas.width,
        row * step * canvas.height,
        sourceWidth,
        sourceHeight,
        0,
        0,
        width,
        height,
      );
      crops.push(new RawImage(context.getImageData(0, 0, width, height).data, width, height, 4));
    }
  }
  return crops;
}
