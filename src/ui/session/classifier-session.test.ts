import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebGPUProbe } from '../../shared/backend.ts';
import { UNKNOWN_SIZE_TOTAL_CAP } from '../../shared/consent.ts';
import type { LibraryImage } from '../../shared/library.ts';
import { libraryRecord } from '../test-support/library-records.ts';
import { parseSettings } from '../../shared/settings.ts';
import type { LibraryWriteFailure } from '../../shared/trash.ts';
import type { ModelInfo } from '../../shared/types.ts';
import { ClassifierSession } from './classifier-session.ts';
import { FakeWorker } from './fake-worker.ts';
import { ClassifierClient } from './worker-client.ts';

const GPU: WebGPUProbe = { available: true, fallbackAdapter: false, shaderF16: false, description: 'gpu' };
const NO_GPU: WebGPUProbe = { available: false, reason: 'no GPU adapter was found' };
const NO_WORK = { textsEncoded: 0, textsCached: 0, imagesEncoded: 0, imagesCached: 0 };

function info(device: 'wasm' | 'webgpu'): ModelInfo {
  return {
    modelId: 'fixtures/clip-colors',
    device,
    dtype: device === 'wasm' ? 'q8' : 'fp32',
    layout: 'split',
    threads: 2,
    scoring: 'softmax',
    languages: ['en'],
    notices: [],
    timings: { loadMs: 1, warmUpMs: 1 },
  };
}

const record = (id: string): LibraryImage => libraryRecord(id);

