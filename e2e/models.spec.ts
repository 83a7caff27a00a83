/**
 * Model choice and classification semantics: each fixture's scores against the transformers.js
 * pipeline in the same browser, SigLIP's independent scores, Chinese labels, prompt ensembles,
 * the catalogue, a model the app cannot run, and a model folder imported from disk.
 */
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { STATIC_ORIGIN, expect, test, type ClassifierPage } from './fixtures.ts';
import { COLOURS, solidImage, type ImageFile, type Rgb } from './images.ts';

interface Setup {
  host: string;
  model: string;
  threads: number;
}

/** The calls of the reference page (bench/reference/references.ts) these tests use. */
interface ReferenceHarness {
  zeroShot(
    setup: Setup,
    imageUrl: string,
    labels: string[],
    template: string,
    dtype: 'fp32',
  ): Promise<{ label: string; score: number }[]>;
  ensembleScores(
    setup: Setup,
    imageUrl: string,
    labels: string[],
    templates: string[],
    dtype: 'fp32',
  ): Promise<number[]>;
}

/**
 * The seven templates of OpenAI's prompt-engineering notebook, written out rather than imported
 * from the app, so that a wrong list in the app fails here.
 */
const ENSEMBLE = [
  'itap of a {}.',
  'a bad photo of the {}.',
  'a origami {}.',
  'a photo of the large {}.',
  'a {} in a video game.',
  'art of the {}.',
  'a photo of the small {}.',
];

/** Exact scores, by label, as the page shows them (each list item carries its score). */
async function scoresOf(app: ClassifierPage, fileName: string): Promise<Record<string, number>> {
  return Object.fromEntries(
    await app
      .scores(fileName)
      .evaluateAll((lis) =>
        lis.map((li) => [li.querySelector('.score-label')?.textContent ?? '', Number(li.getAttribute('data-score'))]),
      ),
  );
}

/** A colour made fresh for each run, away from the grey middle where every colour is about as near. */
function randomColour(): Rgb {
  return [0, 1, 2].map(() => (Math.random() < 0.5 ? 0 : 180) + Math.floor(Math.random() * 75)) as Rgb;
}

/** The reference page (transformers.js itself, in a worker) in a second tab of the same browser. */
async function referencePage(page: Page): Promise<Page> {
  const reference = await page.context().newPage();
  await reference.goto(`${STATIC_ORIGIN}/bench/`);
  await expect(reference).toHaveTitle('harness ready');
  return reference;
}

/**
 * Images compared with the reference page are at the model's input size: the pipeline in the
 * browser resizes with a canvas, the app as transformers.js does outside the browser (sharp's
 * bicubic; e2e/fidelity.spec.ts checks that against Node); at 224×224 neither resizes anything.
 */
const AT_INPUT_SIZE = { width: 224, height: 224 };

function dataUrl(image: ImageFile): string {
  return `data:${image.mimeType};base64,${image.buffer.toString('base64')}`;
}

const PARITY_CASES = [
  { model: 'fixtures/clip-colors', labels: ['red', 'green', 'blue', 'yellow', 'dog'], template: 'a photo of a {}.' },
  {
    model: 'fixtures/siglip-colors',
    labels: ['red', 'green', 'blue', 'yellow', 'white'],
    template: 'This is a photo of {}',
  },
  { model: 'fixtures/chinese-clip-colors', labels: ['红', '绿', '蓝', '品红', '黑'], template: '一张{}的照片。' },
];

for (const { model, labels, template } of PARITY_CASES) {
  test(`${model}: the app's scores equal the transformers.js pipeline's (within 1e-4)`, async ({ app, page }) => {
    const images = [
      await solidImage('first', randomColour(), 'png', AT_INPUT_SIZE),
      await solidImage('second', randomColour(), 'jpeg', AT_INPUT_SIZE),
    ];
    const params = new URLSearchParams({ host: '/models', model, device: 'wasm', dtype: 'fp32', template });
    await app.openReady(`/?${params}`);
    await app.typeLabels(labels.join(', '));
    await app.addImages(images);
    const reference = await referencePage(page);
    for (const image of images) {
      await expect(app.scores(image.name)).toHaveCount(labels.length);
      const ours = await scoresOf(app, image.name);
      const theirs = await reference.evaluate(
        ([setup, url, labels, template]) =>
          (window as unknown as { harness: ReferenceHarness }).harness.zeroShot(
            setup,
            url,
            [...labels],
            template,
            'fp32',
          ),
        [{ host: `${STATIC_ORIGIN}/models`, model, threads: 1 }, dataUrl(image), labels, template] as const,
      );
      expect(theirs).toHaveLength(labels.length);
      for (const { label, score } of theirs) {
        expect(Math.abs(ours[label] - score), `${image.name} ${label}: ${ours[label]} vs ${score}`).toBeLessThan(1e-4);
      }
    }
  });
}

