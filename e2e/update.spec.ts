import { startStaticServer, type StaticServer } from './servers/static-server.ts';
import { FIXTURE_URL, expect, test as base, type ClassifierPage } from './fixtures.ts';

/**
 * The first visit on static hosting loads the model, then reloads once for cross-origin isolation
 * when idle (so a model load happens twice): wait for the isolated page, then for its model.
 */
async function openIsolated(app: ClassifierPage, url: string): Promise<void> {
  await app.open(url);
  await expect
    .poll(() => app.page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 90_000 })
    .toBe(true);
  await expect(app.status).toContainText('Model ready', { timeout: 60_000 });
}

/** Each test deploys on its own static host (any free port): no other test sees its new versions. */
const test = base.extend<{ deployment: StaticServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none.
  deployment: async ({}, use) => {
    const server = await startStaticServer();
    await use(server);
    await server.close();
  },
});

test('a new version of the app shows an “Update available” prompt instead of mixing versions', async ({
  app,
  page,
  deployment,
}) => {
  test.slow();
  const url = `${deployment.origin}${FIXTURE_URL}`;
  await openIsolated(app, url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await expect(page.getByText('Update available')).toHaveCount(0);

  // A new deployment: the service worker script changes.
  deployment.nextVersion();
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
  deployment,
}) => {
  test.slow();
  const url = `${deployment.origin}${FIXTURE_URL}`;
  await openIsolated(app, url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByRole('status')).toContainText('Model ready');
  expect(await other.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Something of this visit that a reload would lose.
  await other.evaluate(() => Object.assign(window, { __stillHere: true }));

  deployment.nextVersion();
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
  // It loads after the first tab (the Web Lock): two loads in a row on a shared machine.
  await expect(other.getByRole('status')).toContainText('Model ready', { timeout: 60_000 });
  expect(await other.evaluate(() => (window as unknown as { __stillHere?: boolean }).__stillHere ?? false)).toBe(false);
});
