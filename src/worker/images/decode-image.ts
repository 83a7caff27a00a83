/**
 * Decodes an image file off the main thread into the RGB(A) pixels transformers.js expects.
 * Memory stays bounded: its size is read from the header first; a huge JPEG is downscaled while it
 * is decoded (a 150-megapixel panorama never becomes a 600 MB bitmap), while any other format above
 * `MAX_DECODE_PIXELS` is refused (their decoders make the whole bitmap before any resize). EXIF
 * rotation is applied (the browser's default), transparency is shown on white, animations give their first frame.
 */
import type { ImageNote } from '../../shared/failures.ts';
import type { Pixels } from '../model/loaded-model.ts';
import { ImageDecodeError } from '../model/model-errors.ts';
import {
  MAX_DECODE_PIXELS,
  mayBeAnimated,
  sniffFormat,
  storedSize,
  tooLargeToDecode,
  type ImageFormat,
} from '../../shared/image-format.ts';

/** Decoded images are at most this many pixels (CLIP sees 224×224; this keeps detail for any processor). */
const MAX_PIXELS = 4_000_000;

export interface DecodedImage {
  /** RGBA. */
  pixels: Pixels;
  /** The pixels drawn on white, for thumbnails and kept copies. */
  canvas: OffscreenCanvas;
  /** The image's size as shown (after EXIF rotation), before any downscaling. */
  width: number;
  height: number;
  /** How the image was read, when worth saying. */
  notes: ImageNote[];
}

const FORMAT_NAMES: Partial<Record<ImageFormat, string>> = { heic: 'HEIC/HEIF', tiff: 'TIFF' };

/** Frames of a possibly animated image; the whole file is read only when its header allows animation. */
async function frameCount(blob: Blob, head: Uint8Array, format: ImageFormat): Promise<number> {
  if (typeof ImageDecoder === 'undefined' || !mayBeAnimated(head, format)) return 1;
  const decoder = new ImageDecoder({ data: await blob.arrayBuffer(), type: `image/${format}` });
  try {
    await decoder.tracks.ready;
    return decoder.tracks.selectedTrack?.frameCount ?? 1;
  } catch {
    return 1;
  } finally {
    decoder.close();
  }
}

export async function decodeImage(blob: Blob): Promise<DecodedImage> {
  if (blob.size === 0) throw new ImageDecodeError({ code: 'empty' }, '0 bytes');
  const head = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
  const format = sniffFormat(head);
  const unsupported = FORMAT_NAMES[format];
  if (unsupported) throw new ImageDecodeError({ code: 'unsupported-format', format: unsupported }, unsupported);
  const notes: ImageNote[] = [];
  // The stored size, read past the first 64 KB where the format needs it (a JPEG's EXIF/ICC blocks, an AVIF's properties, an ICO's PNG entries).
  const stored = await storedSize(
    head,
    format,
    async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
    blob.size,
  );
  if (stored && tooLargeToDecode(format, stored)) {
    const { width, height } = stored;
    throw new ImageDecodeError(
      { code: 'too-large', format: format.toUpperCase(), width, height, maxPixels: MAX_DECODE_PIXELS },
      `${width} × ${height} ${format} refused before decoding`,
    );
  }
  const scale = stored ? Math.min(1, Math.sqrt(MAX_PIXELS / (stored.width * stored.height))) : 1;
  let bitmap: ImageBitmap;
  try {
    bitmap =
      scale < 1 && stored
        ? await createImageBitmap(blob, {
            resizeWidth: Math.max(1, Math.round(stored.width * scale)),
            resizeHeight: Math.max(1, Math.round(stored.height * scale)),
            resizeQuality: 'medium',
          })
        : await createImageBitmap(blob);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw format === 'unknown'
      ? new ImageDecodeError({ code: 'not-an-image' }, detail)
      : new ImageDecodeError({ code: 'damaged', format: format.toUpperCase() }, detail);
  }
  try {
    // A downscaled decode of a rotated JPEG may swap width and height: keep the stored area's orientation.
    const shown =
      stored && scale < 1
        ? bitmap.width > bitmap.height === stored.width > stored.height
          ? stored
          : { width: stored.height, height: stored.width }
        : { width: bitmap.width, height: bitmap.height };
    if (scale < 1) notes.push({ kind: 'downscaled', width: shown.width, height: shown.height });
    // Guard against a header that lied: never draw more than the bound.
    const drawScale = Math.min(1, Math.sqrt(MAX_PIXELS / (bitmap.width * bitmap.height)));
    const width = Math.max(1, Math.round(bitmap.width * drawScale));
    const height = Math.max(1, Math.round(bitmap.height * drawScale));
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) {
      const detail = 'no 2D canvas is available to read the image';
      throw new ImageDecodeError({ code: 'failed', detail }, detail);
    }
    // Transparent areas read as the white they are shown on, not as black.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    if ((await frameCount(blob, head, format)) > 1) notes.push({ kind: 'animated' });
    return {
      pixels: { data: context.getImageData(0, 0, width, height).data, width, height, channels: 4 },
      canvas,
      width: shown.width,
      height: shown.height,
      notes,
    };
  } finally {
    bitmap.close();
  }
}
