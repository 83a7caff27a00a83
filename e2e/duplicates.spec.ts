/**
 * Duplicates: the same file added under two names and a resized copy of a photo are each grouped
 * with their original (real embeddings from the fixture model, in the worker's IndexedDB); photos of
 * other colours are not; `Keep {name}` moves the rest of its group to the trash, and Undo brings it back.
 */
import sharp from 'sharp';
import { expect, test } from './fixtures.ts';
import { COLOURS, solidImage, widePhoto } from './images.ts';

test('Find duplicates groups exact and resized copies, not other colours; Keep leaves one, Undo restores', async ({
  app,
  page,
}) => {
  const red = await solidImage('a-red', COLOURS.red);
  const photo = await widePhoto('beach', {
    width: 320,
    height: 200,
    centre: 0.5,
    middle: COLOURS.magenta,
    sides: COLOURS.yellow,
  });
  const smaller = await sharp(photo.buffer).resize(160, 100).jpeg({ quality: 70 }).toBuffer();
  await app.openReady();
  await app.typeLabels('red, green, blue');
  await app.addImages([
    red,
    { ...red, name: 'a-red-copy.png' },
    photo,
    { name: 'beach-small.jpg', mimeType: 'image/jpeg', buffer: smaller },
    await solidImage('c-green', COLOURS.green),
    await solidImage('d-blue', COLOURS.blue),
  ]);
  await app.classifiedAll(6);

  await page.getByRole('button', { name: 'Find duplicates' }).click();
  const dialog = page.getByRole('dialog', { name: 'Duplicate groups' });
  const groups = dialog.getByRole('list', { name: 'Duplicate groups' }).locator(':scope > li');
  await expect(groups).toHaveCount(2);
  const exact = groups.filter({ hasText: 'a-red.png' });
  await expect(exact).toContainText('a-red-copy.png');
  await expect(exact.getByRole('listitem')).toHaveCount(2);
  const resized = groups.filter({ hasText: 'beach.jpg' });
  await expect(resized).toContainText('beach-small.jpg');
  await expect(resized.getByRole('listitem')).toHaveCount(2);
  await expect(dialog).not.toContainText('c-green.png');
  await expect(dialog).not.toContainText('d-blue.png');

  await dialog.getByRole('button', { name: 'Keep beach-small.jpg' }).click();
  await expect(groups).toHaveCount(1);
  // The modal dialog hides the page from the accessibility tree: the grid is looked at once it is closed.
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('heading', { name: '5 images' })).toBeVisible();
  await expect(page.getByRole('article', { name: /beach-small\.jpg/ })).toHaveCount(1);
  await expect(page.getByRole('article', { name: /beach\.jpg/ })).toHaveCount(0);
  await expect(page.getByText('Moved 1 image to the trash.')).toBeVisible();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('heading', { name: '6 images' })).toBeVisible();
  await expect(page.getByRole('article', { name: /beach\.jpg/ })).toHaveCount(1);
});
