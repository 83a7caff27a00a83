import { describe, expect, it } from 'vitest';
import { headerSize, mayBeAnimated, sniffFormat } from './image-format.ts';

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
});
