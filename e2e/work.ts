/** Work done the same way by several specs: colour images ranked, a fallback that loses nothing. */
import { COLOURS, solidImage, type Format } from './images.ts';
import { expect, type ClassifierPage } from './fixtures.ts';

const NAMES = Object.keys(COLOURS);
const FORMATS: Format[] = ['png', 'jpeg', 'webp', 'gif', 'avif'];

export async function expectColoursRanked(app: ClassifierPage): Promise<void> {
  const files = await Promise.all(
    NAMES.map((name, i) => solidImage(`${name}-${i}`, COLOURS[name], FORMATS[i % FORMATS.length])),
  );
  await app.addImages(files);
  await app.typeLabels([...NAMES].reverse().join(', '));
  for (const [i, name] of NAMES.entries()) await app.expectTopLabel(files[i].name, name);
  // Each result shows its time per image.
  await expect(app.page.locator('.card-meta').first()).toHaveText(/^\d+ ms per image on (WebGPU|WASM)$/);
}

/** Images and labels added before WebGPU fails; after the fallback they are all still there, ranked on WASM. */
export async function expectFallbackKeepsWork(app: ClassifierPage, reason: RegExp): Promise<void> {
  await expect(app.page.getByText(/WebGPU failed: .*; running on the CPU \(WASM\)\./)).toContainText(reason, {
    timeout: 60_000,
  });
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors (WASM', { timeout: 60_000 });
  await expect(app.status).not.toContainText('WebGPU');
  await expect(app.labels).toHaveValue('yellow, cyan, black');
  await expect(app.cards()).toHaveCount(3);
  await app.expectTopLabel('yellow.png', 'yellow');
  await app.expectTopLabel('cyan.jpg', 'cyan');
  await app.expectTopLabel('black.webp', 'black');
}

export async function addWork(app: ClassifierPage): Promise<void> {
  await app.addImages([
    await solidImage('yellow', COLOURS.yellow),
    await solidImage('cyan', COLOURS.cyan, 'jpeg'),
    await solidImage('black', COLOURS.black, 'webp'),
  ]);
  await app.typeLabels('yellow, cyan, black');
}
