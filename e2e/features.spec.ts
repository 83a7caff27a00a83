/**
 * Beyond classifying: text search and "more like this", "no match", sorting into folders (ZIP,
 * a real folder, XMP tags), learning from corrections, and where in a picture a label matches.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { FIXTURE_URL, expect, test, type ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage, type ImageFile } from './images.ts';
import { readZip } from './zip.ts';

async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return readFile(await file.path());
}

const results = (page: Page) => page.getByRole('list', { name: 'Search results' }).getByRole('listitem');

async function colourLibrary(app: ClassifierPage): Promise<ImageFile[]> {
  const images = [
    await solidImage('sunny', COLOURS.yellow),
    await solidImage('ocean', COLOURS.blue, 'jpeg'),
    await solidImage('grass', COLOURS.green, 'webp'),
    await solidImage('rose', COLOURS.red),
  ];
  await app.addImages(images);
  return images;
}

test('typing in "Search images" ranks the library by the text; clearing returns to the library; it works after a reload', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, yellow');
  await colourLibrary(app);
  await app.classifiedAll(4);
  const search = page.getByRole('searchbox', { name: 'Search images' });
  await search.fill('blue');
  await expect(results(page).first()).toContainText('ocean.jpg');
  await expect(results(page)).toHaveCount(4);
  await expect(results(page).first()).toContainText(/Strong match|Match/);
  await expect(app.cards()).toHaveCount(0);
  await search.fill('');
  await expect(page.getByRole('list', { name: 'Search results' })).toHaveCount(0);
  await expect(app.cards()).toHaveCount(4);

  await page.goto(FIXTURE_URL);
  await search.fill('green');
  await expect(results(page).first()).toContainText('grass.webp');
  await expect(results(page).last()).not.toContainText('grass.webp');
});

test('"More like this" ranks the library by likeness to one picture', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, yellow');
  await colourLibrary(app);
  await app.addImages([await solidImage('dusk', [40, 40, 200])]);
  await app.classifiedAll(5);
  await page.getByRole('button', { name: 'More like ocean.jpg' }).click();
  await expect(page.getByRole('heading', { name: 'Pictures like ocean.jpg' })).toBeVisible();
  await expect(results(page).nth(0)).toContainText('ocean.jpg');
  await expect(results(page).nth(1)).toContainText('dusk.png');
  await page.getByRole('button', { name: 'Back to the library' }).click();
  await expect(app.cards()).toHaveCount(5);
});

test('an image that fits none of the labels is "no match": a filter, a folder and an export value, with a cutoff that moves the count', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green');
  await app.addImages([
    await solidImage('rose', COLOURS.red),
    await solidImage('grass', COLOURS.green),
    await solidImage('ocean', COLOURS.blue),
  ]);
  await app.classifiedAll(3);
  const counts = page.getByText(/\d+ match · \d+ no match/);
  const slider = page.getByRole('slider', { name: 'No-match cutoff' });
  // By default the bar is a generic prompt ("a photo of a something."): every colour beats it here.
  await expect(counts).toHaveText('3 match · 0 no match');
  // Stricter: blue, far from both labels, no longer clears the bar; red and green, matched, do.
  await slider.fill('4');
  await expect(counts).toHaveText('2 match · 1 no match');
  await expect(page).toHaveURL(/cutoff=4/);
  await expect(page.getByRole('article', { name: 'ocean.png' })).toContainText('No match');
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'No match (1)' });
  await expect(app.cards()).toHaveCount(1);
  await expect(app.cards()).toHaveAccessibleName('ocean.png');
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'All images' });

  const json = await app.exportJson();
  const ocean = json.images.find((image) => image.file === 'ocean.png') as unknown as { match: boolean; label: null };
  expect(ocean).toMatchObject({ match: false, label: null });
  const zip = readZip(await download(page, 'Download as ZIP'));
  expect(zip.map((entry) => entry.name).sort()).toEqual(['green/grass.png', 'no match/ocean.png', 'red/rose.png']);

  // All the way right nothing matches, all the way left everything does; the cutoff stays with the link.
  await slider.fill('10');
  await expect(counts).toHaveText('0 match · 3 no match');
  await slider.fill('-10');
  await expect(counts).toHaveText('3 match · 0 no match');
  await page.reload();
  await expect(slider).toHaveValue('-10');
});

test('"Download as ZIP" holds every file, byte for byte, under {top label}/{file name}', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, yellow');
  const images = await colourLibrary(app);
  // Two files with one name (different pictures): the second gets a number in its folder.
  const again = await solidImage('rose', [250, 10, 10], 'png', { width: 40, height: 30 });
  await app.addImages([again]);
  await app.classifiedAll(5);
  const entries = readZip(await download(page, 'Download as ZIP'));
  expect(entries.map((entry) => entry.name).sort()).toEqual([
    'blue/ocean.jpg',
    'green/grass.webp',
    'red/rose (2).png',
    'red/rose.png',
    'yellow/sunny.png',
  ]);
  for (const image of images) {
    const entry = entries.find((e) => e.name.endsWith(`/${image.name}`));
    expect(entry?.data.equals(image.buffer), image.name).toBe(true);
  }
});

test('"Save into folders" writes copies into {label}/ folders of a picked folder, with a summary', async ({
  app,
  page,
}) => {
  // The picker is the one part of the File System Access API Playwright cannot drive: it answers
  // with a folder of the origin's private file system, which is then written for real.
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker(): Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
      async () => (await navigator.storage.getDirectory()).getDirectoryHandle('sorted', { create: true });
  });
  await app.openReady();
  await app.typeLabels('red, green, blue, yellow');
  const images = await colourLibrary(app);
  await app.classifiedAll(4);
  await page.getByRole('button', { name: 'Save into folders' }).click();
  await expect(page.getByText(/Saved 4 files into 4 folders in sorted/)).toBeVisible();
  const written = await page.evaluate(async () => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('sorted');
    const out: Record<string, number> = {};
    for await (const [folder, handle] of root as unknown as AsyncIterable<[string, FileSystemDirectoryHandle]>) {
      for await (const [name, file] of handle as unknown as AsyncIterable<[string, FileSystemFileHandle]>) {
        out[`${folder}/${name}`] = (await file.getFile()).size;
      }
    }
    return out;
  });
  expect(written).toEqual({
    'yellow/sunny.png': images[0].buffer.length,
    'blue/ocean.jpg': images[1].buffer.length,
    'green/grass.webp': images[2].buffer.length,
    'red/rose.png': images[3].buffer.length,
  });
});

test('tags export as XMP sidecars, one per file, with the label as a keyword', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, yellow');
  await colourLibrary(app);
  await app.classifiedAll(4);
  const entries = readZip(await download(page, 'Export tags (XMP)'));
  expect(entries.map((entry) => entry.name).sort()).toEqual([
    'grass.webp.xmp',
    'ocean.jpg.xmp',
    'rose.png.xmp',
    'sunny.png.xmp',
  ]);
  const rose = entries.find((entry) => entry.name === 'rose.png.xmp')?.data.toString('utf8') ?? '';
  expect(rose).toContain('<rdf:li>red</rdf:li>');
  expect(rose).toContain('<rdf:li>Zero-shot|red</rdf:li>');
});

test('a correction is learned, survives a reload, and is undone', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, tomato');
  await app.addImages([await solidImage('first-red', COLOURS.red), await solidImage('leaf', COLOURS.green)]);
  await app.expectTopLabel('first-red.png', 'red');
  await page.getByLabel('Correct label for first-red.png').selectOption('tomato');
  await expect(page.getByText('1 correction in use')).toBeVisible();
  await expect(page.getByRole('article', { name: 'first-red.png' })).toContainText('Corrected: tomato');
  // A new, near-identical red image leans to the correction; green is untouched.
  await app.addImages([await solidImage('second-red', [250, 4, 4])]);
  await app.expectTopLabel('second-red.png', 'tomato');
  await app.expectTopLabel('leaf.png', 'green');

  await page.goto(FIXTURE_URL);
  await expect(page.getByRole('article', { name: 'first-red.png' })).toContainText('Corrected: tomato');
  await app.expectTopLabel('second-red.png', 'tomato');
  const json = (await app.exportJson()) as unknown as { images: { file: string; corrected: string | null }[] };
  expect(json.images.find((image) => image.file === 'first-red.png')?.corrected).toBe('tomato');

  await page.getByLabel('Correct label for first-red.png').selectOption({ label: 'Undo correction' });
  await expect(page.getByText('No corrections in use')).toBeVisible();
  await app.expectTopLabel('second-red.png', 'red');

  await page.getByLabel('Correct label for leaf.png').selectOption('tomato');
  await page.getByLabel('Correct label for first-red.png').selectOption('tomato');
  await expect(page.getByText('2 corrections in use')).toBeVisible();
  await page.getByRole('button', { name: 'Forget corrections' }).click();
  await expect(page.getByText('No corrections in use')).toBeVisible();
  await app.expectTopLabel('leaf.png', 'green');
});

test('the heat map shows where a label matches: the red half of a half-red, half-white picture', async ({
  app,
  page,
}) => {
  const half = await sharp({ create: { width: 320, height: 160, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite([
      {
        input: await sharp({ create: { width: 160, height: 160, channels: 3, background: { r: 255, g: 0, b: 0 } } })
          .png()
          .toBuffer(),
        left: 0,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
  await app.openReady();
  // White is no label: red clearly tops, and the map says where in the picture it is.
  await app.typeLabels('red, green, blue');
  await app.addImages([{ name: 'half.png', mimeType: 'image/png', buffer: half }]);
  await app.classifiedAll(1);
  await page.getByRole('button', { name: 'Where does red match in half.png' }).click();
  const dialog = page.getByRole('dialog', { name: 'Where “red” matches in half.png' });
  await expect(dialog).toBeVisible();
  const map = dialog.getByRole('img', { name: /“red” matches most strongly/ });
  await expect(map).toBeVisible({ timeout: 60_000 });
  expect(Number(await map.getAttribute('data-hot-x'))).toBeLessThan(0.5);
  await expect(map).toHaveAccessibleName(/on the left|at the top left|at the bottom left/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
});
