/**
 * A move is not a delete plus an add: a file of an opened folder renamed on disk keeps its record
 * on Rescan, with its scores and its correction. The folder is a real directory of the origin's
 * private file system, returned where the directory picker would return one.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { COLOURS, solidImage, type ImageFile } from './images.ts';

async function writeFiles(page: Page, folder: string, files: ImageFile[]): Promise<void> {
  await page.evaluate(
    async ({ folder, files }) => {
      const root = await navigator.storage.getDirectory();
      const directory = await root.getDirectoryHandle(folder, { create: true });
      for (const file of files) {
        const writable = await (await directory.getFileHandle(file.name, { create: true })).createWritable();
        await writable.write(Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)));
        await writable.close();
      }
    },
    { folder, files: files.map((f) => ({ name: f.name, base64: f.buffer.toString('base64') })) },
  );
}

/** Renames a file as a file manager would: the new name is written, the old one removed. */
async function rename(page: Page, folder: string, from: string, to: string): Promise<void> {
  await page.evaluate(
    async ({ folder, from, to }) => {
      const directory = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
      const bytes = await (await (await directory.getFileHandle(from)).getFile()).arrayBuffer();
      const writable = await (await directory.getFileHandle(to, { create: true })).createWritable();
      await writable.write(bytes);
      await writable.close();
      await directory.removeEntry(from);
    },
    { folder, from, to },
  );
}

test('a file renamed in an opened folder keeps its correction and scores after Rescan', async ({ app, page }) => {
  await page.addInitScript(() => {
    (window as unknown as { showDirectoryPicker(): Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
      async () => (await navigator.storage.getDirectory()).getDirectoryHandle('trip');
  });
  await app.openReady();
  await writeFiles(page, 'trip', [await solidImage('IMG_1', COLOURS.red), await solidImage('IMG_2', COLOURS.green)]);
  await app.typeLabels('red, green, tomato');
  await page.getByText('Open folder', { exact: true }).click();
  await app.expectTopLabel('IMG_1.png', 'red');
  await app.expectTopLabel('IMG_2.png', 'green');
  await page.getByLabel('Correct label for IMG_1.png').selectOption('tomato');
  await expect(page.getByRole('article', { name: 'IMG_1.png' })).toContainText('Corrected: tomato');

  await rename(page, 'trip', 'IMG_1.png', 'poppy.png');
  await page.getByRole('button', { name: 'Rescan trip' }).click();
  await expect(page.getByText('Rescanned trip: 0 new or changed, 0 removed, 1 moved or renamed.')).toBeVisible();
  await expect(page.getByLabel('Correct label for poppy.png')).toHaveValue('tomato');
  await expect(page.getByRole('article', { name: 'IMG_1.png' })).toHaveCount(0);
  await expect(app.cards()).toHaveCount(2);
  await expect(page.getByRole('list', { name: 'Scores for poppy.png' })).toBeVisible();
  // Nothing was read or encoded again: the record, and its embedding, followed the file.
  expect((await app.work()).images).toBe(2);

  // A new visit keeps the move.
  await page.reload();
  await expect(page.getByLabel('Correct label for poppy.png')).toHaveValue('tomato');
  await expect(page.getByRole('article', { name: 'poppy.png' })).toContainText('Corrected: tomato');
});
