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

test('accepting an update in one tab never reloads another: that tab shows the prompt instead', async ({
  app,
  page,
  context,
}) => {
  test.slow();
  const url = `${STATIC_ORIGIN}${FIXTURE_URL}`;
  await app.openReady(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByRole('status')).toContainText('Model ready');
  expect(await other.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Something of this visit that a reload would lose.
  await other.evaluate(() => Object.assign(window, { __stillHere: true }));

  expect((await fetch(`${STATIC_ORIGIN}/__next-version`, { method: 'POST' })).ok).toBe(true);
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await expect(page.getByText('Update available')).toBeVisible();
  await expect(other.getByText('Update available')).toBeVisible();
  await other.getByRole('button', { name: 'Later' }).click();
  await expect(other.getByText('Update available')).toHaveCount(0);

  await page.getByRole('button', { name: 'Reload to update' }).click();
  await expect(app.status).toContainText('Model ready');
  await expect(page.getByText('Update available')).toHaveCount(0);
  // The other tab was not reloaded: it says an update is in use and waits for the person.
  await expect(other.getByText('Update available')).toBeVisible();
  expect(await other.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere)).toBe(true);
  await other.getByRole('button', { name: 'Reload to update' }).click();
  await expect(other.getByRole('status')).toContainText('Model ready');
  expect(await other.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere ?? false)).toBe(false);
});
