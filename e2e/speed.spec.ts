import { COLOURS, solidImage, type Rgb } from './images.ts';
import { expect, faultyHost, test, watchModelRequests, type ClassifierPage } from './fixtures.ts';

const LABELS = 'red, green, blue, yellow, cyan, magenta, white, black';

/** Exact scores, by label, as the page shows them (each list item carries its score). */
async function scoresOf(app: ClassifierPage, fileName: string): Promise<Record<string, number>> {
  const items = app.scores(fileName);
  const entries = await items.evaluateAll((lis) =>
    lis.map((li) => [li.querySelector('.score-label')?.textContent ?? '', Number(li.getAttribute('data-score'))]),
  );
  return Object.fromEntries(entries);
}

/** The page's running count of encoded prompts and images, and of cached embeddings reused. */
async function work(app: ClassifierPage): Promise<{ texts: number; images: number; imagesCached: number }> {
  const summary = app.page.locator('.work-summary');
  // The summary is shown once something was encoded or reused.
  if ((await summary.count()) === 0) return { texts: 0, images: 0, imagesCached: 0 };
  return {
    texts: Number(await summary.getAttribute('data-texts-encoded')),
    images: Number(await summary.getAttribute('data-images-encoded')),
    imagesCached: Number(await summary.getAttribute('data-images-cached')),
  };
}

test('the joint model gives the split towers’ scores (within 1e-4) when a repository has only it', async ({
  app,
}, testInfo) => {
  const images = [
    await solidImage('amber', [230, 150, 30]),
    await solidImage('teal', [20, 160, 150], 'jpeg'),
    await solidImage('plum', [150, 60, 140], 'webp'),
  ];
  await app.openReady();
  await app.typeLabels(LABELS);
  await app.addImages(images);
  const split: Record<string, number>[] = [];
  for (const image of images) {
    await expect(app.scores(image.name)).toHaveCount(8);
    split.push(await scoresOf(app, image.name));
  }

  const server = faultyHost(testInfo);
  await server.fault('onnx/text_model_quantized.onnx', 'missing');
  await server.fault('onnx/vision_model_quantized.onnx', 'missing');
  await app.openReady(server.url);
  await expect(app.status).toContainText('joint model');
  await app.typeLabels(LABELS);
  await app.addImages(images);
  for (const [i, image] of images.entries()) {
    await expect(app.scores(image.name)).toHaveCount(8);
    const joint = await scoresOf(app, image.name);
    for (const [label, score] of Object.entries(split[i])) {
      expect(Math.abs(joint[label] - score), `${image.name} ${label}`).toBeLessThan(1e-4);
    }
  }
});

test('a host without the 8-bit files falls back to the full-precision ones, downloading only those', async ({
  app,
  page,
}, testInfo) => {
  const server = faultyHost(testInfo);
  for (const file of ['text_model_quantized.onnx', 'vision_model_quantized.onnx', 'model_quantized.onnx']) {
    await server.fault(`onnx/${file}`, 'missing');
  }
  const requests = watchModelRequests(page);
  await app.openReady(server.url);
  await expect(app.status).toContainText('fp32');
  const onnx = requests.downloads.filter((file) => file.endsWith('.onnx')).sort();
  expect(onnx).toEqual(['onnx/text_model.onnx', 'onnx/vision_model.onnx']);
  await app.typeLabels(LABELS);
  await app.addImages([await solidImage('teal', COLOURS.cyan), await solidImage('rose', COLOURS.red, 'jpeg')]);
  await app.expectTopLabel('teal.png', 'cyan');
  await app.expectTopLabel('rose.jpg', 'red');
});

test('adding a label encodes only that label; adding an image encodes only that image', async ({ app }) => {
  await app.openReady();
  await app.addImages([await solidImage('red', COLOURS.red), await solidImage('blue', COLOURS.blue)]);
  await app.typeLabels('red, blue');
  await app.expectTopLabel('blue.png', 'blue');
  await expect.poll(() => work(app)).toEqual({ texts: 2, images: 2, imagesCached: 0 });

  await app.typeLabels('red, blue, green');
  await app.expectRanking('blue.png', ['blue', 'green', 'red']);
  // One new prompt; both images re-ranked from their cached embeddings.
  await expect.poll(() => work(app)).toEqual({ texts: 3, images: 2, imagesCached: 2 });

  await app.addImages([await solidImage('green', COLOURS.green)]);
  await app.expectTopLabel('green.png', 'green');
  await expect.poll(() => work(app)).toEqual({ texts: 3, images: 3, imagesCached: 2 });
});

