/** Test images made fresh in each run: solid colours in the formats browsers decode. */
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