/** Score rows as the worker sends them: the first label wins for every image. */
function rows(ids: string[], labels: number, cached = 0) {
  const scores = new Float32Array(ids.length * labels).fill(0.1);
  ids.forEach((_, i) => (scores[i * labels] = 0.9));
  const flags = new Uint8Array(ids.length);
  flags.fill(1, 0, cached);
  return {
    imageIds: ids,
    scores,
    ms: new Float32Array(ids.length).fill(5),
    cached: flags,
    margin: new Float32Array(ids.length).fill(1),
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(query = 'host=/models&model=fixtures/clip-colors', probe: WebGPUProbe = NO_GPU) {
  const workers: FakeWorker[] = [];
  let ids = 0;
  let clock = 0;
  /** Each save of the settings: the host, and whether it may be kept for later visits. */
  const saved: { host: string; remember: boolean }[] = [];
  const session = new ClassifierSession({
    settings: parseSettings(new URLSearchParams(query), 'http://localhost'),
    origin: 'http://localhost',
    saveSettings: (settings, remember) => saved.push({ host: settings.source.host, remember }),
    probeWebGPU: async () => probe,
    createClient: () =>
      new ClassifierClient(() => {
        workers.push(new FakeWorker());
        return workers[workers.length - 1] as unknown as Worker;
      }),
    newId: () => `image-${++ids}`,
    now: () => clock,
    debounceMs: 250,
  });
  const worker = () => workers[workers.length - 1];
  const lastClassify = () => worker().requests('classify').at(-1);
  /** The last classify request, which the test expects to exist. */
  const sent = () => {
    const request = lastClassify();
    if (!request) throw new Error('no classify request was sent');
    return request;
  };
  const snapshots: ReturnType<typeof session.getSnapshot>[] = [];
  session.subscribe(() => snapshots.push(session.getSnapshot()));
  return {
    session,
    workers,
    worker,
    lastClassify,
    sent,
    snapshots,
    saved,
    tick: (ms: number) => (clock += ms),
  };
}
type Setup = ReturnType<typeof setup>;

/** Starts the session: the library opens (with `images`), and the model loads. */
async function ready(t: Setup, device: 'wasm' | 'webgpu' = 'wasm', images: LibraryImage[] = []) {
  t.session.start();
  await settle();
  const open = t.worker().requests('open-library').at(-1);
  if (open)
    t.worker().reply({
      type: 'library',
      id: open.id,
      library: { images, folders: [], corrections: [], problem: null },
    });
  const load = t.worker().requests('load').at(-1);
  if (!load) throw new Error('no load request');
  t.worker().reply({ type: 'loaded', id: load.id, info: info(device) });
  await settle();
}

async function typeLabels(t: Setup, text: string) {
  t.session.setLabelsText(text);
  await vi.advanceTimersByTimeAsync(250);
}

/** Adds images; the fake worker acknowledges them as stored. */
async function addImages(t: Setup, ...names: string[]) {
  const adding = t.session.addImages(names.map((name) => new File([name], `${name}.png`, { type: 'image/png' })));
  await settle();
  const request = t.worker().requests('add-images').at(-1);
  if (!request) throw new Error('no add-images request');
  t.worker().reply({
    type: 'added',
    id: request.id,
    images: request.images.map(({ id }) => record(id)),
    folder: null,
    problem: null,
  });
  await adding;
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ClassifierSession', () => {
  it('opens the library and loads on WASM; with labels, one classification covers the library', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('kept-1')]);
    expect(t.session.getSnapshot().model.phase).toBe('ready');
    expect(t.session.getSnapshot().images.map((i) => i.id)).toEqual(['kept-1']);
    expect(t.worker().requests('load')[0].options).toMatchObject({ device: 'wasm', dtypes: ['q8', 'fp32'] });
    expect(t.lastClassify()).toBeUndefined(); // no labels yet
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    expect(request.labels).toEqual(['red', 'blue']);
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['kept-1'], 2, 1) });
    // Images added while it runs join it: no second classification.
    await addImages(t, 'a');
    expect(t.session.getSnapshot().progress).toEqual({ done: 1, total: 2 });
    expect(t.worker().requests('classify')).toHaveLength(1);
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['image-1'], 2) });
    // The worker's own count of the run: images are not counted twice (they were counted as rows came).
    t.worker().reply({
      type: 'done',
      id: request.id,
      work: { textsEncoded: 2, textsCached: 0, imagesEncoded: 1, imagesCached: 1 },
    });
    await settle();
    const snapshot = t.session.getSnapshot();
    expect(snapshot.progress).toEqual({ done: 2, total: 2 });
    expect(snapshot.work).toEqual({ textsEncoded: 2, textsCached: 0, imagesEncoded: 1, imagesCached: 1 });
    expect(snapshot.results.get('image-1')?.scores[0]).toBeCloseTo(0.9);
    expect(t.worker().requests('classify')).toHaveLength(1);
  });

  it('asks for stored scores while the model is still loading', async () => {
    const t = setup();
    t.session.start();
    await settle();
    const open = t.worker().requests('open-library')[0];
    t.worker().reply({
      type: 'library',
      id: open.id,
      library: { images: [record('kept')], folders: [], corrections: [], problem: null },
    });
    await typeLabels(t, 'red, blue');
    expect(t.session.getSnapshot().model.phase).toBe('loading');
    expect(t.sent().labels).toEqual(['red', 'blue']);
  });

  it('applies labels only once typing pauses', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a')]);
    t.session.setLabelsText('re');
    await vi.advanceTimersByTimeAsync(100);
    t.session.setLabelsText('red, blue');
    await vi.advanceTimersByTimeAsync(249);
    expect(t.worker().requests('classify')).toHaveLength(0);
    expect(t.session.getSnapshot().settings.labels).toBe('red, blue');
    await vi.advanceTimersByTimeAsync(1);
    expect(
      t
        .worker()
        .requests('classify')
        .map((r) => r.labels),
    ).toEqual([['red', 'blue']]);
  });

  it('encodes new labels while typing pauses, before they apply, and only the ones not applied yet', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a')]);
    await typeLabels(t, 'red');
    t.session.setLabelsText('red, blue');
    await vi.advanceTimersByTimeAsync(120);
    const [, prepared] = t.worker().requests('prepare-labels');
    expect(prepared.labels).toEqual(['blue']);
    expect(prepared.templates).toEqual(t.session.getSnapshot().templates);
    // Not applied yet: the classification for "red, blue" comes at the end of the debounce.
    expect(t.sent().labels).toEqual(['red']);
    t.worker().reply({ type: 'prepared', id: prepared.id });
    await vi.advanceTimersByTimeAsync(130);
    expect(t.sent().labels).toEqual(['red', 'blue']);
  });

  it('a newer keystroke supersedes a preparation still running', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a')]);
    t.session.setLabelsText('ow');
    await vi.advanceTimersByTimeAsync(120);
    t.session.setLabelsText('owl');
    await vi.advanceTimersByTimeAsync(120);
    const [first, second] = t.worker().requests('prepare-labels');
    expect([first.labels, second.labels]).toEqual([['ow'], ['owl']]);
    expect(
      t
        .worker()
        .requests('cancel')
        .map((r) => r.target),
    ).toContain(first.id);
  });

  it('cancels a superseded classification and never shows its scores as current', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b')]);
    await typeLabels(t, 'red, blue');
    const first = t.sent();
    t.worker().reply({ type: 'scores', id: first.id, rows: rows(['a'], 2) });
    await typeLabels(t, 'green, blue');
    expect(
      t
        .worker()
        .requests('cancel')
        .map((c) => c.target),
    ).toContain(first.id);
    const second = t.sent();
    expect(second.labels).toEqual(['green', 'blue']);
    // A late reply to the old request changes nothing.
    t.worker().reply({ type: 'scores', id: first.id, rows: rows(['b'], 2) });
    const { results, resultKey, progress } = t.session.getSnapshot();
    expect(progress.done).toBe(0);
    expect(results.get('b')).toBeUndefined();
    // `a` keeps its old scores, marked with the old key: stale, not current.
    expect(results.get('a')?.key).not.toBe(resultKey);
    t.worker().reply({ type: 'scores', id: second.id, rows: rows(['a'], 2) });
    // In every snapshot, a current result carries the labels current at that moment.
    for (const snapshot of t.snapshots) {
      for (const [, result] of snapshot.results) {
        if (result.key !== snapshot.resultKey) continue;
        expect([...result.labels]).toEqual(snapshot.labels.labels);
      }
    }
  });

  it('falls back from WebGPU to WASM in a fresh worker and asks again for the library', async () => {
    const t = setup('host=/models&model=fixtures/clip-colors&device=webgpu', GPU);
    await ready(t, 'webgpu', [record('a'), record('b')]);
    expect(t.workers[0].requests('load')[0].options.device).toBe('webgpu');
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['a'], 2) });
    t.worker().reply({ type: 'failed', id: request.id, failure: { code: 'backend', detail: 'the GPU hung' } });
    await settle();
    expect(t.workers).toHaveLength(2);
    expect(t.workers[0].terminated).toBe(true);
    const snapshot = t.session.getSnapshot();
    expect(snapshot.backend).toEqual({ device: 'wasm', dtypes: ['q8', 'fp32'], fallbackReason: 'the GPU hung' });
    expect(snapshot.images).toHaveLength(2);
    expect(t.workers[1].requests('load')[0].options.device).toBe('wasm');
    // The whole library is asked for on WASM (the WebGPU result belonged to another backend).
    expect(t.workers[1].requests('classify').map((r) => r.labels)).toEqual([['red', 'blue']]);
    expect(t.session.getSnapshot().settings.labels).toBe('red, blue');
  });

  it('a lost GPU device triggers the same fallback, once', async () => {
    const t = setup('model=fixtures/clip-colors&device=webgpu', GPU);
    await ready(t, 'webgpu');
    t.worker().reply({ type: 'device-lost', id: 0, detail: 'the GPU device was lost (destroyed)' });
    t.workers[0].reply({ type: 'device-lost', id: 0, detail: 'again' });
    await settle();
    expect(t.workers).toHaveLength(2);
    expect(t.session.getSnapshot().backend?.fallbackReason).toBe('the GPU device was lost (destroyed)');
  });

  it('a WebGPU load failure moves to WASM; a WASM load failure is shown', async () => {
    const t = setup('model=fixtures/clip-colors&device=webgpu', GPU);
    t.session.start();
    await settle();
    const load = t.worker().requests('load')[0];
    t.worker().reply({
      type: 'failed',
      id: load.id,
      failure: { code: 'load', failure: { code: 'backend', detail: 'x' } },
    });
    await settle();
    expect(t.workers).toHaveLength(2);
    const wasmLoad = t.workers[1].requests('load')[0];
    const failure = { code: 'download-failed', file: 'onnx/a.onnx', kind: 'lost', received: 1, expected: 2 } as const;
    t.workers[1].reply({ type: 'failed', id: wasmLoad.id, failure: { code: 'load', failure } });
    await settle();
    expect(t.session.getSnapshot().model).toEqual({ phase: 'error', failure });
    t.session.retryLoad();
    expect(t.workers[1].requests('load')).toHaveLength(2);
  });

  it('stops and resumes: a stop cancels the classification, resume starts it again', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b'), record('c')]);
    await typeLabels(t, 'red, blue');
    const first = t.sent();
    t.worker().reply({ type: 'scores', id: first.id, rows: rows(['a'], 2) });
    t.session.stop();
    expect(t.session.getSnapshot().stopped).toBe(true);
    expect(
      t
        .worker()
        .requests('cancel')
        .map((c) => c.target),
    ).toEqual([first.id]);
    await settle();
    expect(t.worker().requests('classify')).toHaveLength(1);
    t.session.resume();
    expect(t.session.getSnapshot().stopped).toBe(false);
    expect(t.worker().requests('classify')).toHaveLength(2);
    expect(t.session.getSnapshot().results.get('a')?.key).toBe(t.session.getSnapshot().resultKey);
  });

  it('a stop holds only for the labels and images it was made on', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a')]);
    await typeLabels(t, 'red, blue');
    t.session.stop();
    await typeLabels(t, 'red, green');
    expect(t.session.getSnapshot().stopped).toBe(false);
    expect(t.lastClassify()?.labels).toEqual(['red', 'green']);
  });

  it('keeps a failed request apart from image failures: its images can be retried', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b')]);
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'image-failed', id: request.id, imageId: 'a', failure: { code: 'not-an-image' } });
    t.worker().reply({ type: 'failed', id: request.id, failure: { code: 'failed', detail: 'busy' } });
    await settle();
    const failures = () => t.session.getSnapshot().failures;
    expect(failures().get('a')).toEqual({ code: 'not-an-image' });
    expect(failures().get('b')).toEqual({ code: 'request-failed', detail: 'busy' });
    expect(t.worker().requests('classify')).toHaveLength(1);
    t.session.retryFailed();
    expect(t.worker().requests('classify')).toHaveLength(2);
  });

  it('an image that a finished classification neither scored nor failed is said, not retried in a loop', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b')]);
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['a'], 2) });
    t.worker().reply({ type: 'done', id: request.id, work: NO_WORK });
    await settle();
    expect(t.session.getSnapshot().failures.get('b')?.code).toBe('request-failed');
    expect(t.worker().requests('classify')).toHaveLength(1);
  });

  it('removing an image updates the progress and tells the worker', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b')]);
    await typeLabels(t, 'red, blue');
    t.worker().reply({ type: 'scores', id: t.sent().id, rows: rows(['a'], 2) });
    void t.session.removeImages(['b']);
    expect(t.session.getSnapshot().progress).toEqual({ done: 1, total: 1 });
    expect(
      t
        .worker()
        .requests('remove-images')
        .map((r) => r.ids),
    ).toEqual([['b']]);
  });

  it('a removal offers Undo once the worker has moved the images to the trash; Undo restores them with their scores', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), { ...record('b'), addedAt: 2 }]);
    await typeLabels(t, 'red, blue');
    t.worker().reply({ type: 'scores', id: t.sent().id, rows: rows(['a', 'b'], 2) });
    const removal = t.session.removeImages(['a']);
    expect(t.session.getSnapshot().lastRemoval).toBeNull();
    const remove = t.worker().requests('remove-images')[0];
    t.worker().reply({ type: 'removed', id: remove.id, ids: ['a'] });
    await removal;
    expect(t.session.getSnapshot().lastRemoval).toEqual({ ids: ['a'] });

    const undo = t.session.undoRemoval();
    const restore = t.worker().requests('restore-images')[0];
    expect(restore.ids).toEqual(['a']);
    t.worker().reply({ type: 'restored', id: restore.id, images: [record('a')] });
    await undo;
    const snapshot = t.session.getSnapshot();
    expect(snapshot.images.map((image) => image.id)).toEqual(['a', 'b']);
    expect(snapshot.lastRemoval).toBeNull();
    // Its scores were kept: nothing to classify again.
    expect(snapshot.progress).toEqual({ done: 2, total: 2 });
  });

  it('shows a failed library write at once, until dismissed', async () => {
    const t = setup();
    await ready(t);
    const failure: LibraryWriteFailure = { action: 'add', reason: 'quota', names: ['a.png'], detail: 'quota' };
    t.worker().reply({ type: 'library-write-failed', id: 0, failure });
    expect(t.session.getSnapshot().writeFailures).toEqual([failure]);
    t.session.dismissWriteFailure(t.session.getSnapshot().writeFailures[0]);
    expect(t.session.getSnapshot().writeFailures).toEqual([]);
  });

  it('searches the library by text after typing pauses, through the templates, and ends the search when cleared', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a'), record('b')]);
    t.session.setSearchText('a dog');
    await vi.advanceTimersByTimeAsync(250);
    const search = t.worker().requests('search').at(-1);
    expect(search?.query).toEqual({ kind: 'text', text: 'a dog', templates: ['a photo of a {}.'] });
    expect(t.session.getSnapshot().search?.status).toBe('searching');
    const hits = { imageIds: ['b', 'a'], similarity: Float32Array.of(0.3, 0.1), strength: Float32Array.of(2, -1) };
    t.worker().reply({ type: 'search-results', id: search?.id ?? 0, hits });
    await settle();
    expect(t.session.getSnapshot().search).toMatchObject({ status: 'done', hits: { imageIds: ['b', 'a'] } });
    t.session.setSearchText('');
    expect(t.session.getSnapshot().search).toBeNull();
    // A superseded search's answer is dropped.
    t.session.setSearchText('cat');
    await vi.advanceTimersByTimeAsync(250);
    const first = t.worker().requests('search').at(-1);
    t.session.searchLike('a');
    t.worker().reply({ type: 'search-results', id: first?.id ?? 0, hits });
    await settle();
    expect(t.session.getSnapshot().search?.query).toEqual({ kind: 'image', imageId: 'a' });
    expect(t.session.getSnapshot().search?.status).toBe('searching');
  });

  it('a correction makes earlier scores stale and asks for the library again', async () => {
    const t = setup();
    await ready(t, 'wasm', [record('a')]);
    await typeLabels(t, 'red, tomato');
    const first = t.sent();
    t.worker().reply({ type: 'scores', id: first.id, rows: rows(['a'], 2) });
    t.worker().reply({ type: 'done', id: first.id, work: NO_WORK });
    await settle();
    const before = t.session.getSnapshot().resultKey;
    const correcting = t.session.correct('a', 'tomato');
    await settle();
    const request = t.worker().requests('correct').at(-1);
    expect(request).toMatchObject({ imageId: 'a', label: 'tomato' });
    t.worker().reply({
      type: 'corrections',
      id: request?.id ?? 0,
      corrections: [{ contentHash: 'h', label: 'tomato', at: 1 }],
    });
    await correcting;
    expect(t.session.getSnapshot().resultKey).not.toBe(before);
    expect(t.worker().requests('classify')).toHaveLength(2);
  });

  it('says the pace in images per second and the time left', async () => {
    const t = setup();
    await ready(t, 'wasm', ['a', 'b', 'c', 'd', 'e', 'f'].map(record));
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['a', 'b'], 2) });
    t.tick(1000);
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['c', 'd'], 2) });
    // Two images a second; two left: one second.
    expect(t.session.getSnapshot().pace).toEqual({ imagesPerSecond: 2, secondsLeft: 1 });
  });

  describe('asking before a download', () => {
    const request = {
      host: 'http://127.0.0.1:4174/models',
      modelId: 'fixtures/clip-colors',
      dtype: 'q8' as const,
      bytes: 1_200_000,
      totalBytes: 1_250_000,
      files: [{ file: 'onnx/vision_model_quantized.onnx', size: 1_200_000, stored: false }],
      reasons: ['foreign-host' as const],
      contacted: true,
    };

    it('agrees to the caps where nothing was asked of the host yet, and keeps the host only once agreed to', async () => {
      const t = setup('host=http://127.0.0.1:4174/models&model=fixtures/clip-colors');
      t.session.start();
      await settle();
      // Labels applied before the dialog: the link's host is in the address bar, not kept for later visits.
      await typeLabels(t, 'red');
      expect(t.saved.at(-1)).toEqual({ host: request.host, remember: false });
      const uncontacted = { ...request, bytes: 0, totalBytes: 0, files: [], contacted: false };
      t.worker().reply({
        type: 'failed',
        id: t.worker().requests('load')[0].id,
        failure: { code: 'load', failure: { code: 'consent-needed', ...uncontacted } },
      });
      await settle();
      expect(t.session.getSnapshot().model).toEqual({ phase: 'consent', request: uncontacted });
      expect(t.saved.every((save) => !save.remember)).toBe(true);
      t.session.acceptDownload();
      await settle();
      expect(t.worker().requests('load')[1].options.consent).toEqual({
        host: request.host,
        modelId: request.modelId,
        maxBytes: UNKNOWN_SIZE_TOTAL_CAP,
      });
      expect(t.saved.at(-1)).toEqual({ host: request.host, remember: true });
    });

    it('shows the request, then loads again with what the person agreed to', async () => {
      const t = setup('host=http://127.0.0.1:4174/models&model=fixtures/clip-colors');
      t.session.start();
      await settle();
      const first = t.worker().requests('load')[0];
      expect(first.options.consent).toBeNull();
      t.worker().reply({
        type: 'failed',
        id: first.id,
        failure: { code: 'load', failure: { code: 'consent-needed', ...request } },
      });
      await settle();
      expect(t.session.getSnapshot().model).toEqual({ phase: 'consent', request });
      t.session.acceptDownload();
      await settle();
      const second = t.worker().requests('load')[1];
      expect(second.options.consent).toEqual({ host: request.host, modelId: request.modelId, maxBytes: 1_200_000 });
      expect(t.session.getSnapshot().model.phase).toBe('loading');
    });

    it('downloads nothing on Cancel, and asks again on the next try', async () => {
      const t = setup('host=http://127.0.0.1:4174/models&model=fixtures/clip-colors');
      t.session.start();
      await settle();
      const first = t.worker().requests('load')[0];
      t.worker().reply({
        type: 'failed',
        id: first.id,
        failure: { code: 'load', failure: { code: 'consent-needed', ...request } },
      });
      await settle();
      t.session.declineDownload();
      expect(t.session.getSnapshot().model.phase).toBe('cancelled');
      expect(t.worker().requests('load')).toHaveLength(1);
      t.session.retryLoad();
      await settle();
      expect(t.worker().requests('load')[1].options.consent).toBeNull();
    });

    it('sends what the browser says of the device', async () => {
      const t = setup();
      // setup() gives no hints: the defaults go.
      t.session.start();
      await settle();
      expect(t.worker().requests('load')[0].options.hints).toEqual({ saveData: false, deviceMemoryGiB: null });
    });
  });

  describe('a worker that crashes, hangs or runs out of memory', () => {
    it('is replaced: the model loads again and the pending classification is asked for again', async () => {
      const t = setup();
      await ready(t, 'wasm', [record('a'), record('b')]);
      await typeLabels(t, 'red, blue');
      const running = t.sent();
      t.worker().reply({ type: 'scores', id: running.id, rows: rows(['a'], 2) });
      t.worker().dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught RuntimeError: unreachable' }));
      await settle();
      expect(t.workers).toHaveLength(2);
      expect(t.session.getSnapshot().recovery).toEqual({
        kind: 'crashed',
        detail: 'Uncaught RuntimeError: unreachable',
      });
      // Nothing failed: the fresh worker loads the model and classifies what is left.
      expect(t.session.getSnapshot().failures.size).toBe(0);
      const load = t.worker().requests('load')[0];
      t.worker().reply({ type: 'loaded', id: load.id, info: info('wasm') });
      await settle();
      const again = t.sent();
      expect(again.labels).toEqual(['red', 'blue']);
      t.worker().reply({ type: 'scores', id: again.id, rows: rows(['b'], 2) });
      expect(t.session.getSnapshot().progress).toEqual({ done: 2, total: 2 });
    });

    it('is replaced when a cancel goes unanswered for 5 s', async () => {
      const t = setup();
      await ready(t, 'wasm', [record('a')]);
      await typeLabels(t, 'red, blue');
      // New labels supersede the run: its cancel is never answered.
      await typeLabels(t, 'red, green');
      expect(t.workers).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(5000);
      expect(t.workers).toHaveLength(2);
      expect(t.session.getSnapshot().recovery?.kind).toBe('hung');
      expect(t.worker().requests('load')).toHaveLength(1);
    });

    it('on running out of memory, gets a fresh worker, says so, and leaves the images for Retry failed', async () => {
      const t = setup();
      await ready(t, 'wasm', [record('a')]);
      await typeLabels(t, 'red, blue');
      const running = t.sent();
      t.worker().reply({ type: 'failed', id: running.id, failure: { code: 'out-of-memory', detail: 'Aborted(OOM)' } });
      await settle();
      expect(t.workers).toHaveLength(2);
      expect(t.session.getSnapshot().recovery).toEqual({ kind: 'out-of-memory', detail: 'Aborted(OOM)' });
      expect(t.session.getSnapshot().failures.get('a')).toEqual({ code: 'request-failed', detail: 'Aborted(OOM)' });
      const load = t.worker().requests('load')[0];
      t.worker().reply({ type: 'loaded', id: load.id, info: info('wasm') });
      await settle();
      expect(t.worker().requests('classify')).toHaveLength(0);
      t.session.retryFailed();
      expect(t.worker().requests('classify')).toHaveLength(1);
    });

    it('gives up after repeated crashes: the model is not loaded and Retry starts a fresh worker', async () => {
      const t = setup();
      await ready(t, 'wasm', [record('a')]);
      for (let i = 0; i < 4; i++) {
        t.worker().dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
        await settle();
      }
      expect(t.workers).toHaveLength(4);
      expect(t.session.getSnapshot().model).toEqual({
        phase: 'error',
        failure: { code: 'worker-crashed', detail: 'boom' },
      });
      t.session.retryLoad();
      expect(t.workers).toHaveLength(5);
    });
  });

  it('counts images being added as unsaved work, and any work as busy', async () => {
    const t = setup();
    await ready(t, 'wasm');
    expect([t.session.hasUnsavedWork(), t.session.isBusy()]).toEqual([false, false]);
    const adding = t.session.addImages([new File(['x'], 'x.png', { type: 'image/png' })]);
    await settle();
    expect([t.session.hasUnsavedWork(), t.session.isBusy()]).toEqual([true, true]);
    const request = t.worker().requests('add-images')[0];
    t.worker().reply({
      type: 'added',
      id: request.id,
      images: [record(request.images[0].id)],
      folder: null,
      problem: null,
    });
    await adding;
    expect(t.session.hasUnsavedWork()).toBe(false);
  });

  it("merges another tab's changes: new images join the run, removed ones leave, folders and corrections follow", async () => {
    const t = setup();
    await ready(t, 'wasm', [record('kept'), record('gone')]);
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'scores', id: request.id, rows: rows(['kept', 'gone'], 2, 1) });
    const folder = { id: 'f', name: 'trip', images: 0, handle: {} as FileSystemDirectoryHandle };
    const correction = { contentHash: 'h', label: 'red', at: 1 };
    t.worker().reply({
      type: 'library-changed',
      id: 0,
      images: [{ ...record('kept'), name: 'renamed.png' }, record('theirs')],
      removed: ['gone'],
      folders: [folder],
      corrections: [correction],
    });
    await settle();
    const snapshot = t.session.getSnapshot();
    expect(snapshot.images.map((image) => [image.id, image.name])).toEqual([
      ['kept', 'renamed.png'],
      ['theirs', 'theirs.png'],
    ]);
    expect(snapshot.library.folders).toEqual([folder]);
    expect(snapshot.corrections).toEqual([correction]);
    // A correction for a label in use makes the scores stale: a fresh classification covers the new image too.
    expect(t.worker().requests('classify')).toHaveLength(2);
    // Corrections unchanged (null) are kept as they are.
    t.worker().reply({
      type: 'library-changed',
      id: 0,
      images: [],
      removed: ['theirs'],
      folders: [],
      corrections: null,
    });
    await settle();
    expect(t.session.getSnapshot().corrections).toEqual([correction]);
    expect(t.session.getSnapshot().images.map((image) => image.id)).toEqual(['kept']);
  });
});
