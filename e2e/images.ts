/** Test images made fresh in each run: solid colours in the formats browsers decode, and photo-like scenes. */
import sharp from 'sharp';

export type Rgb = [number, number, number];
export type Format = 'png' | 'jpeg' | 'webp' | 'gif' | 'avif';

export interface ImageFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export const COLOURS: Record<string, Rgb> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  cyan: [0, 255, 255],
  magenta: [255, 0, 255],
  white: [255, 255, 255],
  black: [0, 0, 0],
};

const EXTENSION: Record<Format, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif', avif: 'avif' };

export async function solidImage(
  name: string,
  [r, g, b]: Rgb,
  format: Format = 'png',
  { width = 97, height = 61 } = {},
): Promise<ImageFile> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .toFormat(format)
    .toBuffer();
  return { name: `${name}.${EXTENSION[format]}`, mimeType: `image/${format}`, buffer };
}

/** A fast pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A photo-like JPEG (sensor noise, a soft vertical gradient) wider than high, whose middle `centre`
 * fraction of the width is one colour and whose left and right sides are another.
 */
export async function widePhoto(
  name: string,
  { width, height, centre, middle, sides }: { width: number; height: number; centre: number; middle: Rgb; sides: Rgb },
): Promise<ImageFile> {
  const next = random(Math.floor(Math.random() * 2 ** 31));
  const data = new Uint8ClampedArray(width * height * 3);
  const left = Math.round((width * (1 - centre)) / 2);
  for (let y = 0; y < height; y++) {
    const shade = 1 - (0.08 * y) / height;
    for (let x = 0; x < width; x++) {
      const rgb = x >= left && x < width - left ? middle : sides;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round(rgb[c] * shade + (next() - 0.5) * 24);
    }
  }
  const buffer = await sharp(Buffer.from(data.buffer), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
  return { name: `${name}.jpg`, mimeType: 'image/jpeg', buffer };
}
