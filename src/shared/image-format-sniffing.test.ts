/**
 * What a file is and how big it says it is, for the formats the first tests left out: TIFF in both
 * byte orders, WebP's three headers (VP8X with 24-bit sizes), and JPEG segments that are not frame
 * headers (DHT, JPG, DAC, restart markers) before the one that is.
 */
import { describe, expect, it } from 'vitest';
import { headerSize, sniffFormat, storedSize } from './image-format.ts';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
const le32 = (n: number) => [...le16(n), ...le16(n >>> 16)];

/** A segment with a length and filler content. */
const segment = (marker: number, length: number) => [
  0xff,
  marker,
  length >> 8,
  length & 255,
  ...Array(length - 2).fill(0),
];
/** A start-of-frame segment: precision 8, then height and width, big-endian. */
const frame = (marker: number, width: number, height: number) => [
  0xff,
  marker,
  0,
  17,
  8,
  height >> 8,
  height & 255,
  width >> 8,
  width & 255,
  3,
  ...Array(9).fill(0),
];

/** Reads the whole file as the decoder does, in ranges. */
const jpegSize = (file: Uint8Array) =>
  storedSize(file.subarray(0, 64 * 1024), 'jpeg', async (start, end) => file.subarray(start, end), file.length);

describe('TIFF', () => {
  it('is known in both byte orders, and only by its full magic number', () => {
    expect(sniffFormat(bytes('II*\0', le32(8)))).toBe('tiff');
    expect(sniffFormat(bytes('MM\0*', [0, 0, 0, 8]))).toBe('tiff');
    // Mixed byte orders are not TIFF.
    expect(sniffFormat(bytes('II\0*', le32(8)))).toBe('unknown');
    expect(sniffFormat(bytes('MM*\0', le32(8)))).toBe('unknown');
  });
});

describe('WebP', () => {
  const riff = (chunk: string, body: number[], after: number[] = []) =>
    bytes('RIFF', le32(4 + 8 + body.length + after.length), 'WEBP', chunk, le32(body.length), body, after);
  const imageChunk = [...'VP8L'].map((c) => c.charCodeAt(0)).concat(le32(0));

  it('is a RIFF file of the WEBP kind, not any RIFF file', () => {
    expect(sniffFormat(riff('VP8 ', Array(10).fill(0)))).toBe('webp');
    expect(sniffFormat(bytes('RIFF', le32(36), 'WAVEfmt '))).toBe('unknown');
  });

  it('reads an extended (VP8X) canvas as 24-bit sizes stored minus one', () => {
    // Flags, 3 reserved bytes, then width − 1 and height − 1 on 24 bits each: beyond 16 bits here. The
    // image's own chunk follows (the header is read 4 bytes at a time, so a file ending there says nothing).
    const vp8x = riff('VP8X', [0x10, 0, 0, 0, ...le24(70_000 - 1), ...le24(1 - 1)], imageChunk);
    expect(headerSize(vp8x, 'webp')).toEqual({ width: 70_000, height: 1 });
    const square = riff('VP8X', [0, 0, 0, 0, ...le24(16_383 - 1), ...le24(16_383 - 1)], imageChunk);
    expect(headerSize(square, 'webp')).toEqual({ width: 16_383, height: 16_383 });
  });

  it('reads a lossless (VP8L) size as two 14-bit fields stored minus one', () => {
    const width = 12_345;
    const height = 6_789;
    const packed = (width - 1) | ((height - 1) << 14);
    expect(headerSize(riff('VP8L', [0x2f, ...le32(packed)]), 'webp')).toEqual({ width, height });
  });

  it('reads a lossy (VP8) size after the frame tag and start code, without its scale bits', () => {
    // Frame tag (3 bytes), start code 9d 01 2a, then width and height on 14 bits (2 scale bits above).
    const body = [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(640 | (1 << 14)), ...le16(480 | (2 << 14))];
    expect(headerSize(riff('VP8 ', body), 'webp')).toEqual({ width: 640, height: 480 });
  });
});

describe('JPEG', () => {
  it('is known by its start-of-image marker alone', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(bytes([0xff, 0xd9, 0xff, 0xe0]))).toBe('unknown');
  });

  it('skips tables (DHT, DAC) and the reserved JPG marker, and reads the frame header after them', async () => {
    const jpeg = bytes(
      [0xff, 0xd8],
      segment(0xc4, 20), // DHT: a 0xCn marker that is no frame
      segment(0xcc, 6), // DAC
      segment(0xc8, 6), // JPG
      frame(0xc0, 1024, 768),
    );
    expect(headerSize(jpeg, 'jpeg')).toEqual({ width: 1024, height: 768 });
    expect(await jpegSize(jpeg)).toEqual({ width: 1024, height: 768 });
  });

  it('reads progressive, lossless and arithmetic-coded frame headers too', async () => {
    for (const marker of [0xc1, 0xc2, 0xc3, 0xc5, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]) {
      const jpeg = bytes([0xff, 0xd8], segment(0xe0, 16), frame(marker, 300, 200));
      expect(headerSize(jpeg, 'jpeg'), marker.toString(16)).toEqual({ width: 300, height: 200 });
      expect(await jpegSize(jpeg), marker.toString(16)).toEqual({ width: 300, height: 200 });
    }
  });

  it('steps over markers without a length (TEM, restarts) and a fill byte before the frame header', async () => {
    const jpeg = bytes([0xff, 0xd8], [0xff, 0x01], [0xff, 0xd0], [0xff, 0xd7], [0xff], frame(0xc2, 4000, 3000));
    expect(await jpegSize(jpeg)).toEqual({ width: 4000, height: 3000 });
  });

  it('says nothing rather than a wrong size when a segment is not where the lengths lead', async () => {
    // An APP0 whose length ends it early: the next "segment" starts with 0x12, not a marker. Read as a
    // segment anyway (or skipped byte by byte), it would lead to the frame header behind it.
    const broken = bytes([0xff, 0xd8], [0xff, 0xe0, 0, 8, 0, 0, 0, 0, 0, 0], [0x12, 0x34, 0, 2], frame(0xc0, 10, 10));
    expect(headerSize(broken, 'jpeg')).toBeNull();
    expect(await jpegSize(broken)).toBeNull();
  });
});