test('the same picture under another name is recognised by its content and not encoded again', async ({ app }) => {
  await app.openReady();
  await app.typeLabels('yellow, cyan');
  const yellow = await solidImage('first', COLOURS.yellow);
  await app.addImages([yellow]);
  await app.expectTopLabel('first.png', 'yellow');
  await app.addImages([{ ...yellow, name: 'copy.png' }]);
  await app.expectTopLabel('copy.png', 'yellow');
  // One picture, shown once with both names (the library issue), encoded once.
  await expect(app.page.getByRole('article', { name: 'first.png' })).toContainText('Also added as copy.png');
  await expect.poll(() => work(app)).toEqual({ texts: 2, images: 1, imagesCached: 1 });
  await app.classifiedAll(2);
});

test('labels re-rank live while typed, and the last labels win', async ({ app }) => {
  await app.openReady();
  await app.addImages([await solidImage('magenta', COLOURS.magenta), await solidImage('cyan', COLOURS.cyan)]);
  await app.labels.pressSequentially('red, blue, green, magenta, cyan', { delay: 40 });
  await app.expectTopLabel('magenta.png', 'magenta');
  await expect(app.scores('magenta.png')).toHaveCount(5);
  await app.expectTopLabel('cyan.png', 'cyan');
  await app.labels.press('ControlOrMeta+a');
  await app.labels.pressSequentially('white, black', { delay: 40 });
  await app.expectRanking('cyan.png', ['white', 'black']);
  await expect(app.scores('magenta.png')).toHaveCount(2);
});

test('a hundred images: results arrive per image, with overall progress, Cancel and resume', async ({
  app,
  page,
}, testInfo) => {
  test.slow();
  const colours = Object.entries(COLOURS);
  const files = await Promise.all(
    Array.from({ length: 100 }, (_, i) => {
      const [name, rgb] = colours[i % colours.length];
      // Slightly different pixels each, so that every image is really encoded.
      const shade = rgb.map((c) => (c === 0 ? Math.floor(i / 2) : 255 - Math.floor(i / 2))) as Rgb;
      // PNG: lossless, so no two of them decode to the same pixels.
      return solidImage(`${name}-${i}`, shade, 'png', { width: 320, height: 240 });
    }),
  );
  // The vision model's download is held on the model host: Cancel always comes before any image is done.
  const server = faultyHost(testInfo);
  await server.fault('onnx/vision_model_quantized.onnx', 'hold');
  await app.open(server.url);
  await expect.poll(() => server.held()).toBe(1);
  await app.typeLabels(LABELS);
  await app.addImages(files);
  const progress = page.getByRole('progressbar', { name: 'Classification progress' });
  await expect(progress).toBeVisible();
  await expect(page.getByText('Classifying: 0 of 100 images done')).toBeVisible();

  await page.getByRole('button', { name: 'Cancel classification' }).click();
  await expect(page.getByText('Stopped: 0 of 100 images done')).toBeVisible();
  // The model arrives; a stopped run stays stopped until asked.
  await server.release();
  await expect(app.status).toContainText('Model ready');
  await expect(page.getByText('Stopped: 0 of 100 images done')).toBeVisible();
  expect((await work(app)).images).toBe(0);

  await page.getByRole('button', { name: 'Classify the rest' }).click();
  await expect(progress).toHaveCount(0, { timeout: 120_000 });
  await app.classifiedAll(100);
  const exported = await app.exportJson();
  expect(exported.images).toHaveLength(100);
  for (const i of [0, 13, 42, 99]) {
    expect(exported.images.find((image) => image.file === files[i].name)?.scores[0].label).toBe(
      colours[i % colours.length][0],
    );
  }
  for (const i of [0, 13]) await app.expectTopLabel(files[i].name, colours[i % colours.length][0]);
  // Each picture encoded once.
  expect(await work(app)).toMatchObject({ images: 100, imagesCached: 0 });
});
