/**
 * The classifier worker: owns transformers.js and the loaded model, answers the requests of
 * `src/shared/protocol.ts`. Requests run one at a time; a cancel is handled at once and stops its
 * target between steps.
 */
import {
  PROTOCOL_VERSION,
  abortError,
  serializeError,
  type ImageScores,
  type TextWork,
  type LoadOptions,
  type WorkerReply,
  type WorkerRequest,
} from '../shared/protocol.ts';
import { normalise, rankScores } from '../shared/scoring.ts';
import { applyTemplate } from '../shared/template.ts';
import type { RawImage } from '@huggingface/transformers';
import { BackendError, loadClipModel, type LoadedModel } from './clip-model.ts';
import { decodeImage } from './decode-image.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { DownloadLog, createCheckedFetch } from './download.ts';
import { describeLoadError } from './load-errors.ts';
import { configureRuntime, webgpuDevice } from './runtime.ts';
import { StoreCache, sha256Hex } from './store-cache.ts';
import { callStore, receiveStoreAnswer } from './store-client.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Images per vision pass: batching amortises the pass, small batches keep results coming. */
const VISION_BATCH = 4;

interface Session {
  key: string;
  options: LoadOptions;
  model: Promise<LoadedModel>;
}

let session: Session | null = null;
/** What decoding found out about each image, for its results when its embedding comes from the cache. */
const imageFacts = new Map<string, Pick<ImageScores, 'width' | 'height' | 'notes'>>();
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

/** Embeddings for `prompts` in order, encoding in one batch only those not cached yet. */
async function textEmbeddings(
  cache: EmbeddingCache,
  model: LoadedModel,
  prompts: string[],
  work: TextWork,
): Promise<Float32Array[]> {
  // Taken out of the cache first: storing new entries may evict ones this request still needs.
  const found = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const prompt of new Set(prompts)) {
    const cached = cache.text(prompt);
    if (cached) found.set(prompt, cached);
    else missing.push(prompt);
  }
  work.textsCached += found.size;
  work.textsEncoded += missing.length;
  if (missing.length > 0) {
    const embeds = await model.encodeTexts(missing);
    missing.forEach((prompt, i) => {
      found.set(prompt, embeds[i]);
      cache.setText(prompt, embeds[i]);
    });
  }
  return prompts.map((prompt) => found.get(prompt) as Float32Array);
}

/**
 * A label's text embedding under several templates: the normalised mean of the normalised
 * embeddings (CLIP's prompt ensembling); one template's embedding as it is.
 */
function ensembleEmbedding(perTemplate: Float32Array[]): Float32Array {
  if (perTemplate.length === 1) return perTemplate[0];
  const sum = new Float64Array(perTemplate[0].length);
  for (const embedding of perTemplate) embedding.forEach((x, i) => (sum[i] += x));
  return normalise(sum);
}

function asBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  return new BackendError(error instanceof Error ? error.message : String(error));
}

/** An image decoded and waiting for its place in a batched vision pass. */
interface Decoded {
  imageId: string;
  pixels: RawImage;
  pixelHash: string;
  decodeMs: number;
}

async function classify(request: Extract<WorkerRequest, { type: 'classify' }>): Promise<void> {
  const { id, images, labels, templates, scoring } = request;
  const current = session;
  if (!current) throw new Error('No model is loaded.');
  const model = await current.model;
  throwIfCancelled(id);
  const { device, simulate, source } = current.options;
  const onGpu = device === 'webgpu';
  if (onGpu && simulate === 'device-lost') await loseGpuDevice();
  const cache = new EmbeddingCache(`${source.host}|${source.modelId}|${model.info.dtype}`);
  const prompts = templates.flatMap((template) => labels.map((label) => applyTemplate(template, label)));
  const work: TextWork = { textsEncoded: 0, textsCached: 0 };
  const embeddings = await textEmbeddings(cache, model, prompts, work).catch((error: unknown) => {
    throw onGpu ? asBackendError(error) : error;
  });
  const texts = labels.map((_, i) => ensembleEmbedding(templates.map((_, t) => embeddings[t * labels.length + i])));
  const scored = (imageId: string, embedding: Float32Array, ms: number, cached: boolean): ImageScores => ({
    imageId,
    scores: rankScores(labels, model.score(embedding, texts, scoring)),
    ms,
    cached,
    ...(imageFacts.get(imageId) ?? { width: 0, height: 0, notes: [] }),
  });

  for (let start = 0; start < images.length; start += VISION_BATCH) {
    const batch: Decoded[] = [];
    const results: ImageScores[] = [];
    for (const image of images.slice(start, start + VISION_BATCH)) {
      throwIfCancelled(id);
      const known = cache.imageById(image.imageId);
      if (known) {
        results.push(scored(image.imageId, known, 0, true));
        continue;
      }
      const started = performance.now();
      try {
        const { pixels, width, height, notes } = await decodeImage(image.blob);
        imageFacts.set(image.imageId, { width, height, notes });
        // Decoded pixels live in a plain ArrayBuffer (getImageData), never a shared one.
        const pixelHash = await sha256Hex(pixels.data as Uint8ClampedArray<ArrayBuffer>);
        cache.rememberImage(image.imageId, pixelHash);
        const cached = cache.image(pixelHash);
        if (cached) results.push(scored(image.imageId, cached, performance.now() - started, true));
        else batch.push({ imageId: image.imageId, pixels, pixelHash, decodeMs: performance.now() - started });
      } catch (error) {
        post({ type: 'image-error', id, imageId: image.imageId, error: serializeError(error) });
      }
    }
    if (batch.length > 0) {
      throwIfCancelled(id);
      const started = performance.now();
      try {
        const embeddings = await model.encodeImages(batch.map((item) => item.pixels));
        const perImage = (performance.now() - started) / batch.length;
        batch.forEach((item, i) => {
          cache.setImage(item.pixelHash, embeddings[i]);
          results.push(scored(item.imageId, embeddings[i], item.decodeMs + perImage, false));
        });
      } catch (error) {
        if (cancelled.has(id)) throw abortError();
        // An inference that fails on WebGPU fails the request: the page moves everything to WASM.
        if (onGpu) throw asBackendError(error);
        for (const item of batch)
          post({ type: 'image-error', id, imageId: item.imageId, error: serializeError(error) });
      }
    }
    // Stopped meanwhile: the embeddings are kept for later, the results are not wanted now.
    throwIfCancelled(id);
    if (results.length > 0) post({ type: 'results', id, results });
  }
  post({ type: 'done', id, work });
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
