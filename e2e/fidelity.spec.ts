/**
 * The page against a reference computed outside the browser: transformers.js' own
 * zero-shot-image-classification pipeline in Node (onnxruntime-node, sharp), on the same fixture
 * files and the same image bytes, in this test's process. fp32 on both sides, so what is compared
 * is the preprocessing (decoding, resizing, cropping, normalising) and the text path.
 */
import { RawImage, env, pipeline, type ZeroShotImageClassificationPipeline } from '@huggingface/transformers';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.ts';
import { solidImage, type Rgb } from './images.ts';

env.allowRemoteModels = false;
env.localModelPath = fileURLToPath(new URL('../fixtures/', import.meta.url));

const LABELS = ['red', 'green', 'blue', 'yellow', 'cyan', 'magenta', 'white', 'black'];
const TEMPLATE = 'a photo of a {}.';
const COLOURS: Record<string, Rgb> = {
  orange: [255, 140, 0],
  teal: [0, 128, 128],
  purple: [128, 0, 128],
  grey: [128, 128, 128],
};
/** Half the display rounding (0.1 points). */
const TOLERANCE = 0.0006;

let reference: ZeroShotImageClassificationPipeline | null = null;

async function referenceScores(bytes: Buffer): Promise<Record<string, number>> {
  reference ??= (await pipeline('zero-shot-image-classification', 'clip-colors', {
    device: 'cpu',
    dtype: 'fp32',
  })) as ZeroShotImageClassificationPipeline;
  const output = (await reference(await RawImage.fromBlob(new Blob([new Uint8Array(bytes)])), LABELS, {
    hypothesis_template: TEMPLATE,
  })) as { label: string; score: number }[];
  return Object.fromEntries(output.map(({ label, score }) => [label, score]));
}

test('solid colours score as transformers.js scores them in Node, to display rounding (WASM fp32)', async ({ app }) => {
  const params = new URLSearchParams({
    host: '/models',
    model: 'fixtures/clip-colors',
    device: 'wasm',
    dtype: 'fp32',
    template: TEMPLATE,
  });
  await app.openReady(`/?${params}`);
  await app.typeLabels(LABELS.join(', '));
  const images = await Promise.all(Object.entries(COLOURS).map(([name, rgb]) => solidImage(name, rgb)));
  await app.addImages(images);
  let largest = 0;
  for (const image of images) {
    await expect(app.scores(image.name)).toHaveCount(LABELS.length);
    const ours: Record<string, number> = Object.fromEntries(
      await app
        .scores(image.name)
        .evaluateAll((items) =>
          items.map((li) => [
            li.querySelector('.score-label')?.textContent ?? '',
            Number(li.getAttribute('data-score')),
          ]),
        ),
    );
    const theirs = await referenceScores(image.buffer);
    for (const label of LABELS) {
      const gap = Math.abs(ours[label] - theirs[label]);
      largest = Math.max(largest, gap);
      expect(gap, `${image.name} ${label}: page ${ours[label]} vs Node ${theirs[label]}`).toBeLessThan(TOLERANCE);
    }
  }
  test.info().annotations.push({ type: 'largest gap (points)', description: (largest * 100).toFixed(4) });
});
