/**
 * The trash: removing images, Clear all and deleting the library move them to a trash kept in the
 * library's IndexedDB (real, in the browser), with Undo right after and Restore / Empty trash in
 * the Trash view. Restored images come back with their scores from stored embeddings.
 */
import type { Page } from '@playwright/test';
import { FIXTURE_URL, expect, test, type ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

async function threeImages(app: ClassifierPage): Promise<void> {
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([
    await solidImage('a-red', COLOURS.red),
    await solidImage('b-blue', COLOURS.blue),
    await solidImage('c-green', COLOURS.green),
  ]);
  await app.classifiedAll(3);
}

function trashDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Trash' });
}

test('Remove selected offers Undo; after a reload a removed image waits in Trash and comes back with Restore', async ({
  app,
  page,
}) => {
  await threeImages(app);
  expect((await app.work()).images).toBe(3);
  await page.getByLabel('Select a-red.png').check();
  await page.getByLabel('Select b-blue.png').check();
  await page.getByRole('button', { name: 'Remove selected' }).click();
  await expect(app.cards()).toHaveCount(1);
  await expect(page.getByText('Moved 2 images to the trash.')).toBeVisible();

  await page.getByRole('button', { name: 'Undo' }).click();
  await app.expectTopLabel('a-red.png', 'red');
  await app.expectTopLabel('b-blue.png', 'blue');
  await expect(app.cards()).toHaveCount(3);
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  // Their scores came from the stored embeddings: no vision pass since the first three.
  expect((await app.work()).images).toBe(3);

  await page.getByLabel('Select a-red.png').check();
  await page.getByRole('button', { name: 'Remove selected' }).click();
  await expect(app.cards()).toHaveCount(2);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeVisible();

  await page.goto(FIXTURE_URL);
  await app.expectTopLabel('b-blue.png', 'blue');
  await expect(app.cards()).toHaveCount(2);
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  const trash = trashDialog(page);
  await expect(trash.getByRole('listitem')).toHaveCount(1);
  await expect(trash.getByRole('listitem')).toContainText('a-red.png');
  await trash.getByRole('button', { name: 'Restore a-red.png' }).click();
  await expect(trash).toContainText('The trash is empty.');
  await trash.getByRole('button', { name: 'Close' }).click();
  await app.expectTopLabel('a-red.png', 'red');
  await expect(app.cards()).toHaveCount(3);
  // After the reload nothing was encoded: every score came from the library's embeddings.
  await expect.poll(async () => (await app.work()).imagesCached).toBeGreaterThanOrEqual(3);
  expect((await app.work()).images).toBe(0);
});

test('Clear all moves every image to the trash, which lists them after a reload; Empty trash empties it', async ({
  app,
  page,
}) => {
  await threeImages(app);
  await page.getByRole('button', { name: 'Clear all' }).click();
  await page
    .getByRole('dialog', { name: 'Remove every image from the library?' })
    .getByRole('button', { name: 'Remove all' })
    .click();
  await expect(page.getByRole('heading', { name: 'Your library is empty' })).toBeVisible();
  await expect(page.getByText('Moved 3 images to the trash.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your library is empty' })).toBeVisible();
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  const trash = trashDialog(page);
  await expect(trash.getByRole('listitem')).toHaveCount(3);
  for (const name of ['a-red.png', 'b-blue.png', 'c-green.png']) {
    await expect(trash.getByRole('button', { name: `Restore ${name}` })).toBeVisible();
  }
  await trash.getByRole('button', { name: 'Empty trash' }).click();
  await expect(trash).toContainText('The trash is empty.');
  await expect(trash.getByRole('listitem')).toHaveCount(0);
  await trash.getByRole('button', { name: 'Close' }).click();

  // Gone for good: a reload finds neither the images nor the trash.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your library is empty' })).toBeVisible();
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(trashDialog(page)).toContainText('The trash is empty.');
});

test('deleting the library asks first, then moves it to the trash', async ({ app, page }) => {
  await app.openReady();
  await app.typeLabels('red, blue');
  await app.addImages([await solidImage('r', COLOURS.red), await solidImage('b', COLOURS.blue)]);
  await app.classifiedAll(2);
  await app.openSettings();
  const panel = page.getByRole('region', { name: 'Storage' });
  // The first image asked the browser, once, to keep the library: the outcome is shown.
  await expect(panel).toContainText(/Persistent storage was asked for on .+ and (granted|refused)/);
  await expect(panel).toContainText(/\d+(\.\d)? (B|kB|MB|GB) used of/);

  await panel.getByRole('button', { name: 'Delete the library' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete the whole library?' });
  await expect(confirm).toContainText('All 2 images go to the trash');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.cards()).toHaveCount(2);
  await expect(panel).toContainText('Library: 2 images');

  await panel.getByRole('button', { name: 'Delete the library' }).click();
  await confirm.getByRole('button', { name: 'Move everything to the trash' }).click();
  await expect(panel).toContainText('Library: 0 images');
  await expect(app.cards()).toHaveCount(0);
  // The settings drawer closes (Done) before the Trash under it is pressed.
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Trash', exact: true }).click();
  await expect(trashDialog(page).getByRole('listitem')).toHaveCount(2);
  await trashDialog(page).getByRole('button', { name: 'Restore r.png' }).click();
  await trashDialog(page).getByRole('button', { name: 'Close' }).click();
  await app.expectTopLabel('r.png', 'red');
});
