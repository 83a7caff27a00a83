/** Ways in (paste, image URLs), results out (CSV, JSON), shareable links, long label lists. */
import { readFile } from 'node:fs/promises';
import { FIXTURE_URL, STATIC_ORIGIN, expect, test } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

test('an image pasted anywhere on the page is classified', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  const image = await solidImage('clipboard', COLOURS.green);
  await page.evaluate(
    ({ base64, type }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'image.png', { type }));
      document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    },
    { base64: image.buffer.toString('base64'), type: image.mimeType },
  );
  await app.expectTopLabel('pasted image 1.png', 'green');
});

test('an image URL is fetched with CORS; a site that forbids it gets a clear message', async ({ app, page }) => {
  const image = await solidImage('remote', COLOURS.blue);
  await page.route('https://images.example/**', (route) =>
    route.fulfill({ body: image.buffer, contentType: 'image/png', headers: { 'Access-Control-Allow-Origin': '*' } }),
  );
  await app.openReady();
  await app.typeLabels('red, green, blue');
  const url = page.getByLabel('Image URL');
  // A real cross-origin server that sends no Access-Control-Allow-Origin: the browser refuses.
  await url.fill(`${STATIC_ORIGIN}/icons/icon-192.png`);
  await page.getByRole('button', { name: 'Add from URL' }).click();
  await expect(page.getByText(/did not allow this page to download the image/)).toBeVisible();
  await expect(app.cards()).toHaveCount(0);

  await url.fill('https://images.example/photos/sea.png');
  await page.getByRole('button', { name: 'Add from URL' }).click();
  await app.expectTopLabel('sea.png', 'blue');
});

test('results export as CSV and JSON, and the link reproduces labels, template and model', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, "navy, dark"');
  await page.getByLabel('Prompt template').fill('a picture of {}');
  const images = [await solidImage('a', COLOURS.red), await solidImage('b', COLOURS.green)];
  await app.addImages(images);
  await app.expectTopLabel('a.png', 'red');
  await app.expectTopLabel('b.png', 'green');

  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const lines = (await readFile(await csv.path(), 'utf8')).trim().split(/\r\n/);
  expect(lines[0]).toBe('file,label,score,rank,model,precision,backend,template,scoring');
  expect(lines).toHaveLength(1 + 2 * 3);
  expect(lines[1]).toMatch(/^a\.png,red,0\.\d+,1,fixtures\/clip-colors,q8,WASM,a picture of \{\},softmax/);
  expect(lines.some((line) => line.startsWith('b.png,"navy, dark",'))).toBe(true);

  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const data = JSON.parse(await readFile(await json.path(), 'utf8')) as {
    model: string;
    template: string;
    images: { file: string; scores: { label: string; score: number }[] }[];
  };
  expect(data.model).toBe('fixtures/clip-colors');
  expect(data.template).toBe('a picture of {}');
  expect(data.images.map((i) => i.file)).toEqual(['a.png', 'b.png']);
  expect(data.images[1].scores[0].label).toBe('green');

  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByLabel('Candidate labels')).toHaveValue('red, green, "navy, dark"');
  await expect(other.getByLabel('Prompt template')).toHaveValue('a picture of {}');
  await expect(other.getByRole('status')).toContainText('Model ready: fixtures/clip-colors');
});

test('hundreds of labels: each card shows the top entries, and “Show all” the rest', async ({ app, page }) => {
  await app.open(FIXTURE_URL);
  const labels = ['red', ...Array.from({ length: 299 }, (_, i) => `thing ${i + 1}`)];
  await app.typeLabels(labels.join(', '));
  await expect(app.status).toContainText('Model ready');
  const image = await solidImage('many', COLOURS.red);
  await app.addImages([image]);
  await expect(app.scores(image.name)).toHaveCount(10);
  await app.expectTopLabel(image.name, 'red');
  await page.getByRole('button', { name: 'Show all 300 labels' }).click();
  await expect(app.scores(image.name)).toHaveCount(300);
});

test('a camera snapshot is classified like any image', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, white, black');
  await page.getByRole('button', { name: 'Take a photo' }).click();
  const preview = page.getByLabel('Camera preview');
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth)).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Capture' }).click();
  await expect(app.scores('camera photo 1.png')).toHaveCount(5);
  await page.getByRole('button', { name: 'Close camera' }).click();
  await expect(preview).toHaveCount(0);
});

test('the table view lists every image × label and sorts by any label', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([
    await solidImage('a-green', COLOURS.green),
    await solidImage('b-red', COLOURS.red),
    await solidImage('c-blue', COLOURS.blue),
  ]);
  await app.expectTopLabel('c-blue.png', 'blue');
  await page.getByRole('button', { name: 'Table' }).click();
  const table = page.getByRole('table');
  const rowNames = () => table.getByRole('rowheader').allTextContents();
  await expect.poll(rowNames).toEqual(['a-green.png', 'b-red.png', 'c-blue.png']);
  await page.getByRole('button', { name: 'Sort by red' }).click();
  await expect(page.getByRole('columnheader', { name: 'Sort by red' })).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await rowNames())[0]).toBe('b-red.png');
  await page.getByRole('button', { name: 'Sort by blue' }).click();
  await expect.poll(async () => (await rowNames())[0]).toBe('c-blue.png');
  await expect(table.getByRole('row')).toHaveCount(4);
});
