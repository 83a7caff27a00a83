/**
 * WebGPU from the 8-bit files (SwiftShader here): only `_quantized` files are fetched, every
 * fixture's embeddings agree with WASM's (the warm-up self-check compares them on a probe image and
 * text), scores stay within 2 points of WASM q8, a model with only 8-bit files runs, its rewritten
 * graph is rebuilt after a reload, and a self-check that disagrees moves the page to WASM.
 */
import type { Page } from '@playwright/test';
import { COLOURS, solidImage } from './images.ts';
import { ClassifierPage, FIXTURE_URL, expect, test, watchModelRequests } from './fixtures.ts';
import { addWork, expectFallbackKeepsWork } from './work.ts';

test.slow(); // SwiftShader emulates the GPU on two cores

interface Engine {
  rewrites: { matMuls: number; convs: number; gathers: number; leftOver: Record<string, number>; ms: number }[];
  checks: { cosines: Record<string, number>; ms: number }[];
}

/** What the classifier worker recorded (User Timing measures) about its WebGPU sessions. */
async function engine(page: Page): Promise<Engine> {
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  if (!worker) throw new Error('no classifier worker');
  return worker.evaluate(() => {
    const details = (name: string) =>
      performance.getEntriesByName(name).map((entry) => (entry as PerformanceMeasure).detail as never);
    return { rewrites: details('webgpu-graph-rewrite'), checks: details('webgpu-self-check') };
  });
}

async function scores(app: ClassifierPage, fileName: string): Promise<Record<string, number>> {
  return Object.fromEntries(
    await app
      .scores(fileName)
      .evaluateAll((items) =>
        items.map((li) => [li.querySelector('.score-label')?.textContent ?? '', Number(li.getAttribute('data-score'))]),
      ),
  );
}

const COLOUR_NAMES = Object.keys(COLOURS);

test('device=webgpu fetches only the 8-bit files, names WebGPU, and ranks colours within 2 points of WASM q8', async ({
  app,
  page,
  browser,
  baseURL,
}) => {
  const requests = watchModelRequests(page);
  await app.open(`${FIXTURE_URL}&device=webgpu`);
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors (WebGPU, q8)', { timeout: 90_000 });
  const onnx = requests.all.filter((file) => file.endsWith('.onnx'));
  expect(onnx.length).toBeGreaterThan(0);
  expect(onnx.filter((file) => !file.endsWith('_quantized.onnx'))).toEqual([]);
  expect(requests.downloads.filter((file) => file.endsWith('.onnx')).sort()).toEqual([
    'onnx/text_model_quantized.onnx',
    'onnx/vision_model_quantized.onnx',
  ]);

  const images = await Promise.all(COLOUR_NAMES.map((name) => solidImage(name, COLOURS[name])));
  await app.addImages(images);
  await app.typeLabels(COLOUR_NAMES.join(', '));
  for (const name of COLOUR_NAMES) await app.expectTopLabel(`${name}.png`, name);

  // The same images and labels on WASM q8, in a browser context of its own (its own store and library).
  const other = await browser.newContext({ baseURL });
  const wasm = new ClassifierPage(await other.newPage());
  await wasm.openReady(`${FIXTURE_URL}&device=wasm&dtype=q8`);
  await expect(wasm.status).toContainText('(WASM, ');
  await wasm.addImages(images);
  await wasm.typeLabels(COLOUR_NAMES.join(', '));
  let largest = 0;
  for (const name of COLOUR_NAMES) {
    await expect(wasm.scores(`${name}.png`)).toHaveCount(COLOUR_NAMES.length);
    const [gpu, cpu] = [await scores(app, `${name}.png`), await scores(wasm, `${name}.png`)];
    for (const label of COLOUR_NAMES) {
      largest = Math.max(largest, Math.abs(gpu[label] - cpu[label]));
      expect(Math.abs(gpu[label] - cpu[label]), `${name}.png ${label}: ${gpu[label]} vs ${cpu[label]}`).toBeLessThan(
        0.02,
      );
    }
  }
  test.info().annotations.push({ type: 'largest gap to WASM q8 (points)', description: (largest * 100).toFixed(3) });
  await other.close();
});

for (const model of ['clip-colors', 'clip-colors-int8', 'siglip-colors', 'chinese-clip-colors']) {
  test(`fixtures/${model}: WebGPU embeddings of the probe image and text within cosine 0.999 of WASM’s`, async ({
    app,
    page,
  }) => {
    await app.open(`/?host=/models&model=fixtures/${model}&device=webgpu`);
    await expect(app.status).toContainText(`Model ready: fixtures/${model} (WebGPU, q8`, { timeout: 90_000 });
    const { rewrites, checks } = await engine(page);
    // Split towers: one session each; the joint model (SigLIP, Chinese-CLIP): one session.
    const sessions = model.startsWith('clip') ? 2 : 1;
    expect(rewrites).toHaveLength(sessions);
    expect(checks).toHaveLength(sessions);
    const outputs = Object.assign({}, ...checks.map((check) => check.cosines)) as Record<string, number>;
    expect(Object.keys(outputs).sort()).toEqual(['image_embeds', 'text_embeds']);
    for (const [output, cosine] of Object.entries(outputs)) expect(cosine, output).toBeGreaterThanOrEqual(0.999);
    test.info().annotations.push({ type: 'lowest cosine vs WASM', description: JSON.stringify(outputs) });
    for (const rewrite of rewrites) expect(rewrite.leftOver).toEqual({});
    if (model === 'clip-colors-int8') {
      // Every MatMulInteger, ConvInteger and uint8 Gather became a float operation.
      const total = (key: 'matMuls' | 'convs' | 'gathers') => rewrites.reduce((sum, r) => sum + r[key], 0);
      expect([total('matMuls'), total('convs'), total('gathers')]).toEqual([2, 1, 1]);
    }
  });
}

test('a model with only 8-bit files (quantised as ONNX Runtime does) runs on WebGPU, and its rewritten graph is rebuilt after a reload', async ({
  app,
  page,
}) => {
  const url = '/?host=/models&model=fixtures/clip-colors-int8&device=webgpu';
  await app.open(url);
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors-int8 (WebGPU, q8)', { timeout: 90_000 });
  await app.addImages([await solidImage('red', COLOURS.red), await solidImage('blue', COLOURS.blue, 'jpeg')]);
  await app.typeLabels('red, green, blue');
  await app.expectTopLabel('red.png', 'red');
  await app.expectTopLabel('blue.jpg', 'blue');
  expect((await engine(page)).rewrites.map((r) => r.matMuls)).toEqual([1, 1]);

  const requests = watchModelRequests(page);
  await page.reload();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors-int8 (WebGPU, q8)', { timeout: 90_000 });
  // From the store (nothing downloaded), the stored file as downloaded, rewritten again in the new worker.
  expect(requests.downloads).toEqual([]);
  const { rewrites } = await engine(page);
  expect(rewrites.map((r) => r.matMuls)).toEqual([1, 1]);
  for (const rewrite of rewrites) expect(rewrite.ms).toBeGreaterThan(0);
  await app.expectTopLabel('red.png', 'red');
});

test('a self-check that disagrees with the CPU moves the page to WASM, saying why', async ({ app }) => {
  await app.open(`${FIXTURE_URL}&device=webgpu&simulate=wrong-probe`);
  await addWork(app);
  await expectFallbackKeepsWork(app, /its (image|text) embedding of a probe image disagrees with the CPU’s/);
  await expect(app.page.getByText(/WebGPU failed: /)).toContainText(/\(cosine -?\d\.\d{3}, needs 0\.99\)/);
});
