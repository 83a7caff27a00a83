/**
 * Unusual and bad input: each file gets a correct result or a clear message naming it, and a
 * valid image added next still classifies correctly.
 */
import sharp from 'sharp';
import { FIXTURE_URL, expect, test, type ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage, widePhoto, type ImageFile, type Rgb } from './images.ts';

const LABELS = 'red, green, blue, yellow, cyan, magenta, white, black';

const solid = (width: number, height: number, [r, g, b]: Rgb) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } });

function file(name: string, mimeType: string, buffer: Buffer): ImageFile {
  return { name, mimeType, buffer };
}

/** Adds the unusual file, then a valid one, and checks the valid one still ranks right. */
async function thenValidImageStillWorks(app: ClassifierPage): Promise<void> {
  const valid = await solidImage('valid-after', COLOURS.magenta);
  await app.addImages([valid]);
  await app.expectTopLabel(valid.name, 'magenta');
}

async function expectMessage(app: ClassifierPage, image: ImageFile, message: RegExp): Promise<void> {
  const card = app.page.getByRole('article', { name: image.name });
  await expect(card.getByRole('alert')).toContainText(image.name);
  await expect(card.getByRole('alert')).toContainText(message);
}

const messageCases: { what: string; make: () => Promise<ImageFile>; message: RegExp }[] = [
  {
    what: 'a file that is not an image',
    make: async () => file('notes.jpg', 'image/jpeg', Buffer.from('just some text, not a picture '.repeat(20))),
    message: /not an image this browser can read.*formats that work: JPEG, PNG/,
  },
  {
    what: 'a truncated PNG',
    make: async () => {
      const png = await solid(300, 200, COLOURS.green).png({ compressionLevel: 0 }).toBuffer();
      return file('cut-off.png', 'image/png', png.subarray(0, Math.floor(png.length / 3)));
    },
    message: /PNG data is damaged or incomplete/,
  },
  {
    what: 'a corrupt JPEG',
    make: async () => {
      const jpeg = await solid(64, 64, COLOURS.blue).jpeg().toBuffer();
      const broken = Buffer.concat([jpeg.subarray(0, 2), Buffer.alloc(200, 0x5a)]);
      return file('broken.jpg', 'image/jpeg', broken);
    },
    message: /JPEG data is damaged or incomplete/,
  },
  {
    what: 'an empty file',
    make: async () => file('empty.png', 'image/png', Buffer.alloc(0)),
    message: /empty \(0 bytes\)/,
  },
  {
    // Chromium decodes an ICO's PNG entry only at the directory's size (at most 256 px): one that
    // claims more is refused, so an icon never becomes a large bitmap.
    what: 'an ICO whose PNG entry is larger than its directory says',
    make: async () => {
      const png = await solid(3000, 3000, COLOURS.magenta).png().toBuffer();
      const header = Buffer.from([0, 0, 1, 0, 1, 0]);
      const entry = Buffer.alloc(16);
      entry.writeUInt16LE(1, 4); // colour planes
      entry.writeUInt16LE(32, 6); // bits per pixel
      entry.writeUInt32LE(png.length, 8);
      entry.writeUInt32LE(header.length + entry.length, 12);
      return file('huge.ico', 'image/x-icon', Buffer.concat([header, entry, png]));
    },
    message: /ICO data is damaged or incomplete/,
  },
  {
    what: 'a HEIC photo',
    make: async () =>
      file(
        'IMG_0001.HEIC',
        'image/heic',
        Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic'), Buffer.alloc(500, 7)]),
      ),
    message: /HEIC\/HEIF image, which this browser cannot decode.*JPEG, PNG, WebP, AVIF/,
  },
];

for (const { what, make, message } of messageCases) {
  test(`${what} gets a message naming it; the next image still classifies`, async ({ app }) => {
    const image = await make();
    await app.openReady();
    await app.typeLabels(LABELS);
    await app.addImages([image]);
    await expectMessage(app, image, message);
    await thenValidImageStillWorks(app);
  });
}

