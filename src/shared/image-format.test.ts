import { describe, expect, it } from 'vitest';
import {
  MAX_DECODE_PIXELS,
  headerSize,
  mayBeAnimated,
  sniffFormat,
  storedSize,
  tooLargeToDecode,
  type ImageFormat,
} from './image-format.ts';

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('image format', () => {
  it('knows formats by their first bytes, HEIC included', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff]))).toBe('jpeg');
    expect(sniffFormat(bytes('\x89PNG\r\n\x1a\n'))).toBe('png');
    expect(sniffFormat(bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]))).toBe('heic');
    expect(sniffFormat(bytes([0, 0, 0, 24], 'ftypavif'))).toBe('avif');
    expect(sniffFormat(bytes('<?xml version="1.0"?><svg xmlns="x">'))).toBe('svg');
    expect(sniffFormat(bytes('hello'))).toBe('unknown');
  });

  it('reads PNG, GIF and JPEG sizes from the header', () => {
    const png = bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR', [0, 0, 0x3a, 0x98, 0, 0, 0x27, 0x10]);
    expect(headerSize(png, 'png')).toEqual({ width: 15000, height: 10000 });
    const gif = bytes('GIF89a', [0x10, 0, 0x20, 0]);
    expect(headerSize(gif, 'gif')).toEqual({ width: 16, height: 32 });
    // SOI, an APP0 of 16 bytes, then SOF0 with height 100 and width 200.
    const jpeg = bytes(
      [0xff, 0xd8, 0xff, 0xe0, 0, 16],
      new Array<number>(14).fill(0),
      [0xff, 0xc0, 0, 17, 8, 0, 100, 0, 200, 3],
    );
    expect(headerSize(jpeg, 'jpeg')).toEqual({ width: 200, height: 100 });
  });

  it('reads only animated-capable headers as possibly animated', () => {
    expect(mayBeAnimated(bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 8], 'acTL'), 'png')).toBe(true);
    expect(mayBeAnimated(bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR'), 'png')).toBe(false);
    expect(mayBeAnimated(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [0, 0, 0, 0, 0x02]), 'webp')).toBe(true);
    expect(mayBeAnimated(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'webp')).toBe(false);
    expect(mayBeAnimated(bytes('GIF89a'), 'gif')).toBe(true);
    expect(mayBeAnimated(bytes([0xff, 0xd8]), 'jpeg')).toBe(false);
  });

  describe('stored size read past the first 64 KB', () => {
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
    const box = (type: string, ...content: Uint8Array[]) => {
      const length = 8 + content.reduce((sum, part) => sum + part.length, 0);
      return bytes(u32(length), type, ...content.map((part) => [...part]));
    };
    const fullBox = (type: string, ...content: Uint8Array[]) => box(type, bytes([0, 0, 0, 0]), ...content);
    const ispe = (width: number, height: number) => fullBox('ispe', bytes(u32(width), u32(height)));

    /** Reads `file` as the decoder does: its first 64 KB, then ranges on demand (counted). */
    async function sizeOf(file: Uint8Array, format: ImageFormat) {
      const reads: [number, number][] = [];
      const size = await storedSize(
        file.subarray(0, 64 * 1024),
        format,
        async (start, end) => {
          reads.push([start, end]);
          return file.subarray(start, end);
        },
        file.length,
      );
      return { size, reads };
    }

    it('finds a JPEG frame header behind 200 KB of EXIF, ICC and XMP blocks, reading only segment headers', async () => {
      const segment = (marker: number, length: number) => [
        0xff,
        marker,
        (length >> 8) & 255,
        length & 255,
        ...new Array<number>(length - 2).fill(0x41),
      ];
      const jpeg = bytes(
        [0xff, 0xd8],
        segment(0xe1, 65000), // EXIF
        segment(0xe2, 65000), // ICC, first part
        segment(0xe2, 65000), // ICC, second part
        segment(0xe1, 20000), // XMP
        [0xff, 0xff], // fill byte
        [0xff, 0xc2, 0, 17, 8, 0x27, 0x10, 0x3a, 0x98, 3],
        new Array<number>(8).fill(0),
      );
      expect(headerSize(jpeg.subarray(0, 64 * 1024), 'jpeg')).toBeNull();
      const { size, reads } = await sizeOf(jpeg, 'jpeg');
      expect(size).toEqual({ width: 15000, height: 10000 });
      expect(reads.every(([start, end]) => end - start <= 10)).toBe(true);
      expect(reads.length).toBeLessThan(8);
    });

    it('stops at scan data or the end of a JPEG without a frame header', async () => {
      expect((await sizeOf(bytes([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0]), 'jpeg')).size).toBeNull();
      expect((await sizeOf(bytes([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), 'jpeg')).size).toBeNull();
    });

    it('reads an AVIF’s largest image extent from its item properties', async () => {
      const avif = bytes(
        [...box('ftyp', bytes('avif', [0, 0, 0, 0], 'mif1avif'))],
        [
          ...fullBox(
            'meta',
            fullBox('hdlr', bytes([0, 0, 0, 0], 'pict', new Array<number>(13).fill(0))),
            box('iprp', box('ipco', ispe(512, 512), box('pixi', bytes([0, 0, 0, 0, 3, 8, 8, 8])), ispe(12000, 9000))),
          ),
        ],
        [...box('mdat', bytes(new Array<number>(100).fill(0)))],
      );
      expect(sniffFormat(avif)).toBe('avif');
      expect((await sizeOf(avif, 'avif')).size).toEqual({ width: 12000, height: 9000 });
    });

    it('reads an AVIF whose metadata lies past the first 64 KB', async () => {
      const avif = bytes(
        [...box('ftyp', bytes('avif', [0, 0, 0, 0], 'mif1avif'))],
        [...box('free', bytes(new Array<number>(70_000).fill(0)))],
        [...fullBox('meta', box('iprp', box('ipco', ispe(6000, 4000))))],
      );
      expect((await sizeOf(avif, 'avif')).size).toEqual({ width: 6000, height: 4000 });
    });

    it('reads an ICO’s largest entry, a PNG entry from its own header', async () => {
      const png = bytes('\x89PNG\r\n\x1a\n', u32(13), 'IHDR', u32(4096), u32(3072), [8, 6, 0, 0, 0]);
      const directory = [
        ...[16, 16, 0, 0, 1, 0, 32, 0, ...le32(40), ...le32(6 + 32)],
        ...[0, 0, 0, 0, 1, 0, 32, 0, ...le32(png.length), ...le32(6 + 32 + 40)],
      ];
      const ico = bytes([0, 0, 1, 0, 2, 0], directory, new Array<number>(40).fill(0), [...png]);
      expect(sniffFormat(ico)).toBe('ico');
      expect((await sizeOf(ico, 'ico')).size).toEqual({ width: 4096, height: 3072 });
      // Without a PNG entry, the directory's sizes (0 means 256).
      const bmpOnly = bytes(
        [0, 0, 1, 0, 1, 0],
        [0, 0, 0, 0, 1, 0, 32, 0, ...le32(40), ...le32(22)],
        new Array<number>(40).fill(0),
      );
      expect((await sizeOf(bmpOnly, 'ico')).size).toEqual({ width: 256, height: 256 });
    });
  });

  describe('images refused before decoding (decompression bombs)', () => {
    const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const le16 = (n: number) => [n & 255, (n >>> 8) & 255];
    const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
    const le32 = (n: number) => [...le16(n & 0xffff), ...le16(n >>> 16)];
    const box = (type: string, ...content: number[][]) => {
      const body = content.flat();
      return [...u32(8 + body.length), ...[...type].map((c) => c.charCodeAt(0)), ...body];
    };
    const png = (width: number, height: number) =>
      bytes('\x89PNG\r\n\x1a\n', u32(13), 'IHDR', u32(width), u32(height), [8, 6, 0, 0, 0]);
    // Each format's header at 20000 × 20000 (400 megapixels), as its encoder writes it.
    const bombs: [ImageFormat, Uint8Array, { width: number; height: number }][] = [
      ['png', png(20000, 20000), { width: 20000, height: 20000 }],
      ['gif', bytes('GIF89a', le16(20000), le16(20000), [0, 0, 0]), { width: 20000, height: 20000 }],
      // BITMAPINFOHEADER; a negative height is a top-down bitmap.
      [
        'bmp',
        bytes('BM', le32(0), le32(0), le32(54), le32(40), le32(20000), le32(-20000 >>> 0), [1, 0, 24, 0]),
        { width: 20000, height: 20000 },
      ],
      // Extended WebP: 24-bit sizes minus one.
      [
        'webp',
        bytes('RIFF', le32(30), 'WEBPVP8X', le32(10), [0, 0, 0, 0], le24(19999), le24(19999), 'ALPH'),
        { width: 20000, height: 20000 },
      ],
      // Lossless WebP: 14-bit sizes minus one, at most 16384².
      [
        'webp',
        bytes('RIFF', le32(30), 'WEBPVP8L', le32(10), [0x2f], le32(16383 | (16383 << 14))),
        { width: 16384, height: 16384 },
      ],
      // Lossy WebP: the key frame's start code, then 14-bit sizes.
      [
        'webp',
        bytes('RIFF', le32(30), 'WEBPVP8 ', le32(10), [0, 0, 0, 0x9d, 0x01, 0x2a], le16(16383), le16(16383)),
        { width: 16383, height: 16383 },
      ],
      [
        'avif',
        bytes(
          box(
            'ftyp',
            [...'avif'].map((c) => c.charCodeAt(0)),
            [0, 0, 0, 0],
          ),
          box('meta', [0, 0, 0, 0], box('iprp', box('ipco', box('ispe', [0, 0, 0, 0], u32(20000), u32(20000))))),
        ),
        { width: 20000, height: 20000 },
      ],
      // An icon, and a cursor, with one PNG entry (the directory cannot say more than 256).
      [
        'ico',
        bytes([0, 0, 1, 0, 1, 0], [0, 0, 0, 0, 1, 0, 32, 0], le32(33), le32(22), [...png(20000, 20000)]),
        { width: 20000, height: 20000 },
      ],
      [
        'ico',
        bytes([0, 0, 2, 0, 1, 0], [0, 0, 0, 0, 1, 0, 32, 0], le32(33), le32(22), [...png(20000, 20000)]),
        { width: 20000, height: 20000 },
      ],
    ];

    it.each(bombs.map(([format, file, size], i) => [`${format} #${i}`, format, file, size] as const))(
      'reads the size of a %s bomb from its header and refuses it',
      async (_, format, file, size) => {
        expect(sniffFormat(file)).toBe(format);
        const read = async (start: number, end: number) => file.subarray(start, end);
        const stored = await storedSize(file, format, read, file.length);
        expect(stored).toEqual(size);
        expect(tooLargeToDecode(format, stored)).toBe(true);
      },
    );

    it('keeps JPEGs (decoded downscaled) and images up to the limit, and decodes what has no size', () => {
      expect(tooLargeToDecode('jpeg', { width: 20000, height: 20000 })).toBe(false);
      expect(tooLargeToDecode('png', { width: 10000, height: MAX_DECODE_PIXELS / 10000 })).toBe(false);
      expect(tooLargeToDecode('png', { width: 10000, height: MAX_DECODE_PIXELS / 10000 + 1 })).toBe(true);
      expect(tooLargeToDecode('webp', null)).toBe(false);
    });
  });
});
