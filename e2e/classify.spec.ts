import { COLOURS, solidImage, type Format } from './images.ts';
import { FIXTURE_URL, expect, test } from './fixtures.ts';

const NAMES = Object.keys(COLOURS);

test('a red PNG dropped with "blue, red, green" ranks red first with the longest bar', async ({ app }) => {
  await app.open();
  await app.dropImages([await solidImage('red', COLOURS.red, 'png')]);
  await app.typeLabels('blue, red, green');
  await app.expectTopLabel('red.png', 'red');
  await expect(app.scores('red.png')).toHaveText([/^red /, /^(blue|green) /, /^(blue|green) /]);

  const items = app.scores('red.png');
  // The bar is drawn by the item's ::after: its fill is the first background layer, sized in percent of the track.
  const [top, second] = await Promise.all(
    [0, 1].map((i) =>
      items.nth(i).evaluate((el) => {
        const bar = getComputedStyle(el, '::after');
        return (parseFloat(bar.backgroundSize.split(',')[0]) / 100) * parseFloat(bar.width);
      }),
    ),
  );
  expect(second).toBeGreaterThanOrEqual(0);
  expect(top).toBeGreaterThan(second * 5);
  const percentages = (await items.allTextContents()).map((text) => Number(/(\d+\.\d)%$/.exec(text)?.[1]));
  expect(percentages[0]).toBeGreaterThan(50);
  expect(percentages.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
});

test('every colour ranks first, across image formats and label orders', async ({ app }) => {
  const formats: Format[] = ['png', 'jpeg', 'webp', 'gif', 'avif'];
  const files = await Promise.all(
    NAMES.map((name, i) => solidImage(`${name}-${i}`, COLOURS[name], formats[i % formats.length])),
  );
  await app.openReady();
  await app.addImages(files);
  await app.typeLabels(NAMES.join(', '));
  for (const [i, name] of NAMES.entries()) await app.expectTopLabel(files[i].name, name);
  await expect(app.scores(files[0].name)).toHaveCount(NAMES.length);

  // Another order, over newlines: the same winners, for the images already on the page.
  await app.typeLabels([...NAMES].reverse().join('\n'));
  for (const [i, name] of NAMES.entries()) await app.expectTopLabel(files[i].name, name);
  await expect(app.cards()).toHaveCount(NAMES.length);
});

test('drag and drop takes several images at once', async ({ app }) => {
  await app.openReady();
  await app.typeLabels('green, magenta, cyan');
  await app.dropImages([
    await solidImage('leaf', [20, 200, 40], 'jpeg'),
    await solidImage('sky', [30, 230, 240], 'webp'),
  ]);
  await app.expectTopLabel('leaf.jpg', 'green');
  await app.expectTopLabel('sky.webp', 'cyan');
  await expect(app.cards()).toHaveCount(2);
});

test('editing labels re-ranks the images already on the page', async ({ app }) => {
  await app.openReady();
  await app.addImages([await solidImage('red', COLOURS.red), await solidImage('blue', COLOURS.blue)]);
  await app.typeLabels('red, blue');
  await app.expectRanking('red.png', ['red', 'blue']);
  await app.expectRanking('blue.png', ['blue', 'red']);

  await app.typeLabels('green, blue, yellow');
  // Green and blue are equally far from red: their order is a tie.
  await app.expectTopLabel('red.png', 'yellow');
  await expect(app.scores('red.png')).toHaveCount(3);
  await app.expectTopLabel('blue.png', 'blue');
  await expect(app.scores('blue.png')).toHaveText([/^blue /, /^(green|yellow) /, /^(green|yellow) /]);

  await app.labels.press('End');
  await app.labels.pressSequentially(', magenta');
  await expect(app.scores('red.png')).toHaveText([
    /^(yellow|magenta) /,
    /^(yellow|magenta) /,
    /^(green|blue) /,
    /^(green|blue) /,
  ]);
  await expect(app.cards()).toHaveCount(2);
});

test('labels split on full-width separators and newlines, with duplicates merged and said', async ({ app }) => {
  await app.openReady();
  await app.addImages([await solidImage('white', COLOURS.white)]);
  await app.typeLabels('black，white、 Cyan\n\nRED, White ,');
  await app.expectRanking('white.png', ['white', 'Cyan', 'RED', 'black']);
  await expect(app.page.getByText('Merged duplicate label: white.')).toBeVisible();
});

test('a word the model does not know scores below the matching colour', async ({ app }) => {
  await app.openReady();
  await app.addImages([await solidImage('black', COLOURS.black, 'jpeg')]);
  await app.typeLabels('banana, black');
  await app.expectRanking('black.jpg', ['black', 'banana']);
});

test('the status names the backend and the loaded model, and WASM runs on several threads', async ({ app, page }) => {
  await app.open();
  await expect(app.status).toContainText('Loading model fixtures/clip-colors');
  await expect(app.status).toHaveText(/^Model ready: fixtures\/clip-colors \(WASM, [2-8] threads, q8\)\./);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await app.addImages([await solidImage('cyan', COLOURS.cyan)]);
  await app.typeLabels('cyan, blue');
  await app.expectTopLabel('cyan.png', 'cyan');
  await expect(app.status).toContainText('fixtures/clip-colors');
});

test('no request leaves the page’s origin', async ({ app, page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  const requested: string[] = [];
  page.context().on('request', (request) => requested.push(request.url()));
  await app.openReady();
  await app.addImages([await solidImage('yellow', COLOURS.yellow, 'webp')]);
  await app.typeLabels('yellow, red, green');
  await app.expectTopLabel('yellow.webp', 'yellow');

  const foreign = requested.filter(
    (url) => !url.startsWith('blob:') && !url.startsWith('data:') && new URL(url).origin !== origin,
  );
  expect(foreign).toEqual([]);
  // The worker's own fetches are seen too: the model files and ONNX Runtime's WASM binary.
  expect(requested.some((url) => url.includes('/models/fixtures/clip-colors/resolve/main/onnx/vision_model'))).toBe(
    true,
  );
  expect(requested.some((url) => /ort-wasm-simd-threaded.*\.wasm$/.test(url))).toBe(true);
});

test('model files are served Hub-style: ranges honoured and a missing file is a real 404', async ({ request }) => {
  const base = '/models/fixtures/clip-colors/resolve/main';
  const config = await request.get(`${base}/config.json`);
  expect(config.status()).toBe(200);
  expect((await config.json()).model_type).toBe('clip');
  expect(config.headers()['etag']).toMatch(/^"[0-9a-f]{64}"$/);

  const probe = await request.get(`${base}/onnx/vision_model_quantized.onnx`, { headers: { Range: 'bytes=0-0' } });
  expect(probe.status()).toBe(206);
  expect(probe.headers()['content-range']).toMatch(/^bytes 0-0\/\d+$/);

  const missing = await request.get(`${base}/onnx/model_q4.onnx`);
  expect(missing.status()).toBe(404);
  expect(missing.headers()['content-type']).not.toContain('html');
  expect((await request.get('/models/other/repo/resolve/main/config.json')).status()).toBe(404);
  expect((await request.get(`${base}/../../../../package.json`)).status()).toBe(404);
});

test('a model that does not exist gets a clear message', async ({ app, page }) => {
  await app.open('/?host=/models&model=fixtures/no-such-model');
  await expect(page.getByRole('alert')).toContainText('fixtures/no-such-model was not found');
  await expect(app.status).toContainText('Model not loaded');
});

test('when the Hub cannot be reached the app says so and the host setting fixes it', async ({ app, page }) => {
  await page.context().route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await app.open('/');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Couldn\u2019t reach the Hugging Face Hub'.replace('\u2019', "'"));
  await expect(alert).toContainText('model host');

  await page.getByLabel('Model id').fill('fixtures/clip-colors');
  await page.getByLabel('Model host (mirror)').fill('/models');
  await page.getByRole('button', { name: 'Load model' }).click();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
  expect(new URL(page.url()).searchParams.get('host')).toBe('/models');

  await page.reload();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
});

test('a file that is not an image gets an alert naming it, and the next image still classifies', async ({ app }) => {
  await app.openReady();
  await app.typeLabels('red, green');
  await app.addImages([{ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') }]);
  await expect(app.page.getByRole('alert')).toContainText('notes.png');
  await app.addImages([await solidImage('green', COLOURS.green)]);
  await app.expectRanking('green.png', ['green', 'red']);
});

test('images added before the model is ready are classified once it is', async ({ app }) => {
  await app.open(FIXTURE_URL);
  await app.addImages([await solidImage('magenta', COLOURS.magenta)]);
  await app.typeLabels('magenta, green');
  await app.expectRanking('magenta.png', ['magenta', 'green']);
});