/** The reference pipeline's scores for one image under one template, in the order of `labels`. */
async function referenceScores(
  reference: Page,
  model: string,
  image: ImageFile,
  labels: string[],
  template: string,
): Promise<number[]> {
  const output = await reference.evaluate(
    ([setup, url, labels, template]) =>
      (window as unknown as { harness: ReferenceHarness }).harness.zeroShot(setup, url, [...labels], template, 'fp32'),
    [{ host: `${STATIC_ORIGIN}/models`, model, threads: 1 }, dataUrl(image), labels, template] as const,
  );
  return labels.map((label) => output.find((o) => o.label === label)?.score ?? NaN);
}

const largestDifference = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

test('a prompt ensemble averages seven templates, as the reference computes it from the joint model', async ({
  app,
  page,
}) => {
  const labels = ['red', 'green', 'blue', 'yellow', 'cyan'];
  // Pure red (whose scores move most with the temperature a template sets), and a colour made fresh for this run.
  const images = [
    await solidImage('ensemble-red', COLOURS.red, 'png', AT_INPUT_SIZE),
    await solidImage('ensemble', randomColour(), 'png', AT_INPUT_SIZE),
  ];
  await app.openReady('/?host=/models&model=fixtures/clip-colors&device=wasm&dtype=fp32');
  await app.page.getByLabel(/Prompt ensemble/).check();
  await expect(app.page).toHaveURL(/ensemble=1/);
  await expect(app.page.getByLabel('Prompt template')).toBeDisabled();
  await app.typeLabels(labels.join(', '));
  await app.addImages(images);
  for (const image of images) await expect(app.scores(image.name)).toHaveCount(labels.length);
  // Every template of every label was encoded once.
  await expect(app.page.locator('.work-summary')).toHaveAttribute(
    'data-texts-encoded',
    String(labels.length * ENSEMBLE.length),
  );
  const reference = await referencePage(page);
  for (const image of images) {
    const scores = await scoresOf(app, image.name);
    const ours = labels.map((label) => scores[label]);
    if (image.name === 'ensemble-red.png') {
      // Not one template's scores: neither the first template alone, nor the default template, nor the bare labels.
      for (const template of [ENSEMBLE[0], 'a photo of a {}.', '{}']) {
        const single = await referenceScores(reference, 'fixtures/clip-colors', image, labels, template);
        expect(largestDifference(ours, single), `ensemble vs "${template}" alone`).toBeGreaterThan(0.01);
      }
    }
    const theirs = await reference.evaluate(
      ([setup, url, labels, templates]) =>
        (window as unknown as { harness: ReferenceHarness }).harness.ensembleScores(
          setup,
          url,
          [...labels],
          [...templates],
          'fp32',
        ),
      [
        { host: `${STATIC_ORIGIN}/models`, model: 'fixtures/clip-colors', threads: 1 },
        dataUrl(image),
        labels,
        ENSEMBLE,
      ] as const,
    );
    labels.forEach((label, i) => expect(Math.abs(ours[i] - theirs[i]), `${image.name} ${label}`).toBeLessThan(1e-4));
  }

  // A shared link brings the ensemble back.
  await app.page.reload();
  await expect(app.page.getByLabel(/Prompt ensemble/)).toBeChecked();
});

test('an edited template goes into the link, re-encodes only text, and changes the scores as the pipeline does', async ({
  app,
  page,
}) => {
  await app.openReady('/?host=/models&model=fixtures/clip-colors&device=wasm&dtype=fp32');
  const labels = ['red', 'green', 'blue'];
  await app.typeLabels(labels.join(', '));
  const image = await solidImage('red', COLOURS.red, 'png', AT_INPUT_SIZE);
  await app.addImages([image]);
  await app.expectTopLabel(image.name, 'red');
  await expect(app.scores(image.name)).toHaveCount(labels.length);
  const before = await scoresOf(app, image.name);
  const template = 'a blurry picture of the {}';
  await app.page.getByLabel('Prompt template').fill(template);
  await expect(app.page).toHaveURL(/template=a\+blurry\+picture\+of\+the\+%7B%7D/);
  // The template's words lower the cosines (a higher temperature): red loses about 4 points.
  await expect.poll(async () => before.red - (await scoresOf(app, image.name)).red).toBeGreaterThan(0.02);
  await app.expectTopLabel(image.name, 'red');
  const summary = app.page.locator('.work-summary');
  await expect(summary).toHaveAttribute('data-texts-encoded', '6');
  await expect(summary).toHaveAttribute('data-images-encoded', '1');
  // Exactly the pipeline's scores for that template.
  const after = await scoresOf(app, image.name);
  const theirs = await referenceScores(await referencePage(page), 'fixtures/clip-colors', image, labels, template);
  labels.forEach((label, i) => expect(Math.abs(after[label] - theirs[i]), label).toBeLessThan(1e-4));

  // A template can flip a close call: on a black image, the farthest colour against a word the model does not know.
  await app.typeLabels('white, banana');
  const black = await solidImage('black', COLOURS.black);
  await app.addImages([black]);
  await app.expectTopLabel(black.name, 'banana');
  await app.page.getByLabel('Prompt template').fill('a photo of a {}.');
  await app.expectTopLabel(black.name, 'white');
});

