/**
 * `npm run bench`: speed figures of the production build on `fixtures/clip-vit-b32-random` (CLIP
 * ViT-B/32's shapes and sizes), in headless Chromium on WASM, each measured side by side with its
 * reference in the same run. Prints a table, then one JSON object as the last line.
 *
 * Needs the base fixture (`npm run fixtures -- --base`), the app build (`dist/`) and the reference
 * page build (`dist-bench/`); `npm run bench` makes all three first.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { libraryScenario, type LibraryFigures } from './library.ts';
import { duplicateFigures } from './duplicates/duplicates.ts';
import { ISOLATION_HEADERS, MODELS_PREFIX, handleModelRequest } from '../scripts/model-server.ts';
import { fileFor, sendFile } from '../e2e/servers/static-files.ts';
import { TYPING_DEBOUNCE_MS } from '../src/ui/session/typing-pauses.ts';
import { appRun, emptyRendererPeak, photoName, type AppRun, type AppSetup } from './app.ts';
import { checkParity, combine, NO_PARITY, type Parity, type Scores } from './parity.ts';
import { invalidFigures, mb, ms, ratio, rounded, row } from './report.ts';
import { perImage } from './worker-timing.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL = 'fixtures/clip-vit-b32-random';
const MODEL_DIR = join(ROOT, 'fixtures', 'clip-vit-b32-random');
const FILES = ['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx'];
const LABELS = ['owl', 'fox', 'seagull', 'cat', 'dog', 'car', 'tree', 'house', 'boat', 'flower'];
const EXTRA_LABEL = 'horse';
/** The app's default template, given to the reference pipeline too. */
const TEMPLATE = 'a photo of a {}.';
const IMAGES = 20;
/** The longer run of point 6: where reading ahead and caching should matter more. */
const LONG_IMAGES = Number(process.env.BENCH_LONG_IMAGES ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const LIBRARY_IMAGES = Number(process.env.BENCH_LIBRARY_IMAGES ?? 1000);
/** The keystroke targets: the app's typing debounce, plus what a re-rank or a search may add to it. */
const KEYSTROKE_TARGET_MS = TYPING_DEBOUNCE_MS + 60;
/** Batch sizes onnxruntime-node is timed at first (the app batches its vision passes by 4); others on demand. */
const NATIVE_BATCHES = [1, 4];

interface Setup {
  host: string;
  model: string;
  threads: number;
}

/** The reference page's API (bench/reference/harness.ts). */
interface Harness {
  pipeline(
    setup: Setup,
    imageUrls: string[],
    labels: string[],
    template: string,
  ): Promise<{ ms: number; scores: Record<string, number>[] }>;
  textPass(setup: Setup, label: string, runs: number): Promise<number>;
  visionPass(setup: Setup, imageUrl: string, runs: number, device?: 'wasm' | 'webgpu'): Promise<number>;
  sessionsFromMemory(setup: Setup, files: string[]): Promise<number>;
}

declare global {
  interface Window {
    harness: Harness;
  }
}

const benchStart = performance.now();
/** Where the bench is, on stderr (the table and the JSON line stay on stdout). */
function step(what: string): void {
  console.error(`[bench ${((performance.now() - benchStart) / 1000).toFixed(0)} s] ${what}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Photo-sized JPEGs with smooth random content, different in every image. */
async function makeImages(count: number): Promise<Buffer[]> {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 255;
  return Promise.all(
    Array.from({ length: count }, () => {
      const small = Buffer.from(Array.from({ length: 16 * 12 * 3 }, random));
      return sharp(small, { raw: { width: 16, height: 12, channels: 3 } })
        .resize(640, 480, { kernel: 'cubic' })
        .jpeg({ quality: 85 })
        .toBuffer();
    }),
  );
}

function serve(images: Buffer[]): Promise<Server> {
  const dist = join(ROOT, 'dist');
  const distBench = join(ROOT, 'dist-bench');
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const image = /^\/bench-images\/(\d+)\.jpg$/.exec(path);
    if (path.startsWith(MODELS_PREFIX)) handleModelRequest(join(ROOT, 'fixtures'), req, res);
    else if (image) {
      res.setHeader('Content-Type', 'image/jpeg');
      res.end(images[Number(image[1])]);
    } else if (path === '/bench-blank') {
      // An empty page, cross-origin isolated as the app is: the renderer's own memory.
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><title>blank</title>');
    } else if (path.startsWith('/bench/')) sendFile(res, fileFor(distBench, path.slice('/bench'.length)));
    else sendFile(res, fileFor(dist, path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function harness<T>(context: BrowserContext, origin: string, run: (page: Page) => Promise<T>): Promise<T> {
  const page = await context.newPage();
  await page.goto(`${origin}/bench/`);
  await page.waitForFunction(() => document.title === 'harness ready');
  try {
    return await run(page);
  } finally {
    await page.close();
  }
}

/** onnxruntime-node's best (min) time per image for a vision pass of `batch` images, on the same file and threads. */
async function nativeVisionMs(batch: number): Promise<number> {
  const session = await ort.InferenceSession.create(join(MODEL_DIR, 'onnx/vision_model_quantized.onnx'), {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
  });
  // Values spread like normalised pixels: activations quantised at run time see a real range.
  let seed = 7;
  const pixels = Float32Array.from({ length: batch * 3 * 224 * 224 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed / 0x7fffffff) * 3.6 - 1.8;
  });
  const feeds = { pixel_values: new ort.Tensor('float32', pixels, [batch, 3, 224, 224]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  return Math.min(...times) / batch;
}

function libraryUrl(origin: string): string {
  return `${origin}/?host=/models&model=${MODEL}&device=wasm&threads=${THREADS}`;
}

function printLibrary(library: LibraryFigures): void {
  row(`Library: ${library.images} photos added at once`, ms(library.runMs), 'to all announced classified');
  row('  library_longest_main_task_ms (target ≤ 50)', ms(library.longestTaskMs));
  row('  library_reload_ready_ms (target ≤ 2000)', ms(library.reloadReadyMs));
  row('  library_relabel_ms (target ≤ 300)', ms(library.relabelMs), 'from the label list applied (after the debounce)');
  row('  library_relabel_keystroke_ms (report)', ms(library.relabelKeystrokeMs), 'from the last keystroke');
  row('  library_bytes_per_image (report)', `${(library.bytesPerImage / 1e3).toFixed(1)} kB`);
  row('  search_ms_10k (target ≤ 50)', ms(library.searchMs), 'from the query sent (after the debounce)');
  row(
    `  search_keystroke_ms_10k (target ≤ ${KEYSTROKE_TARGET_MS})`,
    ms(library.searchKeystrokeMs),
    'from the last keystroke',
  );
  if (library.worstFrame)
    row(
      '    longest frame meanwhile',
      ms(library.worstFrame.duration),
      library.worstFrame.scripts.join('; ') || 'no script: style, layout, paint',
    );
  for (const [part, value] of Object.entries(library.parts)) row(`    ${part}`, ms(value));
}

/** The library scenario's keys, as the JSON line names them. */
function libraryKeys(library: LibraryFigures): Record<string, number> {
  return {
    library_longest_main_task_ms: library.longestTaskMs,
    library_reload_ready_ms: library.reloadReadyMs,
    library_relabel_ms: library.relabelMs,
    library_relabel_keystroke_ms: library.relabelKeystrokeMs,
    library_bytes_per_image: library.bytesPerImage,
    search_ms_10k: library.searchMs,
    search_keystroke_ms_10k: library.searchKeystrokeMs,
  };
}

/**
 * Prints the figures' JSON line (rounded, `parts` after them) and fails the run on any invalid figure
 * or parity problem. Parts are reports that may read 0 (a step with nothing to do), so are not checked.
 */
function finish(figures: Record<string, number>, problems: string[] = [], parts: Record<string, number> = {}): void {
  const json = rounded(figures);
  for (const [key, value] of invalidFigures(json)) problems.push(`No valid reading for ${key}: ${value}`);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exitCode = 1;
  console.log(JSON.stringify({ ...json, ...rounded(parts) }));
}

/** The parity check's summary row and its problems, in words. */
function printParity(name: string, parity: Parity): string[] {
  row(
    `${name}: images compared with the reference pipeline`,
    `${parity.compared} of ${parity.expected}`,
    `${parity.clearCalls} clear calls checked; largest score difference ${(parity.largestGap * 100).toFixed(2)} pt`,
  );
  const problems = parity.problems.map((problem) => `Against the reference pipeline (${name}): ${problem}`);
  // Fewer than the images given is a check that did not happen, not one that passed.
  if (parity.compared < parity.expected)
    problems.push(`${name}: only ${parity.compared} of ${parity.expected} images compared`);
  return problems;
}

/** What the reference page's calls need. */
interface Context {
  context: BrowserContext;
  origin: string;
  setup: Setup;
}

/** Runs `call` on the reference page, opened fresh (each call a fresh worker). */
function onHarness<T>(ctx: Context, call: (page: Page) => Promise<T>): Promise<T> {
  return harness(ctx.context, ctx.origin, call);
}

function referencePipeline(ctx: Context, imageUrls: string[]): Promise<{ ms: number; scores: Scores[] }> {
  return onHarness(ctx, (page) =>
    page.evaluate(
      ({ setup, imageUrls, labels, template }) => window.harness.pipeline(setup, imageUrls, labels, template),
      { setup: ctx.setup, imageUrls, labels: LABELS, template: TEMPLATE },
    ),
  );
}

function textPass(ctx: Context): Promise<number> {
  return onHarness(ctx, (page) =>
    page.evaluate(({ setup, label }) => window.harness.textPass(setup, label, 15), {
      setup: ctx.setup,
      label: EXTRA_LABEL,
    }),
  );
}

function visionPass(ctx: Context, url: string, device: 'wasm' | 'webgpu' = 'wasm'): Promise<number> {
  return onHarness(ctx, (page) =>
    page.evaluate(
      ({ setup, url, device }) => window.harness.visionPass(setup, url, device === 'wasm' ? 10 : 1, device),
      {
        setup: ctx.setup,
        url,
        device,
      },
    ),
  );
}

function sessionsFromMemory(ctx: Context): Promise<number> {
  return onHarness(ctx, (page) =>
    page.evaluate(({ setup, files }) => window.harness.sessionsFromMemory(setup, files), {
      setup: ctx.setup,
      files: FILES,
    }),
  );
}

async function main(): Promise<void> {
  for (const file of FILES) {
    if (!statSync(join(MODEL_DIR, file), { throwIfNoEntry: false })) {
      throw new Error(`${MODEL} is missing ${file}: run "npm run fixtures -- --base" first.`);
    }
  }
  const modelBytes = FILES.reduce((sum, file) => sum + statSync(join(MODEL_DIR, file)).size, 0);
  // Native first, on a quiet machine (a browser that has just run keeps compiling in the background).
  const nativeMs = new Map<number, number>();
  if (process.env.BENCH_ONLY !== 'library')
    for (const batch of NATIVE_BATCHES) nativeMs.set(batch, await nativeVisionMs(batch));
  const longImages = await makeImages(LONG_IMAGES);
  const images = longImages.slice(0, IMAGES);
  const server = await serve(longImages);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const setup = { host: `${origin}/models`, model: MODEL, threads: THREADS };
  const longImageUrls = longImages.map((_, i) => `${origin}/bench-images/${i}.jpg`);
  const imageUrls = longImageUrls.slice(0, IMAGES);
  const appSetup: AppSetup = { url: libraryUrl(origin), labels: LABELS, extraLabel: EXTRA_LABEL, step };
  try {
    console.log(
      `Benchmark on ${MODEL} (q8 WASM, ${THREADS} threads), ${availableParallelism()} cores, ${RUNS} runs each\n`,
    );
    if (process.env.BENCH_ONLY === 'library') {
      // The library scenario alone (its figures without the ones measured against other runs).
      const library = await libraryScenario(browser, libraryUrl(origin), LABELS, EXTRA_LABEL, LIBRARY_IMAGES, step);
      printLibrary(library);
      finish({ debounce_ms: TYPING_DEBOUNCE_MS, ...libraryKeys(library) }, [], library.parts);
      return;
    }
    // Before any app page: no closed page's process can stand in for the empty one.
    step('empty renderer');
    const emptyPeakBytes = await emptyRendererPeak(browser, `${origin}/bench-blank`);
    const context = await browser.newContext();
    // tsx keeps function names with a helper that functions sent to the page must find there too.
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    const ctx: Context = { context, origin, setup };
    // The first visit downloads and stores the model; the measured runs read it from IndexedDB.
    step('app: first visit (untimed)');
    await appRun(browser, context, appSetup, images);
    const app: AppRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      step(`app: run ${i + 1} of ${RUNS}`);
      app.push(await appRun(browser, context, appSetup, images));
    }
    const m = (pick: (run: AppRun) => number) => median(app.map(pick));
    const appVision = perImage(app.flatMap((run) => run.visionPasses));
    if (!nativeMs.has(appVision.batch) && Number.isFinite(appVision.batch))
      nativeMs.set(appVision.batch, await nativeVisionMs(appVision.batch));
    const native = nativeMs.get(appVision.batch) ?? Number.NaN;
    const peak = m((r) => r.peakBytes);
    // Figures both the quick run and the full one report.
    const appFigures = {
      add_label_keystroke_ms: m((r) => r.addLabelKeystrokeMs),
      debounce_ms: TYPING_DEBOUNCE_MS,
      browser_vs_native: appVision.ms / native,
      peak_memory_vs_model: (peak - emptyPeakBytes) / modelBytes,
      longest_main_task_ms: m((r) => r.longestTaskMs),
      app_ms: m((r) => r.endToEndMs),
      add_label_applied_ms: m((r) => r.addLabelMs),
      app_vision_pass_ms: appVision.ms,
      app_vision_batch: appVision.batch,
      native_vision_pass_ms: native,
      // One image a pass, for reading the batch's share of the gap (the bare browser pass is batch 1 too).
      native_vision_pass_ms_1: nativeMs.get(1) ?? Number.NaN,
      idb_ready_ms: m((r) => r.readyFromStoreMs),
      renderer_peak_mb: peak / 1e6,
      renderer_peak_at_ready_mb: m((r) => r.peakAtReadyBytes) / 1e6,
      empty_renderer_peak_mb: emptyPeakBytes / 1e6,
      model_mb: modelBytes / 1e6,
      renderer_cpu_s: m((r) => r.cpuS),
    };
    if (process.env.BENCH_ONLY === 'app') {
      // The app's own runs alone, against one text pass and the bare vision pass (quick figures while working on the app).
      const textPassMs = await textPass(ctx);
      const visionMs = await visionPass(ctx, imageUrls[0]);
      finish({
        ...appFigures,
        vision_floor_ratio: appFigures.app_ms / (IMAGES * visionMs),
        add_label_vs_text_pass: appFigures.add_label_applied_ms / textPassMs,
        text_pass_ms: textPassMs,
        vision_pass_ms: visionMs,
      });
      return;
    }
    step('reference pipeline');
    // The same rule as the app's: one untimed run, then the median of RUNS.
    const pipelineMs: number[] = [];
    let referenceScores: Scores[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const result = await referencePipeline(ctx, imageUrls);
      if (i > 0) pipelineMs.push(result.ms);
      referenceScores = result.scores;
    }
    // Every image of every run against the reference (its scores are the same in every run).
    const parity = app
      .map((run) => checkParity(run.scores, referenceScores, LABELS, photoName))
      .reduce(combine, NO_PARITY);
    // The longer run: one of each (the model is stored and both sides are warm by now).
    step(`app and reference pipeline: ${LONG_IMAGES} images`);
    const longApp = await appRun(browser, context, appSetup, longImages);
    const longReference = await referencePipeline(ctx, longImageUrls);
    const longParity = checkParity(longApp.scores, longReference.scores, LABELS, photoName);
    step('single passes and sessions from memory');
    const textPassMs = await textPass(ctx);
    const visionMs = await visionPass(ctx, imageUrls[0]);
    const memoryCreateMs: number[] = [];
    for (let i = 0; i < RUNS; i++) memoryCreateMs.push(await sessionsFromMemory(ctx));
    const webgpuVisionMs = process.env.BENCH_SKIP_WEBGPU ? null : await visionPass(ctx, imageUrls[0], 'webgpu');
    await context.close();
    step(`library: ${LIBRARY_IMAGES} photos`);
    const library = await libraryScenario(browser, libraryUrl(origin), LABELS, EXTRA_LABEL, LIBRARY_IMAGES, step);

    const figures = {
      pipeline_ratio: appFigures.app_ms / median(pipelineMs),
      pipeline_ratio_100: longApp.endToEndMs / longReference.ms,
      vision_floor_ratio: appFigures.app_ms / (IMAGES * visionMs),
      vision_floor_ratio_100: longApp.endToEndMs / (LONG_IMAGES * visionMs),
      add_label_vs_text_pass: appFigures.add_label_applied_ms / textPassMs,
      idb_ready_vs_memory: appFigures.idb_ready_ms / median(memoryCreateMs),
      ...appFigures,
      // Images per second over the whole library run ÷ the bare vision-pass rate (1 / one pass).
      library_images_per_s_vs_vision: (library.images / library.runMs) * visionMs,
      ...libraryKeys(library),
      // dupes: duplicate finding over synthetic CLIP-sized embeddings, in this Node process.
      ...duplicateFigures(),
      pipeline_ms: median(pipelineMs),
      app_ms_100: longApp.endToEndMs,
      pipeline_ms_100: longReference.ms,
      vision_pass_ms: visionMs,
      text_pass_ms: textPassMs,
      sessions_from_memory_ms: median(memoryCreateMs),
      library_run_ms: library.runMs,
      parity_images_compared: parity.compared + longParity.compared,
      parity_largest_gap_pt: Math.max(parity.largestGap, longParity.largestGap) * 100,
    };
    row(
      `This app, ${IMAGES} images × 10 labels`,
      ms(figures.app_ms),
      'labels set, images added right after → last score list',
    );
    row('transformers.js pipeline, same work (documented calls)', ms(figures.pipeline_ms));
    row('  pipeline_ratio (report)', ratio(figures.pipeline_ratio));
    row(
      `Bare vision pass in the browser × ${IMAGES}`,
      ms(IMAGES * visionMs),
      `one pass ${ms(visionMs)}, same build and threads`,
    );
    row('  vision_floor_ratio (target ≤ 1.15)', ratio(figures.vision_floor_ratio));
    row(`This app, ${LONG_IMAGES} images × 10 labels`, ms(longApp.endToEndMs));
    row('transformers.js pipeline, same work', ms(longReference.ms));
    row('  pipeline_ratio_100 (report)', ratio(figures.pipeline_ratio_100));
    row(`Bare vision pass in the browser × ${LONG_IMAGES}`, ms(LONG_IMAGES * visionMs));
    row('  vision_floor_ratio_100 (target ≤ 1.10)', ratio(figures.vision_floor_ratio_100));
    row(
      'Typing debounce (labels and search)',
      ms(TYPING_DEBOUNCE_MS),
      'debounce_ms, from src/ui/session/typing-pauses.ts',
    );
    row(
      `  add_label_keystroke_ms (target ≤ ${KEYSTROKE_TARGET_MS})`,
      ms(figures.add_label_keystroke_ms),
      `11th label's last keystroke → ${IMAGES} images re-ranked on screen`,
    );
    row(
      'This app, 11th label applied → re-ranked',
      ms(figures.add_label_applied_ms),
      'after the debounce; text prepared before it not counted',
    );
    row('One text-tower pass, one label', ms(textPassMs));
    row('  add_label_vs_text_pass (target ≤ 1.5)', ratio(figures.add_label_vs_text_pass));
    row(
      "The app's own vision pass, per image (worker User Timing)",
      ms(appVision.ms),
      `median, batches of ${appVision.batch}, ${THREADS} threads`,
    );
    row('onnxruntime-node, same file, batch and threads (best)', ms(native));
    row('onnxruntime-node, one image a pass (best)', ms(figures.native_vision_pass_ms_1), 'report');
    row('  browser_vs_native (target ≤ 4.0)', ratio(figures.browser_vs_native));
    if (webgpuVisionMs !== null)
      row('Vision pass per image, WebGPU (SwiftShader, fp32)', ms(webgpuVisionMs), 'software GPU');
    row('This app, ready from IndexedDB (sessions created)', ms(figures.idb_ready_ms));
    row('Sessions created from buffers in memory', ms(figures.sessions_from_memory_ms));
    row('  idb_ready_vs_memory (target ≤ 1.3)', ratio(figures.idb_ready_vs_memory));
    row('Peak memory, page + worker (VmHWM of the busiest renderer)', mb(peak));
    row('Peak memory of an empty renderer (blank page, same origin)', mb(emptyPeakBytes));
    row('Model files (text + vision, q8)', mb(modelBytes));
    row('  peak_memory_vs_model (target ≤ 2.0)', ratio(figures.peak_memory_vs_model), '(peak − empty) ÷ model');
    row('  longest_main_task_ms (target ≤ 50)', ms(figures.longest_main_task_ms));
    const worst = app
      .map((r) => r.worstFrame)
      .filter((f) => f !== null)
      .sort((a, b) => b.duration - a.duration)[0];
    if (worst)
      row(
        '  longest frame meanwhile',
        ms(worst.duration),
        worst.scripts.join('; ') || 'no script: style, layout, paint',
      );
    printLibrary(library);
    row('  library_images_per_s_vs_vision (target ≥ 0.8)', ratio(figures.library_images_per_s_vs_vision));
    const problems = [
      ...printParity(`${IMAGES} images × ${RUNS} runs`, parity),
      ...printParity(`${LONG_IMAGES} images`, longParity),
    ];
    finish(figures, problems);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
