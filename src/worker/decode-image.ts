/** Decodes an image file off the main thread into the RGBA pixels transformers.js expects. */
import { RawImage } from '@huggingface/transformers';

/** Images with more pixels than this are downscaled while drawing, to bound memory. */
const MAX_PIXELS = 16_000_000;

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

export async function decodeImage(blob: Blob): Promise<RawImage> {
  if (blob.size === 0) throw new ImageDecodeError('The file is empty.');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch (error) {
    throw new ImageDecodeError(error instanceof Error ? error.message : String(error));
  }
  try {
    const scale = Math.min(1, Math.sqrt(MAX_PIXELS / (bitmap.width * bitmap.height)));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!context) throw new ImageDecodeError('No 2D canvas is available to read the image.');
    context.drawImage(bitmap, 0, 0, width, height);
    return new RawImage(context.getImageData(0, 0, width, height).data, width, height, 4);
  } finally {
    bitmap.close();
  }
}
