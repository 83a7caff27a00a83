import { FIXTURE_URL, STATIC_ORIGIN, expect, test } from './fixtures.ts';

test('a new version of the app shows an “Update available” prompt instead of mixing versions', async ({
  app,
  page,
}) => {
  const url = `${STATIC_ORIGIN}${FIXTURE_URL}`;
  await app.openReady(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByText('Update available')).toHaveCount(0);

  // A new deployment: the service worker script changes.
  expect((await fetch(`${STATIC_ORIGIN}/__next-version`, { method: 'POST' })).ok).toBe(true);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await expect(page.getByText('Update available')).toBeVisible();
  // The old version keeps running until the person chooses to update.
  await expect(app.status).toContainText('Model ready');

  await page.getByRole('button', { name: 'Reload to update' }).click();
  await expect(app.status).toContainText('Model ready');
  await expect(page.getByText('Update available')).toHaveCount(0);
  expect(
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null),
  ).toBeNull();
});
