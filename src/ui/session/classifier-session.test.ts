import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebGPUProbe } from '../../shared/backend.ts';
import type { ImageScores } from '../../shared/protocol.ts';
import { parseSettings } from '../../shared/settings.ts';
import type { ModelInfo } from '../../shared/types.ts';
import { ClassifierSession } from './classifier-session.ts';
import { FakeWorker } from './fake-worker.ts';
import { ClassifierClient } from './worker-client.ts';

const GPU: WebGPUProbe = { available: true, fallbackAdapter: false, shaderF16: false, description: 'gpu' };
const NO_GPU: WebGPUProbe = { available: false, reason: 'no GPU adapter was found' };

function info(device: 'wasm' | 'webgpu'): ModelInfo {
  return {
    modelId: 'fixtures/clip-colors',
    device,
    dtype: device === 'wasm' ? 'q8' : 'fp32',
    layout: 'split',
    threads: 2,
    scoring: 'softmax',
    notices: [],
    timings: { loadMs: 1, warmUpMs: 1 },
  };
}

/** Scores as the worker would send them: the first label wins. */
function scores(imageId: string, labels: string[]): ImageScores {
  return {
    imageId,
    scores: labels.map((label, i) => ({ label, score: i === 0 ? 0.9 : 0.1 / (labels.length - 1) })),
    ms: 5,
    cached: false,
    width: 2,
    height: 2,
    notes: [],
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function setup(query = 'host=/models&model=fixtures/clip-colors', probe: WebGPUProbe = NO_GPU) {
  const workers: FakeWorker[] = [];
  const session = new ClassifierSession({
    settings: parseSettings(new URLSearchParams(query), 'http://localhost'),
    probeWebGPU: async () => probe,
    createClient: () =>
      new ClassifierClient(() => {
        workers.push(new FakeWorker());
        return workers[workers.length - 1] as unknown as Worker;
      }),
    objectUrls: { create: () => 'blob:x', revoke: () => undefined },
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
  return { session, workers, worker, lastClassify, sent, snapshots };
}

async function ready(t: ReturnType<typeof setup>, device: 'wasm' | 'webgpu' = 'wasm') {
  t.session.start();
  await settle();
  const load = t.worker().requests('load').at(-1);
  if (!load) throw new Error('no load request');
  t.worker().reply({ type: 'loaded', id: load.id, info: info(device) });
  await settle();
}

async function typeLabels(t: ReturnType<typeof setup>, text: string) {
  t.session.setLabelsText(text);
  await vi.advanceTimersByTimeAsync(250);
}

async function addImages(t: ReturnType<typeof setup>, ...names: string[]) {
  t.session.addImages(names.map((name) => new File([name], `${name}.png`, { type: 'image/png' })));
  await settle();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ClassifierSession', () => {
  it('loads on WASM when there is no GPU, then asks for the scores the images lack', async () => {
    const t = setup();
    await ready(t);
    expect(t.session.getSnapshot().model.phase).toBe('ready');
    expect(t.worker().requests('load')[0].options).toMatchObject({ device: 'wasm', dtypes: ['q8', 'fp32'] });
    await addImages(t, 'a', 'b');
    expect(t.lastClassify()).toBeUndefined(); // no labels yet
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    expect(request.labels).toEqual(['red', 'blue']);
    expect(request.images.map((i) => i.name)).toEqual(['a.png', 'b.png']);
    t.worker().reply({ type: 'results', id: request.id, results: [scores('image-1', ['red', 'blue'])] });
    expect(t.session.getSnapshot().progress).toEqual({ done: 1, total: 2 });
    t.worker().reply({ type: 'results', id: request.id, results: [scores('image-2', ['red', 'blue'])] });
    t.worker().reply({ type: 'done', id: request.id, work: { textsEncoded: 2, textsCached: 0 } });
    await settle();
    const snapshot = t.session.getSnapshot();
    expect(snapshot.progress).toEqual({ done: 2, total: 2 });
    expect(snapshot.work).toEqual({ textsEncoded: 2, textsCached: 0, imagesEncoded: 2, imagesCached: 0 });
    // Nothing left to ask for.
    expect(t.worker().requests('classify')).toHaveLength(1);
  });

  it('applies labels only once typing pauses', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a');
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

  it('cancels a superseded request and never shows its scores as current', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a', 'b');
    await typeLabels(t, 'red, blue');
    const first = t.sent();
    t.worker().reply({ type: 'results', id: first.id, results: [scores('image-1', ['red', 'blue'])] });
    await typeLabels(t, 'green, blue');
    // The old request is cancelled, and both images are asked for again with the new labels.
    expect(
      t
        .worker()
        .requests('cancel')
        .map((c) => c.target),
    ).toContain(first.id);
    const second = t.sent();
    expect(second.labels).toEqual(['green', 'blue']);
    expect(second.images.map((i) => i.imageId)).toEqual(['image-1', 'image-2']);
    // A late reply to the old request changes nothing.
    t.worker().reply({ type: 'results', id: first.id, results: [scores('image-2', ['red', 'blue'])] });
    const { images, resultKey, progress } = t.session.getSnapshot();
    expect(progress.done).toBe(0);
    expect(images.find((i) => i.id === 'image-2')?.result).toBeUndefined();
    // image-1 keeps its old scores, marked with the old key: stale, not current.
    expect(images.find((i) => i.id === 'image-1')?.result?.key).not.toBe(resultKey);
    t.worker().reply({ type: 'results', id: second.id, results: [scores('image-1', ['green', 'blue'])] });
    // In every snapshot, a current result carries the labels current at that moment.
    for (const snapshot of t.snapshots) {
      for (const image of snapshot.images) {
        if (image.result?.key !== snapshot.resultKey) continue;
        expect(image.result.scores.map((s) => s.label).sort()).toEqual([...snapshot.labels.labels].sort());
      }
    }
  });

  it('falls back from WebGPU to WASM in a fresh worker and asks again for what was pending', async () => {
    const t = setup('host=/models&model=fixtures/clip-colors&device=webgpu', GPU);
    await ready(t, 'webgpu');
    expect(t.workers[0].requests('load')[0].options.device).toBe('webgpu');
    await addImages(t, 'a', 'b');
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'results', id: request.id, results: [scores('image-1', ['red', 'blue'])] });
    t.worker().reply({ type: 'failed', id: request.id, failure: { code: 'backend', detail: 'the GPU hung' } });
    await settle();
    expect(t.workers).toHaveLength(2);
    expect(t.workers[0].terminated).toBe(true);
    const snapshot = t.session.getSnapshot();
    expect(snapshot.backend).toEqual({ device: 'wasm', dtypes: ['q8', 'fp32'], fallbackReason: 'the GPU hung' });
    expect(snapshot.images).toHaveLength(2);
    expect(t.workers[1].requests('load')[0].options.device).toBe('wasm');
    t.workers[1].reply({ type: 'loaded', id: t.workers[1].requests('load')[0].id, info: info('wasm') });
    await settle();
    // Both images are asked for again on WASM (the WebGPU result belonged to another backend).
    expect(t.lastClassify()?.images.map((i) => i.imageId)).toEqual(['image-1', 'image-2']);
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

  it('stops and resumes: a stop cancels the request, resume asks only for what is missing', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a', 'b', 'c');
    await typeLabels(t, 'red, blue');
    const first = t.sent();
    t.worker().reply({ type: 'results', id: first.id, results: [scores('image-1', ['red', 'blue'])] });
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
    expect(t.lastClassify()?.images.map((i) => i.imageId)).toEqual(['image-2', 'image-3']);
  });

  it('a stop holds only for the labels and images it was made on', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a');
    await typeLabels(t, 'red, blue');
    t.session.stop();
    await typeLabels(t, 'red, green');
    expect(t.session.getSnapshot().stopped).toBe(false);
    expect(t.lastClassify()?.labels).toEqual(['red', 'green']);
  });

  it('keeps a failed request apart from image failures: its images can be retried', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a', 'b');
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'image-failed', id: request.id, imageId: 'image-1', failure: { code: 'not-an-image' } });
    t.worker().reply({ type: 'failed', id: request.id, failure: { code: 'failed', detail: 'busy' } });
    await settle();
    const failures = () => t.session.getSnapshot().images.map((i) => i.failure);
    expect(failures()).toEqual([{ code: 'not-an-image' }, { code: 'request-failed', detail: 'busy' }]);
    expect(t.worker().requests('classify')).toHaveLength(1);
    t.session.retryFailed();
    expect(t.lastClassify()?.images.map((i) => i.imageId)).toEqual(['image-2']);
    expect(failures()[0]).toEqual({ code: 'not-an-image' });
  });

  it('removing an image updates the progress and never asks for it again', async () => {
    const t = setup();
    await ready(t);
    await addImages(t, 'a', 'b');
    await typeLabels(t, 'red, blue');
    const request = t.sent();
    t.worker().reply({ type: 'results', id: request.id, results: [scores('image-1', ['red', 'blue'])] });
    t.session.removeImage('image-2');
    expect(t.session.getSnapshot().progress).toEqual({ done: 1, total: 1 });
    await typeLabels(t, 'red, green');
    expect(t.lastClassify()?.images.map((i) => i.imageId)).toEqual(['image-1']);
  });
});
