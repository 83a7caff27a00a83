import { startStaticServer, type StaticServer } from '../scripts/static-server.ts';
import { FIXTURE_URL, expect, test as base } from './fixtures.ts';

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
  const url = `${deployment.origin}${FIXTURE_URL}`;
  await app.openReady(url);
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
