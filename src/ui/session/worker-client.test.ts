import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol.ts';
import type { ModelInfo } from '../../shared/types.ts';
import { FakeWorker } from './fake-worker.ts';
import { ClassifierClient, RequestError } from './worker-client.ts';

function setup() {
  const workers: FakeWorker[] = [];
  const client = new ClassifierClient(() => {
    workers.push(new FakeWorker());
    return workers[workers.length - 1] as unknown as Worker;
  });
  return { worker: workers[0], workers, client };
}

const source = { modelId: 'fixtures/clip-colors', host: 'http://localhost/models' };
const work = { textsEncoded: 1, textsCached: 0, imagesEncoded: 0, imagesCached: 0 };
const row = (imageId: string) => ({
  imageIds: [imageId],
  scores: Float32Array.of(1),
  ms: Float32Array.of(1),
  cached: Uint8Array.of(0),
  margin: Float32Array.of(1),
});
const info = {
  modelId: source.modelId,
  device: 'wasm',
  dtype: 'q8',
  layout: 'split',
  threads: 2,
  scoring: 'softmax',
  languages: ['en'],
  notices: [],
  timings: { loadMs: 1, warmUpMs: 1 },
} satisfies ModelInfo;

describe('ClassifierClient', () => {
  it('sends the protocol version with a load and resolves with the model info, streaming progress', async () => {
    const { worker, client } = setup();
    const progress: string[] = [];
    const loaded = client.load(
      { source, device: 'wasm', dtypes: ['q8'], threads: null, simulate: null },
      { onProgress: (f) => progress.push(f.file) },
    );
    const request = worker.sent[0];
    expect(request).toMatchObject({ type: 'load', protocolVersion: PROTOCOL_VERSION });
    worker.reply({ type: 'progress', id: request.id, file: { file: 'config.json', loaded: 1, total: 2, done: false } });
    worker.reply({ type: 'loaded', id: request.id, info });
    await expect(loaded).resolves.toEqual(info);
    expect(progress).toEqual(['config.json']);
  });

  it('matches replies to requests by id', async () => {
    const { worker, client } = setup();
    const a: string[] = [];
    const b: string[] = [];
    const first = client.classify(['x'], ['{}'], 'softmax', {
      onScores: (r) => a.push(...r.imageIds),
    });
    const second = client.classify(['y'], ['{}'], 'softmax', {
      onScores: (r) => b.push(...r.imageIds),
    });
    const [ra, rb] = worker.sent;
    worker.reply({ type: 'scores', id: rb.id, rows: row('img-2') });
    worker.reply({ type: 'scores', id: ra.id, rows: row('img-1') });
    worker.reply({ type: 'done', id: ra.id, work });
    worker.reply({ type: 'done', id: rb.id, work: { ...work, textsCached: 1 } });
    expect(await Promise.all([first, second])).toEqual([work, { ...work, textsCached: 1 }]);
    expect(a).toEqual(['img-1']);
    expect(b).toEqual(['img-2']);
  });

  it('rejects with the worker’s typed failure', async () => {
    const { worker, client } = setup();
    const loaded = client.load({
      source,
      device: 'wasm',
      dtypes: ['q8'],
      threads: null,
      simulate: null,
    });
    const failure = { code: 'load', failure: { code: 'host-unreachable', detail: 'offline' } } as const;
    worker.reply({ type: 'failed', id: worker.sent[0].id, failure });
    await expect(loaded).rejects.toEqual(new RequestError(failure));
    await loaded.catch((error: RequestError) => expect(error.failure).toEqual(failure));
  });

  it('on abort rejects as aborted, asks the worker to cancel, and ignores late replies', async () => {
    const { worker, client } = setup();
    const controller = new AbortController();
    const results: string[] = [];
    const running = client.classify(['x'], ['{}'], 'softmax', {
      signal: controller.signal,
      onScores: (r) => results.push(...r.imageIds),
    });
    const request = worker.sent[0];
    controller.abort();
    await expect(running).rejects.toMatchObject({ failure: { code: 'aborted' } });
    expect(worker.sent[1]).toMatchObject({ type: 'cancel', target: request.id });
    worker.reply({ type: 'scores', id: request.id, rows: row('late') });
    expect(results).toEqual([]);
  });

  it('rejects at once when the signal is already aborted, without sending anything', async () => {
    const { worker, client } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(client.classify(['x'], ['{}'], 'softmax', { signal: controller.signal })).rejects.toMatchObject({
      failure: { code: 'aborted' },
    });
    expect(worker.sent).toEqual([]);
  });

  it('asks the worker for the stored models and deletes one, by plain requests', async () => {
    const { worker, client } = setup();
    const listed = client.listModels();
    const models = [{ modelKey: 'h|m', modelId: 'm', host: 'h', size: 1, files: 1, lastUsed: 1 }];
    worker.reply({ type: 'models', id: worker.sent[0].id, models });
    await expect(listed).resolves.toEqual(models);
    const deleted = client.deleteModel('h|m');
    expect(worker.sent[1]).toMatchObject({ type: 'delete-model', modelKey: 'h|m' });
    worker.reply({ type: 'deleted', id: worker.sent[1].id });
    await expect(deleted).resolves.toBeUndefined();
  });

  it('restarts with a fresh worker, ending pending requests as restarted', async () => {
    const { workers, client } = setup();
    const loaded = client.load({
      source,
      device: 'webgpu',
      dtypes: ['fp32'],
      threads: null,
      simulate: null,
    });
    client.restart();
    await expect(loaded).rejects.toMatchObject({ failure: { code: 'restarted' } });
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    const next = client.load({ source, device: 'wasm', dtypes: ['q8'], threads: null, simulate: null });
    workers[1].reply({ type: 'loaded', id: workers[1].sent[0].id, info });
    await expect(next).resolves.toEqual(info);
  });

  it('sends library requests again to the fresh worker after a restart: nothing added is lost', async () => {
    const { workers, client } = setup();
    const images = [{ id: 'a', name: 'a.png', path: null, file: new Blob(['x']), lastModified: 1 }];
    const added = client.addImages(images);
    const loading = client.load({ source, device: 'webgpu', dtypes: ['fp32'], threads: null, simulate: null });
    client.restart();
    await expect(loading).rejects.toMatchObject({ failure: { code: 'restarted' } });
    const again = workers[1].requests('add-images');
    expect(again).toHaveLength(1);
    expect(again[0].images[0].id).toBe('a');
    workers[1].reply({ type: 'added', id: again[0].id, images: [], folder: null, problem: null });
    await expect(added).resolves.toEqual({ images: [], folder: null, problem: null });
  });

  it('reports a lost GPU device', () => {
    const { worker, client } = setup();
    const lost: string[] = [];
    client.onDeviceLost = (detail) => lost.push(detail);
    worker.reply({ type: 'device-lost', id: 0, detail: 'the GPU device was lost' });
    expect(lost).toEqual(['the GPU device was lost']);
  });

  it('rejects every pending request when the worker crashes', async () => {
    const { worker, client } = setup();
    const loaded = client.load({
      source,
      device: 'wasm',
      dtypes: ['q8'],
      threads: null,
      simulate: null,
    });
    // Node has no ErrorEvent; the client reads only `message`.
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(loaded).rejects.toMatchObject({ failure: { code: 'worker-crashed', detail: 'out of memory' } });
  });
});
