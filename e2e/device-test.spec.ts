/**
 * `Test this device` (issue 23): a row per backend this browser has, each with a positive
 * images-per-second figure, results that copy as JSON, and a library whose scores do not change.
 */
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { COLOURS, solidImage } from './images.ts';

test('Test this device times each backend on the loaded model and leaves the scores as they were', async ({
  app,
  page,
  context,
}, testInfo) => {
  test.slow();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.openReady();
  await app.typeLabels('red, green, blue');
  const tag = Math.random().toString(36).slice(2, 7);
  const pictures = [await solidImage(`red-${tag}`, COLOURS.red), await solidImage(`blue-${tag}`, COLOURS.blue)];
  await app.addImages(pictures);
  await app.classifiedAll(2);
  const before = await Promise.all(pictures.map((picture) => app.scores(picture.name).allTextContents()));

  await app.openSettings();
  await page.getByRole('button', { name: 'Test this device' }).click();
  const table = page.getByRole('table', { name: 'Device test results' });
  await expect(table).toBeVisible({ timeout: 90_000 });
  // This Chromium has a (software) WebGPU adapter: both backends are tested; WASM first.
  const hasAdapter = await page.evaluate(async () => (await navigator.gpu?.requestAdapter()) != null);
  const rows = table.getByRole('row').filter({ has: page.getByRole('rowheader') });
  await expect(rows).toHaveCount(hasAdapter ? 2 : 1);
  await expect(rows.first().getByRole('rowheader')).toHaveText('WASM');
  if (hasAdapter) await expect(rows.nth(1).getByRole('rowheader')).toHaveText('WebGPU');
  for (const row of await rows.all()) {
    const perSecond = Number(await row.locator('[data-images-per-second]').getAttribute('data-images-per-second'));
    expect(perSecond).toBeGreaterThan(0);
    await expect(row).toContainText('fixtures/clip-colors, q8');
  }

  await table.screenshot({ path: join(testInfo.project.outputDir, 'screenshots', 'device-test-results.png') });
  await page.getByRole('button', { name: 'Copy results' }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as {
    model: string;
    rows: { device: string; imagesPerSecond: number }[];
  };
  expect(copied.model).toBe('fixtures/clip-colors');
  expect(copied.rows.map((row) => row.device)).toEqual(hasAdapter ? ['wasm', 'webgpu'] : ['wasm']);
  for (const row of copied.rows) expect(row.imagesPerSecond).toBeGreaterThan(0);

  // The library is only read: every score list is as it was.
  const after = await Promise.all(pictures.map((picture) => app.scores(picture.name).allTextContents()));
  expect(after).toEqual(before);
  // And the loaded model still classifies: a new picture gets its scores.
  await app.addImages([await solidImage(`green-${tag}`, COLOURS.green)]);
  await app.expectTopLabel(`green-${tag}.png`, 'green');
});
