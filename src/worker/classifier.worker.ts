/**
 * The classifier worker: owns transformers.js and the loaded model, answers the requests of
 * `src/shared/protocol.ts`. Requests run one at a time; a cancel is handled at once and stops its
 * target between steps.
 */
import { LruCache } from '../shared/lru.ts';
import {
  PROTOCOL_VERSION,
  abortError,
  serializeError,
  type LoadOptions,
  type WorkerReply,
  type WorkerRequest,
} from '../shared/protocol.ts';
import { rankScores } from '../shared/scoring.ts';
import { applyTemplate } from '../shared/template.ts';
import { BackendError, loadClipModel, type LoadedModel } from './clip-model.ts';
import { ImageDecodeError, decodeImage } from './decode-image.ts';
import { DownloadLog, createCheckedFetch } from './download.ts';
import { describeLoadError } from './load-errors.ts';
import { configureRuntime, webgpuDevice } from './runtime.ts';
import { StoreCache } from './store-cache.ts';
import { callStore, receiveStoreAnswer } from './store-client.ts';

declare const self: DedicatedWorkerGlobalScope;

const TEXT_CACHE_SIZE = 5000;
const IMAGE_CACHE_SIZE = 2000;

interface Session {
  key: string;
  options: LoadOptions;
  model: Promise<LoadedModel>;
  texts: LruCache<string, Float32Array>;
  images: LruCache<string, Float32Array>;
}

let session: Session | null = null;
let queue: Promise<void> = Promise.resolve();
/** Requests queued or running, and those of them asked to stop. */
const pending = new Set<number>();
const cancelled = new Set<number>();
/** Downloads of running loads, stopped at once by a cancel. */
const loadControllers = new Map<number, AbortController>();

function post(reply: WorkerReply): void {
  self.postMessage(reply);
}

function throwIfCancelled(id: number): void {
  if (cancelled.has(id)) throw abortError();
}

/**
 * Runs `load` holding a lock named after the model, so that two tabs loading the same model do
 * not download it twice: the second waits, then finds every file in the store.
 */
async function withModelLock<T>(name: string, onWait: () => void, load: () => Promise<T>): Promise<T> {
  const locks = self.navigator.locks as LockManager | undefined;
  if (!locks) return load();
  const immediate = await locks.request(name, { ifAvailable: true }, async (lock) =>
    lock ? { value: await load() } : null,
  );
  if (immediate) return immediate.value;
  onWait();
  return locks.request(name, load);
}

async function openModel(id: number, options: LoadOptions, signal: AbortSignal): Promise<LoadedModel> {
  const { modelId, host } = options.source;
  const downloads = new DownloadLog();
  const store = options.storage ? new StoreCache((call) => callStore(post, call), modelId, host, downloads) : null;
  configureRuntime(options.source, { cache: store, fetch: createCheckedFetch(signal, downloads) }, options.threads);
  const lockName = `zero-shot-classifier model ${host}|${modelId}|${options.dtypes.join(',')}`;
  const model = await withModelLock(
    lockName,
    () => post({ type: 'waiting', id }),
    async () => {
      const loaded = await loadClipModel(options, {
        onPlan: (files) => post({ type: 'plan', id, files }),
        onProgress: (file) => post({ type: 'progress', id, file }),
        onWarmUp: () => post({ type: 'warming-up', id }),
        isStored: async (url) => (await store?.match(url)) !== undefined,
      });
      loaded.info.notices = store ? store.notices : [{ kind: 'unavailable' }];
      return loaded;
    },
  );
  if (options.device === 'webgpu') await watchGpuDevice();
  return model;
}

/** A lost GPU device takes the worker's WebGPU state with it: the page moves to WASM in a fresh worker. */
async function watchGpuDevice(): Promise<void> {
  const device = await webgpuDevice();
  void device?.lost.then((info) => {
    post({
      type: 'device-lost',
      id: 0,
      error: { name: 'DeviceLost', message: `the GPU device was lost (${info.message || info.reason})` },
    });
  });
}

/** `?simulate=device-lost`: the GPU device really goes away, as when a driver resets mid-session. */
async function loseGpuDevice(): Promise<never> {
  const device = await webgpuDevice();
  device?.destroy();
  await device?.lost;
  throw new BackendError('the GPU device was lost (destroyed).');
}

