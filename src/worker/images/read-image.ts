/**
 * Reads a file into the library: its content hash, its pixels for the model, a small thumbnail
 * for the page (the page never decodes an original), and, for large files, a lossless copy at the
 * model-input scale so that another model can encode it after the file is gone.
 */
import type { ImageNote } from '../../shared/failures.ts';
import type { Pixels } from '../model/loaded-model.ts';
import { sha256Hex } from '../storage/sha256.ts';

/** Longest side of a thumbnail: sharp in a ~200 px card on a 1.25× screen, tens of KB as WebP. */
export const THUMBNAIL_SIZE = 256;
/** Shortest side of a kept copy: twice CLIP's 224 input, so any catalogue model reads it as it would the original. */
export const COPY_SHORT_SIDE = 448;
/** Files this small are kept as they are: exact, and no larger than a copy would be. */
export const KEEP_ORIGINAL_BYTES = 1_000_000;

export interface ReadImage {
  contentHash: string;
  pixels: Pixels;
  width: number;
  height: number;
  notes: ImageNote[];
  thumbnail: Blob;
  /** A lossless copy at the model-input scale; null when the original is kept (small) or not needed. */
  copy: Blob | null;
}

export type DecodeForLibrary = (blob: Blob) => Promise<{
  pixels: Pixels;
  canvas: OffscreenCanvas;
  width: number;
  height: number;
  notes: ImageNote[];
}>;

/** `canvas` redrawn so that its `side` ('long' or 'short') is at most `size` px. */
function scaled(canvas: OffscreenCanvas, size: number, side: 'long' | 'short'): OffscreenCanvas {
  const reference = side === 'long' ? Math.max(canvas.width, canvas.height) : Math.min(canvas.width, canvas.height);
  const scale = Math.min(1, size / reference);
  if (scale === 1) return canvas;
  const out = new OffscreenCanvas(
    Math.max(1, Math.round(canvas.width * scale)),
    Math.max(1, Math.round(canvas.height * scale)),
  );
  const context = out.getContext('2d');
  if (!context) return canvas;
  context.imageSmoothingQuality = 'high';
  context.drawImage(canvas, 0, 0, out.width, out.height);
  return out;
}

export async function contentHash(blob: Blob): Promise<string> {
  return sha256Hex(await blob.arrayBuffer());
}

/**
 * Reads `blob`. `needsCopy`: the file will not be readable again (a loose file too large to keep
 * as it is), so a lossless copy at the model-input scale is made.
 */
export async function readImage(
  blob: Blob,
  decode: DecodeForLibrary,
  { hash, needsCopy }: { hash?: string; needsCopy: boolean },
): Promise<ReadImage> {
  const [digest, decoded] = await Promise.all([hash ?? contentHash(blob), decode(blob)]);
  const { canvas, pixels, width, height, notes } = decoded;
  const [thumbnail, copy] = await Promise.all([
    scaled(canvas, THUMBNAIL_SIZE, 'long').convertToBlob({ type: 'image/webp', quality: 0.8 }),
    // Chromium's WebP encoder is lossless at quality 1.
    needsCopy ? scaled(canvas, COPY_SHORT_SIDE, 'short').convertToBlob({ type: 'image/webp', quality: 1 }) : null,
  ]);
  return { contentHash: digest, pixels, width, height, notes, thumbnail, copy };
}
