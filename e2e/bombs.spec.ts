/**
 * Decompression bombs, crash loops and oversized labels: a 20000² PNG is refused from its header
 * (an alert naming it) while the rest of its drop classifies; an image that was being read when
 * the tab crashed is failed on the next visit instead of crashing it again; a label or a template
 * over 300 characters is left out with a message, and a pasted megabyte does not freeze the page.
 */
import type { Page } from '@playwright/test';
import { crc32, createDeflate } from 'node:zlib';
import { COLOURS, solidImage, type ImageFile } from './images.ts';
import { expect, test } from './fixtures.ts';
import { busiestRenderer, peakResidentBytes, rendererCpu } from '../bench/renderer-processes.ts';

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A real black RGB PNG of `width` × `height`: every row a filter byte and zeros, deflated as a
 * stream (20000² is 1.2 GB of pixels in a file of about 1.2 MB).
 */
async function blackPng(name: string, width: number, height: number): Promise<ImageFile> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, adaptive filters, no interlace.
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  const rows = Buffer.alloc((width * 3 + 1) * 64); // 64 rows at a time.
  for (let y = 0; y < height; y += 64) {
    const count = Math.min(64, height - y);
    if (!deflate.write(rows.subarray(0, (width * 3 + 1) * count)))
      await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  const buffer = Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer };
}

test('a PNG of 20000 × 20000 pixels gets an alert naming it; the other images of the same drop classify', async ({
  app,
  page,
  browser,
}, testInfo) => {
  const bomb = await blackPng('bomb.png', 20000, 20000);
  expect(bomb.buffer.length).toBeLessThan(2_000_000);
  await app.openReady();
  await app.typeLabels('red, green, blue');
  const cpuBefore = await rendererCpu(browser);
  const started = Date.now();
  await app.addImages([
    await solidImage('first', COLOURS.red),
    bomb,
    await solidImage('second', COLOURS.blue),
    await solidImage('third', COLOURS.green),
  ]);
  const alert = page.getByRole('alert').filter({ hasText: 'bomb.png' });
  await expect(alert).toContainText("bomb.png couldn't be read");
  await expect(alert).toContainText('20000 × 20000 pixels (400 megapixels)');
  await expect(alert).toContainText('up to 100 megapixels');
  const refusedMs = Date.now() - started;
  await app.expectTopLabel('first.png', 'red');
  await app.expectTopLabel('second.png', 'blue');
  await app.expectTopLabel('third.png', 'green');
  await expect(app.scores('bomb.png')).toHaveCount(0);
  // What refusing cost: the page's renderer's peak memory (before: 2.8 GB and 14 s for a 23000² PNG).
  const renderer = busiestRenderer(cpuBefore, await rendererCpu(browser));
  const peak = renderer === undefined ? Number.NaN : peakResidentBytes(renderer);
  testInfo.annotations.push({
    type: 'measured',
    description: `refused in ${refusedMs} ms; renderer peak ${Math.round(peak / 2 ** 20)} MiB`,
  });
  expect(peak).toBeLessThan(1024 * 2 ** 20);
});

/** Whether the library holds a record marked as being read (see src/worker/library/reading-marks.ts). */
function markedAsReading(page: Page, name: string): Promise<boolean> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zero-shot-classifier-library');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const images = await new Promise<{ name: string; reading?: string }[]>((resolve, reject) => {
        const request = db.transaction('images').objectStore('images').getAll();
        request.onsuccess = () => resolve(request.result as { name: string; reading?: string }[]);
        request.onerror = () => reject(request.error);
      });
      return images.some((image) => image.name === name && image.reading !== undefined);
    } finally {
      db.close();
    }
  }, name);
}

