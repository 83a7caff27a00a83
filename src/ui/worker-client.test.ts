import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ModelInfo, type WorkerReply, type WorkerRequest } from '../shared/protocol.ts';
import { ClassifierClient } from './worker-client.ts';

/** Stands in for the worker: records requests and lets the test reply. */
class FakeWorker extends EventTarget {
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
  }
  reply(message: WorkerReply): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

function setup() {
  const workers: FakeWorker[] = [];
  const client = new ClassifierClient(() => {
    workers.push(new FakeWorker());
    return workers[workers.length - 1] as unknown as Worker;
  });
  return { worker: workers[0], workers, client };
}

const source = { modelId: 'fixtures/clip-colors', host: 'http://localhost/models' };
const work = { textsEncoded: 1, textsCached: 0 };
const info = {
  modelId: source.modelId,
  device: 'wasm',
  dtype: 'q8',
  layout: 'split',
  threads: 2,
  scoring: 'softmax',
  notices: [],
  timings: { loadMs: 1, warmUpMs: 1 },
} satisfies ModelInfo;

describe('ClassifierClient', () => {
  it('sends the protocol version with a load and resolves with the model info, streaming progress', async () => {
    const { worker, client } = setup();
    const progress: string[] = [];
    const loaded = client.load(
      { source, device: 'wasm', dtypes: ['q8'], storage: true, threads: null, simulate: null },
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
    const first = client.classify([], ['x'], ['{}'], 'softmax', {
      onResults: (r) => a.push(...r.map((x) => x.imageId)),
    });
    const second = client.classify([], ['y'], ['{}'], 'softmax', {
      onResults: (r) => b.push(...r.map((x) => x.imageId)),
    });
    const [ra, rb] = worker.sent;
    worker.reply({
      type: 'results',
      id: rb.id,
      results: [{ imageId: 'img-2', scores: [], ms: 1, cached: false, width: 1, height: 1, notes: [] }],
    });
    worker.reply({
      type: 'results',
      id: ra.id,
      results: [{ imageId: 'img-1', scores: [], ms: 1, cached: false, width: 1, height: 1, notes: [] }],
    });
    worker.reply({ type: 'done', id: ra.id, work });
    worker.reply({ type: 'done', id: rb.id, work: { ...work, textsCached: 1 } });
    expect(await Promise.all([first, second])).toEqual([work, { ...work, textsCached: 1 }]);
    expect(a).toEqual(['img-1']);
    expect(b).toEqual(['img-2']);
  });

  it('rebuilds errors from the worker with their name', async () => {
    const { worker, client } = setup();
    const loaded = client.load({
      source,
      device: 'wasm',
      dtypes: ['q8'],
      storage: true,
      threads: null,
      simulate: null,
    });
    worker.reply({ type: 'error', id: worker.sent[0].id, error: { name: 'HostUnreachable', message: 'offline' } });
    await expect(loaded).rejects.toMatchObject({ name: 'HostUnreachable', message: 'offline' });
  });

  it('on abort rejects with an AbortError, asks the worker to cancel, and ignores late replies', async () => {
    const { worker, client } = setup();
    const controller = new AbortController();
    const results: string[] = [];
    const running = client.classify([], ['x'], ['{}'], 'softmax', {
      signal: controller.signal,
      onResults: (r) => results.push(...r.map((x) => x.imageId)),
    });
    const request = worker.sent[0];
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(worker.sent[1]).toMatchObject({ type: 'cancel', target: request.id });
    worker.reply({
      type: 'results',
      id: request.id,
      results: [{ imageId: 'late', scores: [], ms: 1, cached: false, width: 1, height: 1, notes: [] }],
    });
    expect(results).toEqual([]);
  });

  it('rejects at once when the signal is already aborted, without sending anything', async () => {
    const { worker, client } = setup();
    const controller = new AbortController();
    controller.abort();
    await expect(client.classify([], ['x'], ['{}'], 'softmax', { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(worker.sent).toEqual([]);
  });

  it('answers the worker’s store calls through the page’s store handler', async () => {
    const { worker, client } = setup();
    worker.reply({ type: 'store-call', id: 7, call: { op: 'delete', url: 'u' } });
    await new Promise((resolve) => setTimeout(resolve));
    expect(worker.sent[0]).toMatchObject({ type: 'store-answer', id: 7, answer: { ok: false } });

    const calls: string[] = [];
    client.setStoreHandler(async (call) => {
      calls.push(call.op);
      return { ok: true };
    });
    worker.reply({ type: 'store-call', id: 8, call: { op: 'delete', url: 'u' } });
    await new Promise((resolve) => setTimeout(resolve));
    expect(calls).toEqual(['delete']);
    expect(worker.sent[1]).toEqual({ type: 'store-answer', id: 8, answer: { ok: true } });
  });

  it('restarts with a fresh worker, ending pending requests with WorkerRestarted', async () => {
    const { workers, client } = setup();
    const loaded = client.load({
      source,
      device: 'webgpu',
      dtypes: ['fp32'],
      storage: true,
      threads: null,
      simulate: null,
    });
    client.restart();
    await expect(loaded).rejects.toMatchObject({ name: 'WorkerRestarted' });
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    const next = client.load({ source, device: 'wasm', dtypes: ['q8'], storage: true, threads: null, simulate: null });
    workers[1].reply({ type: 'loaded', id: workers[1].sent[0].id, info });
    await expect(next).resolves.toEqual(info);
  });

  it('reports a lost GPU device', () => {
    const { worker, client } = setup();
    const lost: string[] = [];
    client.setDeviceLostHandler((error) => lost.push(error.message));
    worker.reply({ type: 'device-lost', id: 0, error: { name: 'DeviceLost', message: 'the GPU device was lost' } });
    expect(lost).toEqual(['the GPU device was lost']);
  });

  it('rejects every pending request when the worker crashes', async () => {
    const { worker, client } = setup();
    const loaded = client.load({
      source,
      device: 'wasm',
      dtypes: ['q8'],
      storage: true,
      threads: null,
      simulate: null,
    });
    // Node has no ErrorEvent; the client reads only `message`.
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(loaded).rejects.toMatchObject({ name: 'WorkerCrashed', message: 'out of memory' });
  });
});
