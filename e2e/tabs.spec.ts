/**
 * One library across tabs: two real pages of one browser context (one origin, one IndexedDB, each
 * with its own worker). What one adds or removes shows in the other without a reload.
 */
import { expect, test, ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

test('an image added in one tab is classified in the other, and its removal shows there, without a reload', async ({
  app,
  page,
  context,
}) => {
  const other = new ClassifierPage(await context.newPage());
  await app.openReady();
  await other.openReady();
  await app.typeLabels('red, green, blue');
  await other.typeLabels('red, green, blue');
  await app.addImages([await solidImage('poppy', COLOURS.red)]);
  await app.expectTopLabel('poppy.png', 'red');
  // Within 5 s of tab A's scores, tab B lists it with its scores.
  let since = Date.now();
  await expect(other.page.getByRole('list', { name: 'Scores for poppy.png' })).toBeVisible({ timeout: 5000 });
  test.info().annotations.push({ type: 'scores in tab B after tab A', description: `${Date.now() - since} ms` });
  await other.expectTopLabel('poppy.png', 'red');
  // Tab B took tab A's embedding rather than encoding the picture again.
  expect((await other.work()).images).toBe(0);

  // A second image, added in tab B this time, reaches tab A.
  await other.addImages([await solidImage('leaf', COLOURS.green)]);
  await expect(page.getByRole('list', { name: 'Scores for leaf.png' })).toBeVisible({ timeout: 10_000 });
  await app.expectTopLabel('leaf.png', 'green');

  await page.getByRole('checkbox', { name: 'Select poppy.png' }).check();
  await page.getByRole('button', { name: 'Remove selected' }).click();
  await expect(page.getByRole('article', { name: 'poppy.png' })).toHaveCount(0);
  since = Date.now();
  await expect(other.page.getByRole('article', { name: 'poppy.png' })).toHaveCount(0, { timeout: 5000 });
  test.info().annotations.push({ type: 'removal in tab B after tab A', description: `${Date.now() - since} ms` });
  await expect(other.page.getByRole('article', { name: 'leaf.png' })).toHaveCount(1);

  // Nothing came back from either tab's memory: a reload of tab B finds only the leaf.
  await other.page.reload();
  await other.expectTopLabel('leaf.png', 'green');
  await expect(other.cards()).toHaveCount(1);
});