test('an image being read when the tab crashed is not read again on the next visit: an alert names it', async ({
  app,
  page,
  context,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('kept', COLOURS.red)]);
  await app.expectTopLabel('kept.png', 'red');

  // A large PNG (under the refusal limit) whose decoding takes long enough to crash the tab during it.
  await app.addImages([await blackPng('crasher.png', 8000, 8000)]);
  await expect.poll(() => markedAsReading(page, 'crasher.png'), { intervals: [20] }).toBe(true);
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;

  const next = await context.newPage();
  await next.goto('/?host=/models&model=fixtures/clip-colors');
  const alert = next.getByRole('alert').filter({ hasText: 'crasher.png' });
  await expect(alert).toContainText(
    'crasher.png was not read again: it was being read when the page stopped last time, and may be what stopped it. To try again, remove it and add it again.',
  );
  await expect(next.getByRole('list', { name: 'Scores for kept.png' }).getByRole('listitem').first()).toHaveText(
    /^red \d{1,3}\.\d%$/,
  );
  await expect(next.getByRole('status')).toContainText('Model ready', { timeout: 45_000 });
  await expect(next.getByRole('list', { name: 'Scores for crasher.png' })).toHaveCount(0);
  expect(await markedAsReading(next, 'crasher.png')).toBe(false);
});

test('an image being read when the worker crashed is not read again by the fresh worker: an alert names it', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([await solidImage('kept', COLOURS.red)]);
  await app.expectTopLabel('kept.png', 'red');
  await app.addImages([await blackPng('crasher.png', 8000, 8000)]);
  await expect.poll(() => markedAsReading(page, 'crasher.png'), { intervals: [20] }).toBe(true);
  // The app's crash hook terminates the classifier worker; the page starts a fresh one and asks again.
  const crashed = await page.evaluate(() => {
    const hooks = (window as unknown as { __classifierTestHooks?: { crashWorker(): void } }).__classifierTestHooks;
    hooks?.crashWorker();
    return hooks !== undefined;
  });
  expect(crashed, 'the build has no test hooks: build it with VITE_TEST_HOOKS=1').toBe(true);
  await expect(page.getByText(/The classifier stopped unexpectedly/)).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'crasher.png' })).toContainText(
    'crasher.png was not read again: it was being read when the page stopped last time',
  );
  await app.expectTopLabel('kept.png', 'red');
  await app.addImages([await solidImage('after', COLOURS.blue)]);
  await app.expectTopLabel('after.png', 'blue');
  await expect(app.scores('crasher.png')).toHaveCount(0);
});

test('a label or a template over 300 characters is left out with a message; a pasted megabyte does not freeze the page', async ({
  app,
  page,
}) => {
  test.slow();
  await app.openReady();
  await app.addImages([await solidImage('apple', COLOURS.red)]);
  const started = Date.now();
  await app.typeLabels(`red, ${'x'.repeat(1_000_000)}, blue`);
  await expect(
    page.getByText(`Labels are at most 300 characters; left out: “${'x'.repeat(30)}…” (1,000,000 characters).`),
  ).toBeVisible();
  await expect(app.scores('apple.png')).toHaveText([/^red /, /^blue /]);
  // Was 18 s of tokenising, then 15 s of the browser choking on a 1 MB address; now the text is kept out of the link.
  expect(Date.now() - started).toBeLessThan(12_000);
  await expect(page.getByText('Over 65,536 characters of labels: they are used now, but not kept')).toBeVisible();
  expect(new URL(page.url()).searchParams.has('labels')).toBe(false);

  await page.getByLabel('Prompt template').fill(`a photo of a {} ${'y'.repeat(300)}`);
  await expect(
    page.getByRole('alert').filter({ hasText: 'The prompt template is longer than 300 characters' }),
  ).toHaveText('The prompt template is longer than 300 characters: “a photo of a {}.” is used until it is shortened.');
  await app.typeLabels('red, green, blue');
  await expect(app.scores('apple.png')).toHaveCount(3);
  await app.expectTopLabel('apple.png', 'red');
  // The scores were made with the default template, as the export records.
  const exported = (await app.exportJson()) as unknown as { template: string };
  expect(exported.template).toBe('a photo of a {}.');
});
