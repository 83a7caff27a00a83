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
  // An icon (type 1) or a cursor (type 2): Chromium decodes both, PNG entries of any size included.
  if (bytes[0] === 0 && bytes[1] === 0 && (bytes[2] === 1 || bytes[2] === 2) && bytes[3] === 0) return 'ico';
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

/** Bytes `start` to `end` (exclusive) of the file; fewer at its end. */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

type Size = { width: number; height: number };

/** How far into a file its size is looked for: past any EXIF, ICC or XMP block a camera writes. */
const SIZE_SCAN_LIMIT = 16 * 1024 * 1024;

/** `length` bytes at `offset`: from the head already read when they are in it, else from the file. */
async function bytesAt(head: Uint8Array, read: ReadBytes, offset: number, length: number): Promise<Uint8Array> {
  return offset + length <= head.length ? head.subarray(offset, offset + length) : read(offset, offset + length);
}

/**
 * A JPEG's size from its start-of-frame marker, walking the segments before it wherever they
 * lie: EXIF, ICC profiles (often split over several APP2 segments) and XMP can push the frame
 * header far past the first 64 KB.
 */
async function jpegSize(head: Uint8Array, read: ReadBytes): Promise<Size | null> {
  let offset = 2;
  for (let segments = 0; segments < 4096 && offset < SIZE_SCAN_LIMIT; segments++) {
    const header = await bytesAt(head, read, offset, 10);
    if (header.length < 4 || header[0] !== 0xff) return null;
    const marker = header[1];
    // Fill bytes (0xFF 0xFF…) may pad before a marker.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    // Markers without a length: TEM and RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    // Start-of-frame markers (not DHT, JPG, DAC) carry the frame's size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return header.length >= 9 ? { width: view.getUint16(7), height: view.getUint16(5) } : null;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // End of image, or scan data before any frame header.
    offset += 2 + view.getUint16(2);
  }
  return null;
}

/** The ISOBMFF boxes in `data`: type, and where each box's content starts and ends. */
function boxes(data: Uint8Array, start = 0, end = data.length): { type: string; from: number; to: number }[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: { type: string; from: number; to: number }[] = [];
  let offset = start;
  while (offset + 8 <= end && out.length < 1024) {
    let size = view.getUint32(offset);
    const type = ascii(data, offset + 4, 4);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header) break;
    out.push({ type, from: offset + header, to: Math.min(end, offset + size) });
    offset += size;
  }
  return out;
}

/**
 * An AVIF's size: the largest image spatial extent (`ispe`) among its item properties
 * (`meta` → `iprp` → `ipco`). A grid's own extent is the whole image; its tiles' are smaller.
 */
async function avifSize(head: Uint8Array, read: ReadBytes, fileSize: number): Promise<Size | null> {
  // Top-level boxes: ftyp, meta, mdat… `meta` comes before the image data in practice.
  let offset = 0;
  for (let count = 0; count < 64 && offset + 16 <= Math.min(fileSize, SIZE_SCAN_LIMIT); count++) {
    const header = await bytesAt(head, read, offset, 16);
    const [box] = boxes(header, 0, header.length);
    if (!box) return null;
    const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
    const declared = view.getUint32(0);
    const size = declared === 1 ? Number(view.getBigUint64(8)) : declared === 0 ? fileSize - offset : declared;
    if (box.type === 'meta') {
      if (size > 4 * 1024 * 1024) return null;
      const meta = await bytesAt(head, read, offset, size);
      // `meta` is a full box: 4 bytes of version and flags before its children.
      const [metaBox] = boxes(meta, 0, meta.length);
      const iprp = boxes(meta, metaBox.from + 4, metaBox.to).find((b) => b.type === 'iprp');
      const ipco = iprp && boxes(meta, iprp.from, iprp.to).find((b) => b.type === 'ipco');
      if (!ipco) return null;
      const metaView = new DataView(meta.buffer, meta.byteOffset, meta.byteLength);
      let best: Size | null = null;
      for (const property of boxes(meta, ipco.from, ipco.to)) {
        if (property.type !== 'ispe' || property.from + 12 > property.to) continue;
        const width = metaView.getUint32(property.from + 4);
        const height = metaView.getUint32(property.from + 8);
        if (!best || width * height > best.width * best.height) best = { width, height };
      }
      return best;
    }
    if (size < 8) return null;
    offset += size;
  }
  return null;
}

/**
 * An ICO's largest image (the one browsers decode): each directory entry says 1–256 px, but an
 * entry holding a PNG can be any size, so PNG entries are read from their own header.
 */
async function icoSize(head: Uint8Array, read: ReadBytes): Promise<Size | null> {
  if (head.length < 6) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = Math.min(view.getUint16(4, true), 256);
  const directory = await bytesAt(head, read, 6, count * 16);
  const entries = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  let best: Size | null = null;
  for (let i = 0; i < count && (i + 1) * 16 <= directory.length; i++) {
    let width = directory[i * 16] || 256;
    let height = directory[i * 16 + 1] || 256;
    const imageOffset = entries.getUint32(i * 16 + 12, true);
    const image = await bytesAt(head, read, imageOffset, 24);
    if (image.length >= 24 && ascii(image, 0, 8) === '\x89PNG\r\n\x1a\n') {
      const png = new DataView(image.buffer, image.byteOffset, image.byteLength);
      width = png.getUint32(16);
      height = png.getUint32(20);
    }
    if (!best || width * height > best.width * best.height) best = { width, height };
  }
  return best;
}

/**
 * Width and height as stored, reading past the first bytes where the format needs it (a JPEG's
 * metadata blocks, an AVIF's item properties, an ICO's PNG entries); null when the file does not say.
 */
export async function storedSize(
  head: Uint8Array,
  format: ImageFormat,
  read: ReadBytes,
  fileSize: number,
): Promise<Size | null> {
  try {
    switch (format) {
      case 'jpeg':
        return await jpegSize(head, read);
      case 'avif':
        return await avifSize(head, read, fileSize);
      case 'ico':
        return await icoSize(head, read);
      default:
        return headerSize(head, format);
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

/**
 * Above this many pixels an image that is not a JPEG is refused before it is decoded: only
 * Chromium's JPEG decoder downscales while decoding, every other format becomes a full bitmap
 * first (a 63 KB PNG of 23000² took the renderer to 2.8 GB).
 */
export const MAX_DECODE_PIXELS = 100_000_000;

/** Whether an image of this format and stored size would be decoded whole above `MAX_DECODE_PIXELS`. */
export function tooLargeToDecode(format: ImageFormat, size: Size | null): boolean {
  return format !== 'jpeg' && size !== null && size.width * size.height > MAX_DECODE_PIXELS;
}