test('SigLIP scores are independent: they do not sum to 100%, and “Pick one label” makes them a distribution', async ({
  app,
}) => {
  await app.openReady('/?host=/models&model=fixtures/siglip-colors');
  await app.typeLabels('red, green, blue, yellow');
  const image = await solidImage('yellow', COLOURS.yellow);
  await app.addImages([image]);
  await expect(app.scores(image.name)).toHaveCount(4);
  await app.expectTopLabel(image.name, 'yellow');
  await expect(app.page.getByText(/do not add up to 100%/).first()).toBeVisible();
  const independent = Object.values(await scoresOf(app, image.name)).reduce((a, b) => a + b, 0);
  expect(Math.abs(independent - 1)).toBeGreaterThan(0.2);

  await app.page.getByLabel('Pick one label').check();
  await expect(app.page).toHaveURL(/mode=one/);
  await expect
    .poll(async () => Object.values(await scoresOf(app, image.name)).reduce((a, b) => a + b, 0))
    .toBeCloseTo(1, 5);
  await app.expectTopLabel(image.name, 'yellow');
});

test('CLIP models offer no “any that apply” switch: their scores are one distribution', async ({ app }) => {
  await app.openReady();
  await expect(app.page.getByLabel('Any that apply')).toHaveCount(0);
});

test('Chinese-CLIP ranks Chinese colour words, full-width commas included', async ({ app }) => {
  await app.openReady('/?host=/models&model=fixtures/chinese-clip-colors');
  await app.typeLabels('红，绿，蓝，品红');
  const green = await solidImage('green', [30, 200, 40]);
  const magenta = await solidImage('magenta', [230, 20, 220], 'jpeg');
  await app.addImages([green, magenta]);
  await app.expectTopLabel(green.name, '绿');
  await app.expectTopLabel(magenta.name, '品红');
});

test('a model the app cannot run gets a clear message', async ({ app, page }) => {
  await app.open('/?host=/models&model=fixtures/text-only');
  await expect(page.getByRole('alert')).toContainText('not a zero-shot image classification model');
});

test('the model picker shows each model’s download for the precision that will be used, and its accuracy', async ({
  app,
  page,
}) => {
  await app.openReady('/?host=/models&model=fixtures/clip-colors&device=wasm');
  await page.getByText('Settings').click();
  const picker = page.getByLabel('Model catalogue');
  await expect(picker.getByRole('option', { name: /CLIP ViT-L\/14 — 432 MB \(q8\), 75\.3% ImageNet/ })).toHaveCount(1);
  await expect(picker.getByRole('option', { name: /Chinese-CLIP/ })).toHaveCount(1);
  await expect(picker.getByRole('option', { name: /SigLIP/ })).toHaveCount(1);
  await expect(picker.getByRole('option', { name: /MobileCLIP/ })).toHaveCount(1);
  await expect(picker).toHaveValue('');
  await picker.selectOption('Xenova/clip-vit-large-patch14');
  await expect(page.getByLabel('Model id')).toHaveValue('Xenova/clip-vit-large-patch14');
  await page.getByLabel('Precision').selectOption('fp32');
  await expect(picker.getByRole('option', { name: /CLIP ViT-L\/14 — 1,715 MB \(fp32\)/ })).toHaveCount(1);
});

test('a model folder imported from disk is stored and classifies with the network off', async ({
  app,
  page,
  context,
}) => {
  await app.openReady();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByText('Settings').click();
  const folder = fileURLToPath(new URL('../fixtures/chinese-clip-colors', import.meta.url));
  await page.getByLabel('Import a model folder').setInputFiles(folder);
  await expect(page.getByText(/Imported imported\/chinese-clip-colors: 9 files/)).toBeVisible();
  await expect(app.status).toContainText('Model ready: imported/chinese-clip-colors', { timeout: 45_000 });
  await expect(page).toHaveURL(/host=%2Flocal-models/);

  await context.setOffline(true);
  await page.reload();
  await expect(app.status).toContainText('Model ready: imported/chinese-clip-colors', { timeout: 45_000 });
  await app.typeLabels('红，绿，蓝');
  const blue = await solidImage('blue', [20, 40, 230]);
  await app.addImages([blue]);
  await app.expectTopLabel(blue.name, '蓝');
});

test('a folder that is not a model is refused with a reason, and nothing changes', async ({ app, page }) => {
  await app.openReady();
  await page.getByText('Settings').click();
  const folder = fileURLToPath(new URL('../src/shared', import.meta.url));
  await page.getByLabel('Import a model folder').setInputFiles(folder);
  await expect(page.getByText(/could not be imported: “shared” has no config\.json/)).toBeVisible();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
});