const resultCases: { what: string; make: () => Promise<ImageFile>; top: string; size?: string; note?: RegExp }[] = [
  {
    what: 'an SVG',
    make: async () =>
      file(
        'drawing.svg',
        'image/svg+xml',
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40" fill="#0000d0"/></svg>',
        ),
      ),
    top: 'blue',
  },
  {
    what: 'an animated GIF',
    make: async () => {
      const frames = [
        await solid(40, 30, COLOURS.red).png().toBuffer(),
        await solid(40, 30, COLOURS.blue).png().toBuffer(),
      ];
      return file(
        'blink.gif',
        'image/gif',
        await sharp(frames, { join: { animated: true } })
          .gif({ delay: [200, 200] })
          .toBuffer(),
      );
    },
    top: 'red',
    note: /Animated image: classified from its first frame/,
  },
  {
    what: 'an animated WebP',
    make: async () => {
      const frames = [
        await solid(40, 30, COLOURS.green).png().toBuffer(),
        await solid(40, 30, COLOURS.red).png().toBuffer(),
      ];
      return file(
        'blink.webp',
        'image/webp',
        await sharp(frames, { join: { animated: true } })
          .webp({ delay: [200, 200] })
          .toBuffer(),
      );
    },
    top: 'green',
    note: /Animated image: classified from its first frame/,
  },
  {
    what: 'a 150-megapixel panorama',
    make: async () =>
      file(
        'panorama.jpg',
        'image/jpeg',
        await solid(15000, 10000, [0, 200, 200])
          .jpeg({ quality: 60, mozjpeg: false, trellisQuantisation: false })
          .toBuffer(),
      ),
    top: 'cyan',
    size: '15000 × 10000 px',
    note: /downscaled while decoding/,
  },
  {
    // Cameras and editors put EXIF, ICC profiles and XMP before the frame header: 200 KB of them
    // here, so the size is found only by walking the segments past the first 64 KB.
    what: 'a 6-megapixel JPEG whose frame header lies behind 200 KB of metadata',
    make: async () => {
      const jpeg = await solid(3000, 2000, [0, 200, 200]).jpeg({ quality: 60 }).toBuffer();
      const segment = (marker: number, text: string) => {
        const body = Buffer.from(text.padEnd(65000, ' '), 'latin1');
        return Buffer.concat([Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
      };
      const xmp = 'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>';
      const blocks = [segment(0xe1, xmp), segment(0xfe, 'comment'), segment(0xfe, 'comment'), segment(0xfe, 'c')];
      return file('big-metadata.jpg', 'image/jpeg', Buffer.concat([jpeg.subarray(0, 2), ...blocks, jpeg.subarray(2)]));
    },
    top: 'cyan',
    size: '3000 × 2000 px',
    note: /downscaled while decoding/,
  },
  {
    what: 'a 6-megapixel AVIF (its size read from the item properties)',
    make: async () =>
      file(
        'big.avif',
        'image/avif',
        await solid(3000, 2000, [0, 200, 200]).avif({ quality: 30, effort: 0 }).toBuffer(),
      ),
    top: 'cyan',
    size: '3000 × 2000 px',
    note: /downscaled while decoding/,
  },
  {
    what: 'an EXIF-rotated JPEG',
    make: async () =>
      file(
        'rotated.jpg',
        'image/jpeg',
        await solid(200, 100, COLOURS.yellow).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
      ),
    top: 'yellow',
    // Stored 200 × 100, shown (and classified) upright: 100 wide, 200 high.
    size: '100 × 200 px',
  },
  {
    // 30%-opaque blue inside a fully transparent border. Drawn on white (as the page shows it) it
    // reads as a pale blue, white first; read on black it would be a dark blue, black first; read
    // without its alpha, plain blue.
    what: 'a half-transparent PNG (read as drawn on white)',
    make: async () => {
      const shape = await sharp({
        create: { width: 100, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
      })
        .composite([
          {
            input: await sharp({
              create: { width: 90, height: 90, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.3 } },
            })
              .png()
              .toBuffer(),
            left: 5,
            top: 5,
          },
        ])
        .png()
        .toBuffer();
      return file('logo.png', 'image/png', shape);
    },
    top: 'white',
  },
  {
    what: 'a CMYK JPEG',
    make: async () =>
      file('print.jpg', 'image/jpeg', await solid(80, 60, COLOURS.red).toColourspace('cmyk').jpeg().toBuffer()),
    // Red survives the trip through CMYK (sRGB cyan is outside a press's gamut and comes back pale).
    top: 'red',
  },
  {
    what: 'a 16-bit PNG',
    make: async () =>
      file('deep.png', 'image/png', await solid(80, 60, COLOURS.yellow).toColourspace('rgb16').png().toBuffer()),
    top: 'yellow',
  },
  {
    what: 'a 1×1 image',
    make: async () => file('dot.png', 'image/png', await solid(1, 1, COLOURS.green).png().toBuffer()),
    top: 'green',
    size: '1 × 1 px',
  },
];

for (const { what, make, top, size, note } of resultCases) {
  test(`${what} is classified correctly; the next image still classifies`, async ({ app }) => {
    const image = await make();
    await app.openReady();
    await app.typeLabels(LABELS);
    await app.addImages([image]);
    await app.expectTopLabel(image.name, top);
    const card = app.page.getByRole('article', { name: image.name });
    if (size) await expect(card.locator('.card-size')).toHaveText(size);
    if (note) await expect(card.locator('.card-note')).toContainText(note);
    await thenValidImageStillWorks(app);
  });
}

test('a wide photo is classified from its centre crop, as CLIP’s image processor does; squashed, its sides would win', async ({
  app,
}) => {
  // 4:1, its middle quarter (what the centre crop keeps) red, its sides blue.
  const photo = await widePhoto('panorama-red-middle', {
    width: 960,
    height: 240,
    centre: 1 / 4,
    middle: [220, 30, 40],
    sides: [30, 60, 210],
  });
  const squashed = file(
    'squashed.png',
    'image/png',
    await sharp(photo.buffer).resize(224, 224, { fit: 'fill' }).png().toBuffer(),
  );
  await app.openReady();
  await app.typeLabels(LABELS);
  await app.addImages([photo, squashed]);
  await app.expectTopLabel(photo.name, 'red');
  await app.expectTopLabel(squashed.name, 'blue');
  await expect(app.page.getByRole('article', { name: photo.name }).locator('.card-size')).toHaveText('960 × 240 px');
});

test('with a core left beside ONNX Runtime (threads=1), pictures are read in a worker of their own: a damaged file keeps its message and the rest classify', async ({
  app,
  page,
}) => {
  const damaged = await messageCases[1].make();
  const colours = [COLOURS.red, COLOURS.green, COLOURS.blue] as const;
  const solids = await Promise.all(colours.map((rgb, i) => solidImage(`reader-${i}-${Date.now()}`, rgb, 'png')));
  await app.openReady(`${FIXTURE_URL}&device=wasm&threads=1`);
  await app.typeLabels(LABELS);
  await app.addImages([damaged, ...solids]);
  await expectMessage(app, damaged, /PNG data is damaged or incomplete/);
  for (const [i, image] of solids.entries()) {
    await expect(app.scores(image.name).first()).toHaveText(new RegExp(`^${['red', 'green', 'blue'][i]} `));
  }
  // The classifier worker started the reader (a worker of its own, seen by the browser as the page's).
  await expect.poll(() => page.workers().some((worker) => worker.url().includes('image-reader'))).toBe(true);
});
