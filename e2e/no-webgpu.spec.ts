import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { FIXTURE_URL, expect, test } from './fixtures.ts';
import { addWork, expectColoursRanked, expectFallbackKeepsWork } from './work.ts';

// A browser whose WebGPU has no adapter at all: `navigator.gpu` exists, requestAdapter() gives null.
test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS.filter((arg) => !arg.includes('webgpu')) },
});

test('without WebGPU the app classifies on WASM with no error', async ({ app, page }) => {
  expect(await page.evaluate(async () => (await navigator.gpu?.requestAdapter()) ?? null)).toBeNull();
  await app.openReady(FIXTURE_URL);
  await expect(app.status).toContainText('(WASM, ');
  await expectColoursRanked(app);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByText('WebGPU failed')).toHaveCount(0);
});

test('without WebGPU, asking for it falls back to WASM and says why', async ({ app }) => {
  await app.open(`${FIXTURE_URL}&device=webgpu`);
  await addWork(app);
  await expectFallbackKeepsWork(app, /no GPU adapter was found/);
});
