import { COLOURS, solidImage } from './images.ts';
import { FIXTURE_URL, STATIC_ORIGIN, expect, test } from './fixtures.ts';
import { addWork, expectColoursRanked, expectFallbackKeepsWork } from './work.ts';

for (const device of ['webgpu', 'wasm'] as const) {
  const name = device === 'webgpu' ? 'WebGPU' : 'WASM';
  const other = device === 'webgpu' ? 'WASM' : 'WebGPU';
  test(`colours rank right on ${name} (?device=${device})`, async ({ app }) => {
    test.slow(); // SwiftShader emulates the GPU on two cores
    await app.open(`${FIXTURE_URL}&device=${device}`);
    if (device === 'webgpu') await expect(app.status).toContainText('Preparing model');
    await expect(app.status).toContainText(`Model ready: fixtures/clip-colors (${name}`, { timeout: 60_000 });
    // 8-bit files on both: WebGPU runs them as float operations on weights dequantized at load.
    await expect(app.status).toContainText('q8');
    await expect(app.status).not.toContainText(other);
    await expectColoursRanked(app);
    await expect(app.page.getByText('WebGPU failed')).toHaveCount(0);
  });
}

test('auto never picks a software adapter: SwiftShader means WASM', async ({ app }) => {
  await app.openReady(FIXTURE_URL);
  await expect(app.status).toContainText('(WASM, ');
  expect(await app.page.evaluate(async () => (await navigator.gpu.requestAdapter())?.info.isFallbackAdapter)).toBe(
    true,
  );
});

test('the Settings panel switches the backend and keeps it in the URL', async ({ app, page }) => {
  test.slow();
  await app.openReady(FIXTURE_URL);
  await page.getByText('Settings').click();
  await page.getByLabel('Backend').selectOption('webgpu');
  await page.getByLabel('Precision').selectOption('q8');
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors (WebGPU, q8)', { timeout: 60_000 });
  const params = new URL(page.url()).searchParams;
  expect([params.get('device'), params.get('dtype')]).toEqual(['webgpu', 'q8']);
  await app.addImages([await solidImage('blue', COLOURS.blue)]);
  await app.typeLabels('red, blue');
  await app.expectTopLabel('blue.png', 'blue');
});

test.describe('forced WebGPU failures end on WASM with a notice', () => {
  test.slow();

  test('no adapter (the page finds none)', async ({ app, page }) => {
    await page.addInitScript(() => {
      navigator.gpu.requestAdapter = async () => null;
    });
    await app.open(`${FIXTURE_URL}&device=webgpu`);
    await addWork(app);
    await expectFallbackKeepsWork(app, /no GPU adapter/);
  });

  test('requestDevice rejecting', async ({ app, page }) => {
    await page.addInitScript(() => {
      GPUAdapter.prototype.requestDevice = async () => {
        throw new DOMException('The device could not be created (simulated).', 'OperationError');
      };
    });
    await app.open(`${FIXTURE_URL}&device=webgpu`);
    await addWork(app);
    await expectFallbackKeepsWork(app, /GPU device could not be created/);
  });

  test('session creation failing', async ({ app }) => {
    await app.open(`${FIXTURE_URL}&device=webgpu&simulate=session-error`);
    await addWork(app);
    await expectFallbackKeepsWork(app, /creating the WebGPU sessions/);
  });

  test('an inference that ONNX Runtime really fails on WebGPU', async ({ app, page }) => {
    // On this fixture a magenta picture makes the vision graph ask for a 4 GB tensor: the WebGPU run fails.
    await app.open('/?host=/models&model=fixtures/clip-colors-hungry&device=webgpu');
    await expect(app.status).toContainText('(WebGPU, q8)', { timeout: 60_000 });
    await app.typeLabels('red, green, blue');
    await app.addImages([await solidImage('huge', [255, 0, 255]), await solidImage('small', COLOURS.red)]);
    await expect(page.getByText(/WebGPU failed: .*std::bad_alloc.*; running on the CPU \(WASM\)\./)).toBeVisible({
      timeout: 60_000,
    });
    await expect(app.status).toContainText('Model ready: fixtures/clip-colors-hungry (WASM', { timeout: 60_000 });
    await expect(app.labels).toHaveValue('red, green, blue');
    // On WASM the picture runs out of memory too (its batch waits for a retry); without it, the other one classifies.
    await expect(page.getByText(/The classifier ran out of memory/)).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Remove huge.png' }).click();
    await page.getByRole('button', { name: 'Retry failed images' }).click();
    await app.expectTopLabel('small.png', 'red');
  });

  test('the GPU device lost mid-session', async ({ app }) => {
    await app.open(`${FIXTURE_URL}&device=webgpu&simulate=device-lost`);
    await expect(app.status).toContainText('(WebGPU, q8)', { timeout: 60_000 });
    await addWork(app);
    await expectFallbackKeepsWork(app, /GPU device was lost/);
  });
});

test('page and worker are cross-origin isolated and ONNX Runtime runs on several threads', async ({ app, page }) => {
  await app.openReady(FIXTURE_URL);
  await expect(app.status).toHaveText(/\(WASM, [2-8] threads, /);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  expect(await worker?.evaluate(() => self.crossOriginIsolated)).toBe(true);
  // ONNX Runtime's own threads are workers started by the classifier worker.
  await expect.poll(() => page.workers().length).toBeGreaterThan(1);
});

test('on static hosting without COOP/COEP the service worker makes the page isolated', async ({ app, page }) => {
  test.slow();
  const url = `${STATIC_ORIGIN}${FIXTURE_URL}`;
  await page.goto(url);
  // The first visit reloads once the service worker is active; from then on the page is isolated.
  // The reload may destroy the context mid-evaluate: that read counts as "not yet".
  await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 60_000 }).toBe(true);
  await expect(app.status).toHaveText(/\(WASM, [2-8] threads, /, { timeout: 60_000 });
  await app.addImages([await solidImage('white', COLOURS.white)]);
  await app.typeLabels('black, white');
  await app.expectTopLabel('white.png', 'white');
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  expect(await worker?.evaluate(() => self.crossOriginIsolated)).toBe(true);
});
