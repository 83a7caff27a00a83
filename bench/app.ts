/**
 * The bench's app runs: one visit of the production build with the model stored, from an empty
 * library and no labels. Its window starts at the first thing a person does (setting the labels),
 * with the images added right after, so the app's text passes are inside it as the reference
 * pipeline's are; then an 11th label is typed key by key.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { classifiedShown, exportedScores, longestBlock, typeAtEnd, watchMainThread, worstFrame } from './page.ts';
import type { AnimationFrame } from './page.ts';
import type { Scores } from './parity.ts';
import { busiestRenderer, peakResidentBytes, rendererCpu } from './renderer-processes.ts';
import { observeVisionPasses, takeVisionPasses, type VisionPass } from './worker-timing.ts';

export interface AppSetup {
  /** The app's address with the model, device and threads; `&labels=` is added (a visit starts with none). */
  url: string;
  labels: string[];
  extraLabel: string;
  /** Says where a run is (stderr), so that a stalled run shows where it stalled. */
  step(what: string): void;
}

export interface AppRun {
  readyFromStoreMs: number;
  /** From the labels set (images added right after) to the last score list on the page. */
  endToEndMs: number;
  /** The 11th label: from the label list applied (after the debounce) to all images re-ranked on screen. */
  addLabelMs: number;
  /** The same from the 11th label's last keystroke (debounce included). */
  addLabelKeystrokeMs: number;
  longestTaskMs: number;
  /** The longest animation frame meanwhile, with its scripts: what the longest task was made of. */
  worstFrame: AnimationFrame | null;
  peakBytes: number;
  /** The same high-water mark read when the model was ready (before any image). */
  peakAtReadyBytes: number;
  /** CPU time of the busiest renderer over the whole visit (s): ONNX Runtime's threads spinning count too. */
  cpuS: number;
  /** Each image's scores by label, by file name (from the app's export). */
  scores: Map<string, Scores>;
  /** The app's own vision passes while the images were classified (worker User Timing). */
  visionPasses: VisionPass[];
}

export const photoName = (index: number) => `photo-${index}.jpg`;

/** Peak resident memory of the renderer process that did the work since `before` (its CPU times). */
export async function busiestRendererPeak(browser: Browser, before: Map<number, number>): Promise<number> {
  const busiest = busiestRenderer(before, await rendererCpu(browser));
  return busiest === undefined ? Number.NaN : peakResidentBytes(busiest);
}

/** Page time of the first `input` on the labels or `change` on the image input: the window's start. */
async function watchFirstAction(page: Page): Promise<void> {
  await page.evaluate(() => {
    const first = (event: Event) => {
      const w = window as unknown as { firstAction?: number };
      // Event listeners run in the input's own task: `now` is when the action reached the page.
      if ((event.target as Element).matches('input, textarea')) w.firstAction ??= performance.now();
    };
    document.addEventListener('input', first, { capture: true });
    document.addEventListener('change', first, { capture: true });
  });
}

/** Sets the labels and adds the images right after; resolves the window's [start, end] in page time. */
async function classifyFromLabels(page: Page, setup: AppSetup, images: Buffer[]): Promise<[number, number]> {
  await watchFirstAction(page);
  const scored = classifiedShown(page, images.length, setup.labels.length);
  await page.getByLabel('Candidate labels').fill(setup.labels.join(', '));
  await page
    .getByLabel('Add images')
    .setInputFiles(images.map((buffer, i) => ({ name: photoName(i), mimeType: 'image/jpeg', buffer })));
  const finished = await scored;
  const started = await page.evaluate(() => (window as unknown as { firstAction: number }).firstAction);
  return [started, finished];
}

/** An 11th label typed at the end of the list; resolves its last keystroke, its application and the re-ranked page. */
async function typeExtraLabel(page: Page, setup: AppSetup, images: number): Promise<[number, number, number]> {
  const n = setup.labels.length + 1;
  const reranked = classifiedShown(page, images, n, setup.extraLabel);
  const lastKey = await typeAtEnd(page.getByLabel('Candidate labels'), `, ${setup.extraLabel}`);
  const rerankedAt = await reranked;
  // The last application of 11 labels: a pause in typing may have applied a half-typed one first.
  const applied = await page.evaluate(
    (n) =>
      performance
        .getEntriesByName('labels-applied')
        .filter((m) => (m as PerformanceMark).detail === n)
        .at(-1)?.startTime ?? Number.NaN,
    n,
  );
  return [lastKey, applied, rerankedAt];
}

export async function appRun(
  browser: Browser,
  context: BrowserContext,
  setup: AppSetup,
  images: Buffer[],
): Promise<AppRun> {
  const before = await rendererCpu(browser);
  const page = await context.newPage();
  // Each run starts from an empty library (the model stays stored): its images and labels are really encoded.
  await page.addInitScript(() => void indexedDB.deleteDatabase('zero-shot-classifier-library'));
  await watchMainThread(page);
  // No labels in the link: the labels kept from the previous run must not be encoded before the window.
  await page.goto(`${setup.url}&labels=`);
  const status = page.getByRole('status');
  await status.filter({ hasText: 'Model ready' }).waitFor({ timeout: 300_000 });
  // No attribute is no reading (NaN), never a perfect one.
  const readyFromStoreMs = Number((await status.getAttribute('data-load-ms')) ?? Number.NaN);
  const peakAtReadyBytes = await busiestRendererPeak(browser, before);
  await observeVisionPasses(page);
  setup.step('app: model ready, labels and images');
  const [started, finished] = await classifyFromLabels(page, setup, images);
  const visionPasses = await takeVisionPasses(page);
  const longestTaskMs = await longestBlock(page, started, finished);
  const worst = await worstFrame(page, started, finished);
  const scores = await exportedScores(page);
  setup.step('app: classified, typing an 11th label');
  const [lastKey, applied, rerankedAt] = await typeExtraLabel(page, setup, images.length);

  const peakBytes = await busiestRendererPeak(browser, before);
  const after = await rendererCpu(browser);
  const cpuS = Math.max(...[...after].map(([pid, cpu]) => cpu - (before.get(pid) ?? 0)));
  await page.close();
  return {
    readyFromStoreMs,
    endToEndMs: finished - started,
    addLabelMs: rerankedAt - applied,
    addLabelKeystrokeMs: rerankedAt - lastKey,
    longestTaskMs,
    worstFrame: worst,
    peakBytes,
    peakAtReadyBytes,
    cpuS,
    scores,
    visionPasses,
  };
}

/**
 * The peak resident memory of an empty renderer: a blank page of the same origin, with the same
 * isolation headers, in the same browser. Read before any app page exists, so that no closed page's
 * process (and its high-water mark) can be reused for it.
 */
export async function emptyRendererPeak(browser: Browser, blankUrl: string): Promise<number> {
  const before = await rendererCpu(browser);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(blankUrl);
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 })));
    const after = await rendererCpu(browser);
    // A new process if there is one (Chromium may also hand the page a spare renderer started earlier).
    const fresh = new Map([...after].filter(([pid]) => !before.has(pid)));
    const pid = busiestRenderer(before, fresh.size > 0 ? fresh : after);
    return pid === undefined ? Number.NaN : peakResidentBytes(pid);
  } finally {
    await context.close();
  }
}
