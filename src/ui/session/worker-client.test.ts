import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_HINTS } from '../../shared/consent.ts';
import { PROTOCOL_VERSION, type LoadOptions } from '../../shared/protocol.ts';
import type { ModelInfo } from '../../shared/types.ts';
import { FakeWorker } from './fake-worker.ts';
import { HANG_FLOOR_MS, PING_MS, type HeartbeatClock } from './heartbeat.ts';
import { ClassifierClient, RequestError, type WorkerTrouble } from './worker-client.ts';

/** A clock whose time moves only when the test says; timers due by then run in order. */
function manualClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: HeartbeatClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      timers.set(++nextId, { at: now + ms, run });
      return nextId;
    },
    clearTimeout: (id) => timers.delete(id as number),
  };
  return {
    clock,
    /** Moves time on by `ms`, running each timer at its own time. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].run();
        await Promise.resolve(); // the fake worker answers pings in a microtask
      }
      now = end;
    },
    /** Jumps without running timers in between, as when the page was frozen. */
    jump(ms: number) {
      now += ms;
    },
    pending: () => timers.size,
  };
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
/** A plain load on WASM, q8. */
const WASM_LOAD: LoadOptions = {
  source,
  device: 'wasm',
  dtypes: ['q8'],
  threads: null,
  simulate: null,
  consent: null,
  hints: NO_HINTS,
};
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
      { source, device: 'wasm', dtypes: ['q8'], threads: null, simulate: null, consent: null, hints: NO_HINTS },
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
    const loaded = client.load(WASM_LOAD);
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
      consent: null,
      hints: NO_HINTS,
    });
    client.restart();
    await expect(loaded).rejects.toMatchObject({ failure: { code: 'restarted' } });
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    const next = client.load(WASM_LOAD);
    workers[1].reply({ type: 'loaded', id: workers[1].sent[0].id, info });
    await expect(next).resolves.toEqual(info);
  });

  it('sends library requests again to the fresh worker after a restart: nothing added is lost', async () => {
    const { workers, client } = setup();
    const images = [{ id: 'a', name: 'a.png', path: null, file: new Blob(['x']), lastModified: 1 }];
    const added = client.addImages(images);
    const loading = client.load({
      source,
      device: 'webgpu',
      dtypes: ['fp32'],
      threads: null,
      simulate: null,
      consent: null,
      hints: NO_HINTS,
    });
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
    const loaded = client.load(WASM_LOAD);
    // Node has no ErrorEvent; the client reads only `message`.
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(loaded).rejects.toMatchObject({ failure: { code: 'worker-crashed', detail: 'out of memory' } });
  });

  it('starts a fresh worker when a load needs the other ONNX Runtime build, and keeps the worker otherwise', async () => {
    const { workers, client } = setup();
    const added = client.addImages([{ id: 'a', name: 'a.png', path: null, file: new Blob(['x']), lastModified: 1 }]);
    void client.load(WASM_LOAD).catch(() => undefined);
    void client.load({ ...WASM_LOAD, dtypes: ['fp32'] }).catch(() => undefined);
    expect(workers).toHaveLength(1);
    // WebGPU runs on the asyncify build, which a worker started on the plain one cannot load.
    const gpu = client.load({ ...WASM_LOAD, device: 'webgpu' });
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].requests('load')).toHaveLength(1);
    // What was pending for the library goes on in the fresh worker.
    const again = workers[1].requests('add-images')[0];
    workers[1].reply({ type: 'added', id: again.id, images: [], folder: null, problem: null });
    await expect(added).resolves.toMatchObject({ images: [] });
    void gpu.catch(() => undefined);
    void client.load({ ...WASM_LOAD, device: 'webgpu' }).catch(() => undefined);
    expect(workers).toHaveLength(2);
  });

  describe('a worker that dies or hangs', () => {
    afterEach(() => vi.useRealTimers());
    const crash = (worker: FakeWorker, message = 'boom') =>
      worker.dispatchEvent(Object.assign(new Event('error'), { message }));

    it('replaces a worker that crashed: library requests go on in the fresh one, the rest end as restarted', async () => {
      const { workers, client } = setup();
      const troubles: WorkerTrouble[] = [];
      client.onTrouble = (trouble) => troubles.push(trouble);
      const added = client.addImages([{ id: 'a', name: 'a.png', path: null, file: new Blob(['x']), lastModified: 1 }]);
      const loading = client.load({ ...WASM_LOAD, dtypes: ['q8'] });
      crash(workers[0], 'Uncaught RangeError: Array buffer allocation failed');
      await expect(loading).rejects.toMatchObject({ failure: { code: 'restarted' } });
      expect(troubles).toEqual([
        { kind: 'crashed', detail: 'Uncaught RangeError: Array buffer allocation failed', gaveUp: false },
      ]);
      expect(workers).toHaveLength(2);
      expect(workers[0].terminated).toBe(true);
      const again = workers[1].requests('add-images')[0];
      workers[1].reply({ type: 'added', id: again.id, images: [], folder: null, problem: null });
      await expect(added).resolves.toMatchObject({ images: [] });
    });

    it('takes a messageerror for a crash too', () => {
      const { workers, client } = setup();
      const troubles: WorkerTrouble[] = [];
      client.onTrouble = (trouble) => troubles.push(trouble);
      workers[0].dispatchEvent(new Event('messageerror'));
      expect(troubles.map((t) => t.kind)).toEqual(['crashed']);
      expect(workers).toHaveLength(2);
    });

    it('replaces a worker that leaves a cancel unanswered for 5 s, and not one that answers', async () => {
      vi.useFakeTimers();
      const { workers, client } = setup();
      const troubles: WorkerTrouble[] = [];
      client.onTrouble = (trouble) => troubles.push(trouble);
      const first = new AbortController();
      const answered = client.classify(['x'], ['{}'], 'softmax', { signal: first.signal });
      first.abort();
      await expect(answered).rejects.toMatchObject({ failure: { code: 'aborted' } });
      const cancel = workers[0].requests('cancel')[0];
      workers[0].reply({ type: 'cancelled', id: cancel.id, target: cancel.target });
      vi.advanceTimersByTime(10_000);
      expect(troubles).toEqual([]);

      const second = new AbortController();
      const stuck = client.classify(['y'], ['{}'], 'softmax', { signal: second.signal });
      second.abort();
      await expect(stuck).rejects.toMatchObject({ failure: { code: 'aborted' } });
      vi.advanceTimersByTime(4999);
      expect(troubles).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(troubles).toEqual([{ kind: 'hung', detail: 'no answer to a cancel within 5 s', gaveUp: false }]);
      expect(workers[0].terminated).toBe(true);
      expect(workers).toHaveLength(2);
    });

    it('gives up after repeated crashes instead of starting workers in a loop', async () => {
      let now = 0;
      const workers: FakeWorker[] = [];
      const client = new ClassifierClient(
        () => {
          workers.push(new FakeWorker());
          return workers[workers.length - 1] as unknown as Worker;
        },
        { now: () => now },
      );
      const troubles: WorkerTrouble[] = [];
      client.onTrouble = (trouble) => troubles.push(trouble);
      for (let i = 0; i < 3; i++) {
        crash(workers[workers.length - 1]);
        now += 1000;
      }
      expect(workers).toHaveLength(4);
      const loading = client.load(WASM_LOAD);
      crash(workers[3], 'the worker script failed to load');
      await expect(loading).rejects.toMatchObject({ failure: { code: 'worker-crashed' } });
      expect(troubles.at(-1)).toMatchObject({ gaveUp: true });
      expect(workers).toHaveLength(4);
      // A minute later the count starts again.
      now += 60_000;
      crash(workers[3]);
      expect(workers).toHaveLength(5);
    });
  });

  describe('the heartbeat', () => {
    function watched() {
      const time = manualClock();
      const workers: FakeWorker[] = [];
      const client = new ClassifierClient(
        () => {
          workers.push(new FakeWorker());
          return workers[workers.length - 1] as unknown as Worker;
        },
        { heartbeatClock: time.clock },
      );
      const troubles: WorkerTrouble[] = [];
      client.onTrouble = (trouble) => troubles.push(trouble);
      return { time, workers, client, troubles };
    }

    it('replaces a worker that stops answering while it has work, without any cancel', async () => {
      const { time, workers, client, troubles } = watched();
      const loading = client.load(WASM_LOAD);
      await time.advance(PING_MS);
      expect(workers[0].requests('ping')).toHaveLength(1);
      // From now on the worker's thread never comes back.
      workers[0].answerPings = false;
      await time.advance(HANG_FLOOR_MS);
      expect(troubles).toEqual([]);
      await time.advance(PING_MS);
      expect(troubles).toEqual([{ kind: 'hung', detail: 'no answer to a ping for 90 s', gaveUp: false }]);
      expect(workers[0].requests('cancel')).toEqual([]);
      expect(workers[0].terminated).toBe(true);
      expect(workers).toHaveLength(2);
      await expect(loading).rejects.toMatchObject({ failure: { code: 'restarted' } });
    });

    it('waits out a long pass the worker comes back from, and then allows four times that', async () => {
      const { time, workers, client, troubles } = watched();
      void client.classify(['x'], ['{}'], 'softmax').catch(() => undefined);
      await time.advance(PING_MS);
      // A 60 s vision pass holds the thread: the ping is answered once it ends.
      workers[0].answerPings = false;
      await time.advance(PING_MS);
      const ping = workers[0].requests('ping').at(-1);
      await time.advance(60_000 - PING_MS);
      workers[0].reply({ type: 'pong', id: ping?.id ?? 0 });
      expect(troubles).toEqual([]);
      // 200 s of silence next: under 4 × 60 s, so still a pass, not a hang.
      await time.advance(200_000);
      expect(troubles).toEqual([]);
      await time.advance(45_000);
      expect(troubles.map((t) => t.kind)).toEqual(['hung']);
    });

    it('pings nobody while nothing is pending', async () => {
      const { time, workers, client } = watched();
      const listing = client.listModels();
      workers[0].reply({ type: 'models', id: workers[0].requests('list-models')[0].id, models: [] });
      await listing;
      await time.advance(10 * PING_MS);
      expect(workers[0].requests('ping')).toEqual([]);
      expect(time.pending()).toBe(0);
    });

    it('does not count a stretch in which the page itself slept', async () => {
      const { time, workers, client, troubles } = watched();
      void client.load(WASM_LOAD).catch(() => undefined);
      workers[0].answerPings = false;
      await time.advance(PING_MS);
      // A frozen tab: ten minutes pass with no timer running, the worker frozen too.
      time.jump(600_000);
      workers[0].answerPings = true;
      await time.advance(2 * PING_MS);
      expect(troubles).toEqual([]);
    });
  });
});