async function load(id: number, options: LoadOptions): Promise<void> {
  const key = JSON.stringify(options);
  if (session?.key !== key) {
    const previous = session;
    const controller = new AbortController();
    loadControllers.set(id, controller);
    const current: Session = {
      key,
      options,
      model: openModel(id, options, controller.signal),
      texts: new LruCache(TEXT_CACHE_SIZE),
      images: new LruCache(IMAGE_CACHE_SIZE),
    };
    session = current;
    // A failed or cancelled load is forgotten so that a retry starts afresh.
    current.model.catch(() => {
      if (session === current) session = null;
    });
    previous?.model.then((model) => model.dispose()).catch(() => undefined);
  }
  const loading = session;
  try {
    const model = await loading.model;
    post({ type: 'loaded', id, info: model.info });
  } catch (error) {
    if (cancelled.has(id)) throw abortError();
    post({ type: 'error', id, error: describeLoadError(error, options) });
  } finally {
    loadControllers.delete(id);
  }
}

/** Embeddings for `texts` in order, encoding in one batch only those not cached yet. */
async function textEmbeddings(current: Session, model: LoadedModel, texts: string[]): Promise<Float32Array[]> {
  // Taken out of the cache first: storing new entries may evict ones this request still needs.
  const found = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const text of new Set(texts)) {
    const cached = current.texts.get(text);
    if (cached) found.set(text, cached);
    else missing.push(text);
  }
  if (missing.length > 0) {
    const embeds = await model.encodeTexts(missing);
    missing.forEach((text, i) => {
      found.set(text, embeds[i]);
      current.texts.set(text, embeds[i]);
    });
  }
  return texts.map((text) => found.get(text) as Float32Array);
}

function asBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  return new BackendError(error instanceof Error ? error.message : String(error));
}

async function classify(request: Extract<WorkerRequest, { type: 'classify' }>): Promise<void> {
  const { id, images, labels, template } = request;
  const current = session;
  if (!current) throw new Error('No model is loaded.');
  const model = await current.model;
  throwIfCancelled(id);
  const onGpu = current.options.device === 'webgpu';
  if (onGpu && current.options.simulate === 'device-lost') await loseGpuDevice();
  const prompts = labels.map((label) => applyTemplate(template, label));
  const texts = await textEmbeddings(current, model, prompts).catch((error: unknown) => {
    throw onGpu ? asBackendError(error) : error;
  });
  for (const image of images) {
    throwIfCancelled(id);
    const started = performance.now();
    try {
      let embedding = current.images.get(image.imageId);
      if (!embedding) {
        const pixels = await decodeImage(image.blob);
        throwIfCancelled(id);
        embedding = await model.encodeImage(pixels);
        current.images.set(image.imageId, embedding);
      }
      const scores = rankScores(labels, model.score(embedding, texts));
      post({ type: 'result', id, imageId: image.imageId, scores, ms: performance.now() - started });
    } catch (error) {
      if (cancelled.has(id)) throw abortError();
      // An inference that fails on WebGPU fails the request: the page moves everything to WASM.
      if (onGpu && !(error instanceof ImageDecodeError)) throw asBackendError(error);
      post({ type: 'image-error', id, imageId: image.imageId, error: serializeError(error) });
    }
  }
  post({ type: 'done', id });
}

async function handle(request: WorkerRequest): Promise<void> {
  try {
    throwIfCancelled(request.id);
    switch (request.type) {
      case 'load':
        if (request.protocolVersion !== PROTOCOL_VERSION) {
          post({
            type: 'error',
            id: request.id,
            error: { name: 'ProtocolMismatch', message: `Worker speaks protocol ${PROTOCOL_VERSION}.` },
          });
          return;
        }
        await load(request.id, request.options);
        return;
      case 'classify':
        await classify(request);
        return;
      case 'cancel':
      case 'store-answer':
        return;
    }
  } catch (error) {
    post({ type: 'error', id: request.id, error: serializeError(error) });
  } finally {
    pending.delete(request.id);
    cancelled.delete(request.id);
  }
}

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  if (request.type === 'store-answer') {
    receiveStoreAnswer(request.id, request.answer);
    return;
  }
  if (request.type === 'cancel') {
    if (pending.has(request.target)) cancelled.add(request.target);
    loadControllers.get(request.target)?.abort(abortError());
    return;
  }
  pending.add(request.id);
  queue = queue.then(() => handle(request));
});
