/**
 * What an image file is, from its first bytes (its name and type can lie), and its stored
 * dimensions from the header, read without decoding (to bound the memory of a huge image).
 */

export type ImageFormat =
  'jpeg' | 'png' | 'gif' | 'webp' | 'avif' | 'heic' | 'bmp' | 'tiff' | 'svg' | 'ico' | 'unknown';

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length));

export function sniffFormat(bytes: Uint8Array): ImageFormat {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(brand)) return 'heic';
  }
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'tiff';
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0) return 'ico';
  if (/<svg[\s>]/i.test(new TextDecoder().decode(bytes.subarray(0, 1024)))) return 'svg';
  return 'unknown';
}

/** Width and height as stored (before any EXIF rotation), or null when the header does not say. */
export function headerSize(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (format) {
      case 'png':
        return { width: view.getUint32(16), height: view.getUint32(20) };
      case 'gif':
        return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
      case 'bmp':
        return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
      case 'webp': {
        const chunk = ascii(bytes, 12, 4);
        if (chunk === 'VP8X') {
          const w = 1 + (view.getUint32(24, true) & 0xffffff);
          const h = 1 + (view.getUint32(27, true) & 0xffffff);
          return { width: w, height: h };
        }
        if (chunk === 'VP8L') {
          const b = view.getUint32(21, true);
          return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
        }
        if (chunk === 'VP8 ')
          return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
        return null;
      }
      case 'jpeg': {
        let offset = 2;
        while (offset + 9 < bytes.length) {
          if (bytes[offset] !== 0xff) return null;
          const marker = bytes[offset + 1];
          // Start-of-frame markers (not DHT, JPG, DAC) carry the frame's size.
          if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
            return { width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) };
          }
          offset += 2 + view.getUint16(offset + 2);
        }
        return null;
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/**
 * Whether the header allows more than one frame: every GIF; a PNG with an `acTL` chunk (it must
 * come before the image data); a WebP whose VP8X header sets the animation flag; an AVIF sequence.
 */
export function mayBeAnimated(head: Uint8Array, format: ImageFormat): boolean {
  switch (format) {
    case 'gif':
      return true;
    case 'png':
      return new TextDecoder('latin1').decode(head).includes('acTL');
    case 'webp':
      return ascii(head, 12, 4) === 'VP8X' && (head[20] & 0x02) !== 0;
    case 'avif':
      return ascii(head, 8, 4) === 'avis';
    default:
      return false;
  }
}

/** Formats Chromium-based browsers decode, for messages. */
export const DECODABLE_FORMATS: readonly string[] = ['JPEG', 'PNG', 'WebP', 'AVIF', 'GIF', 'BMP', 'ICO', 'SVG'];
