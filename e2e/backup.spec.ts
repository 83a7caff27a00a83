/**
 * Backup and restore: `Export library` writes one file that brings the library back without a
 * vision pass (scores from stored embeddings, corrections), merged by content hash; a file that
 * is not a sound backup is refused with a message and changes nothing.
 */
import AxeBuilder from '@axe-core/playwright';
import { readFile, stat } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { FIXTURE_URL, expect, test } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

const NAMES = ['red.png', 'green.png', 'blue.jpg'];

/** Presses `Export library` and waits for the download; returns its path, size and the time it took. */
async function exportLibrary(page: Page): Promise<{ path: string; bytes: number; ms: number }> {
  const started = Date.now();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export library' }).click(),
  ]);
  const path = await download.path();
  const ms = Date.now() - started;
  await expect(page.getByText(/^Library exported: 3 images, /)).toBeVisible();
  return { path, bytes: (await stat(path)).size, ms };
}

async function clearAll(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Clear all' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove all' }).click();
  for (const name of NAMES) await expect(page.getByRole('list', { name: `Scores for ${name}` })).toHaveCount(0);
  // Then out of the trash too: only the backup holds the library now.
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  const trash = page.getByRole('dialog', { name: 'Trash' });
  await trash.getByRole('button', { name: 'Empty trash' }).click();
  await expect(trash).toContainText('The trash is empty.');
  await trash.getByRole('button', { name: 'Close' }).click();
}

test('Export library, Clear all, then Import library brings back every scores list and correction, with no vision pass', async ({
  app,
  page,
}, testInfo) => {
  await app.openReady();
  await app.typeLabels('red, green, blue, tomato');
  await app.addImages([
    await solidImage('red', COLOURS.red),
    await solidImage('green', COLOURS.green),
    await solidImage('blue', COLOURS.blue, 'jpeg'),
  ]);
  await app.expectTopLabel('red.png', 'red');
  await app.expectTopLabel('green.png', 'green');
  await app.expectTopLabel('blue.jpg', 'blue');
  await page.getByLabel('Correct label for red.png').selectOption('tomato');
  await expect(page.getByText('1 correction in use')).toBeVisible();
  const before = await Promise.all(NAMES.map((name) => app.scores(name).allTextContents()));

  const backup = await exportLibrary(page);
  testInfo.annotations.push({ type: 'export', description: `3 images: ${backup.bytes} bytes in ${backup.ms} ms` });
  console.log(`backup of 3 images: ${backup.bytes} bytes, exported in ${backup.ms} ms`);

  await clearAll(page);
  // A new visit: nothing of the old library is left in memory, and the work counters start at zero.
  await page.goto(FIXTURE_URL);
  await expect(app.status).toContainText('Model ready', { timeout: 45_000 });
  await expect(page.getByRole('list', { name: 'Scores for red.png' })).toHaveCount(0);

  await page.getByLabel('Import library').setInputFiles(backup.path);
  await expect(page.getByText('Restored 3 images and 1 correction.')).toBeVisible();
  for (const [i, name] of NAMES.entries()) await expect(app.scores(name)).toHaveText(before[i]);
  await expect(page.getByRole('article', { name: 'red.png' })).toContainText('Corrected: tomato');
  await expect(page.getByText('1 correction in use')).toBeVisible();
  // Rebuilt from the backup's embeddings: not one image was encoded.
  await expect.poll(async () => (await app.work()).imagesCached).toBeGreaterThanOrEqual(3);
  expect((await app.work()).images).toBe(0);

  // Kept in IndexedDB, not only on the page; and a second import of the same file adds nothing.
  await page.goto(FIXTURE_URL);
  for (const [i, name] of NAMES.entries()) await expect(app.scores(name)).toHaveText(before[i]);
  await page.getByLabel('Import library').setInputFiles(backup.path);
  await expect(page.getByText('Restored 0 images and 0 corrections; 3 already in the library (merged).')).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(3);
});

test('a damaged backup or a foreign file is refused with a message, and the library is unchanged', async ({
  app,
  page,
}) => {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([
    await solidImage('red', COLOURS.red),
    await solidImage('green', COLOURS.green),
    await solidImage('blue', COLOURS.blue, 'jpeg'),
  ]);
  await app.expectTopLabel('blue.jpg', 'blue');
  const backup = await exportLibrary(page);
  await page.getByRole('button', { name: 'Clear all' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove all' }).click();
  await app.addImages([await solidImage('cyan', COLOURS.cyan)]);
  await expect(app.scores('cyan.png')).toHaveCount(3);

  const bytes = await readFile(backup.path);
  // One flipped byte inside the first entry (images.json): its CRC-32 no longer matches.
  const damaged = Buffer.from(bytes);
  damaged[60] ^= 0x20;
  await page
    .getByLabel('Import library')
    .setInputFiles({ name: 'damaged.zip', mimeType: 'application/zip', buffer: damaged });
  await expect(page.getByRole('alert')).toContainText('damaged.zip is damaged or incomplete');
  await expect(page.getByRole('alert')).toContainText('nothing was changed');

  const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
  await page.getByLabel('Import library').setInputFiles({ name: 'cut.zip', mimeType: 'application/zip', buffer: cut });
  await expect(page.getByRole('alert')).toContainText('cut.zip is damaged or incomplete');

  const photo = await solidImage('holiday', COLOURS.red);
  await page.getByLabel('Import library').setInputFiles({ ...photo, name: 'holiday.zip' });
  await expect(page.getByRole('alert')).toHaveText(
    'holiday.zip is not a library backup of this app: nothing was changed.',
  );

  // The controls and their refusal break no WCAG A/AA rule seriously.
  const axe = await new AxeBuilder({ page })
    .include('.backup-controls')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Still the one image it had, after a reload too.
  await page.goto(FIXTURE_URL);
  await expect(app.scores('cyan.png')).toHaveCount(3);
  await expect(page.getByRole('article')).toHaveCount(1);
});
