/**
 * The classifier worker's logic, as a class whose dependencies are passed in (the model loader,
 * the model store, image decoding), so that it runs in Node tests with a fake model. Requests that
 * use the model run one at a time; a cancel is handled at once and stops its target between steps;
 * model-store requests do not wait behind classification.
 */
import type { RawImage } from '@huggingface/transformers';
import { errorDetail, type ImageFailure, type RequestFailure } from '../shared/failures.ts';
import {
  PROTOCOL_VERSION,
  type ImageScores,
  type LoadOptions,
  type WorkerReply,
  type WorkerRequest,
} from '../shared/protocol.ts';
import { labelScores, normalise, rankScores } from '../shared/scoring.ts';
import { applyTemplate } from '../shared/template.ts';
import type { FileProgress, PlannedFile, TextWork } from '../shared/types.ts';
import type { DecodedImage } from './decode-image.ts';
import { EmbeddingCache, createStores, type EmbeddingStores, type ImageFacts } from './embedding-cache.ts';
import { ImportError, importModelFolder } from './import-model.ts';
import { describeLoadError } from './load-errors.ts';
import type { LoadedModel } from './loaded-model.ts';
import { BackendError, ImageDecodeError } from './model-errors.ts';
import type { ModelStore } from './model-store.ts';
import { sha256Hex } from './sha256.ts';

/** Images per vision pass: batching amortises the pass, small batches keep results coming. */
const VISION_BATCH = 4;

export interface LoadProgress {
  onPlan(files: PlannedFile[]): void;
  onProgress(file: FileProgress): void;
  /** Another tab holds the model's lock: this load waits for it, then reads the store. */
  onWaiting(): void;
  onWarmUp(): void;
}

/** Loads a model as `options` say; `signal` stops its downloads. */
export type ModelLoader = (options: LoadOptions, progress: LoadProgress, signal: AbortSignal) => Promise<LoadedModel>;

export interface ServiceDeps {
  post(reply: WorkerReply): void;
  loadModel: ModelLoader;
  /** The model store, for the storage panel and folder import; null where IndexedDB is unusable. */
  store: ModelStore | null;
  decodeImage(blob: Blob): Promise<DecodedImage>;
  caches?: EmbeddingStores;
  visionBatch?: number;
}

interface Session {
  key: string;
  options: LoadOptions;
  model: Promise<LoadedModel>;
}

class CancelledError extends Error {
  override name = 'AbortError';
}

/** An image decoded and waiting for its place in a batched vision pass. */
interface Decoded {
  imageId: string;
  pixels: RawImage;
  pixelHash: string;
  facts: ImageFacts;
  decodeMs: number;
}

type ClassifyRequest = Extract<WorkerRequest, { type: 'classify' }>;

/**
 * A label's text embedding under several templates: the normalised mean of the normalised
 * embeddings (CLIP's prompt ensembling); one template's embedding as it is.
 */
export function ensembleEmbedding(perTemplate: Float32Array[]): Float32Array {
  if (perTemplate.length === 1) return perTemplate[0];
  const sum = new Float64Array(perTemplate[0].length);
  for (const embedding of perTemplate) embedding.forEach((x, i) => (sum[i] += x));
  return normalise(sum);
}

export class ClassifierService {
  private session: Session | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Requests queued or running, and those of them asked to stop. */
  private readonly pending = new Set<number>();
  private readonly cancelled = new Set<number>();
  /** Downloads of running loads, stopped at once by a cancel. */
  private readonly loadControllers = new Map<number, AbortController>();
  private readonly caches: EmbeddingStores;
  private readonly visionBatch: number;

  constructor(private readonly deps: ServiceDeps) {
    this.caches = deps.caches ?? createStores();
    this.visionBatch = deps.visionBatch ?? VISION_BATCH;
  }

  /** Takes one request from the page. Resolves when it has been answered (for tests). */
  receive(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'cancel':
        if (this.pending.has(request.target)) this.cancelled.add(request.target);
        this.loadControllers.get(request.target)?.abort();
        return Promise.resolve();
      case 'list-models':
      case 'delete-model':
      case 'import-model':
        return this.answer(request.id, () => this.storeRequest(request));
      case 'load':
      case 'classify': {
        this.pending.add(request.id);
        const handled = this.queue.then(() =>
          this.answer(request.id, () => (request.type === 'load' ? this.load(request) : this.classify(request))),
        );
        this.queue = handled;
        return handled;
      }
    }
  }

  private post(reply: WorkerReply): void {
    this.deps.post(reply);
  }

  private throwIfCancelled(id: number): void {
    if (this.cancelled.has(id)) throw new CancelledError();
  }

  /** Runs a request's work; whatever it throws becomes its typed failure. */
  private async answer(id: number, work: () => Promise<void>): Promise<void> {
    try {
      this.throwIfCancelled(id);
      await work();
    } catch (error) {
      this.post({ type: 'failed', id, failure: this.requestFailure(id, error) });
    } finally {
      this.pending.delete(id);
      this.cancelled.delete(id);
    }
  }

  private requestFailure(id: number, error: unknown): RequestFailure {
    if (this.cancelled.has(id) || (error instanceof Error && error.name === 'AbortError')) return { code: 'aborted' };
    if (error instanceof FailureError) return error.failure;
    if (error instanceof BackendError) return { code: 'backend', detail: error.message };
    return { code: 'failed', detail: errorDetail(error) };
  }

  private async load(request: Extract<WorkerRequest, { type: 'load' }>): Promise<void> {
    const { id, options } = request;
    if (request.protocolVersion !== PROTOCOL_VERSION) {
      throw new FailureError({ code: 'load', failure: { code: 'protocol-mismatch', workerVersion: PROTOCOL_VERSION } });
    }
    const key = JSON.stringify(options);
    if (this.session?.key !== key) {
      const previous = this.session;
      const controller = new AbortController();
      this.loadControllers.set(id, controller);
      const current: Session = { key, options, model: this.openModel(id, options, controller.signal) };
      this.session = current;
      // A failed or cancelled load is forgotten so that a retry starts afresh.
      current.model.catch(() => {
        if (this.session === current) this.session = null;
      });
      previous?.model.then((model) => model.dispose()).catch(() => undefined);
    }
    const loading = this.session;
    try {
      const model = await loading.model;
      this.post({ type: 'loaded', id, info: model.info });
    } catch (error) {
      if (this.cancelled.has(id)) throw new CancelledError();
      throw new FailureError({ code: 'load', failure: describeLoadError(error, options.device) });
    } finally {
      this.loadControllers.delete(id);
    }
  }

  private async openModel(id: number, options: LoadOptions, signal: AbortSignal): Promise<LoadedModel> {
    const model = await this.deps.loadModel(
      options,
      {
        onPlan: (files) => this.post({ type: 'plan', id, files }),
        onProgress: (file) => this.post({ type: 'progress', id, file }),
        onWaiting: () => this.post({ type: 'waiting', id }),
        onWarmUp: () => this.post({ type: 'warming-up', id }),
      },
      signal,
    );
    void model.lost?.then((detail) => this.post({ type: 'device-lost', id: 0, detail }));
    return model;
  }

  /** Embeddings for `prompts` in order, encoding in one batch only those not cached yet. */
  private async textEmbeddings(
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

  private async classify(request: ClassifyRequest): Promise<void> {
    const { id, images, labels, templates, scoring } = request;
    const current = this.session;
    if (!current) throw new FailureError({ code: 'no-model' });
    const model = await current.model;
    this.throwIfCancelled(id);
    const { device, source } = current.options;
    const onGpu = device === 'webgpu';
    // An inference that fails on WebGPU fails the request: the page moves everything to WASM.
    const onBackend = (error: unknown): never => {
      if (onGpu && !(error instanceof BackendError)) throw new BackendError(errorDetail(error));
      throw error;
    };
    const cache = new EmbeddingCache(`${source.host}|${source.modelId}|${model.info.dtype}`, this.caches);
    const prompts = templates.flatMap((template) => labels.map((label) => applyTemplate(template, label)));
    const work: TextWork = { textsEncoded: 0, textsCached: 0 };
    const embeddings = await this.textEmbeddings(cache, model, prompts, work).catch(onBackend);
    const texts = labels.map((_, i) => ensembleEmbedding(templates.map((_, t) => embeddings[t * labels.length + i])));
    const scored = (imageId: string, embedding: Float32Array, facts: ImageFacts, ms: number, cached: boolean) =>
      ({
        imageId,
        scores: rankScores(labels, labelScores(embedding, texts, model.calibration, scoring)),
        ms,
        cached,
        ...facts,
      }) satisfies ImageScores;

    for (let start = 0; start < images.length; start += this.visionBatch) {
      const batch: Decoded[] = [];
      const results: ImageScores[] = [];
      for (const image of images.slice(start, start + this.visionBatch)) {
        this.throwIfCancelled(id);
        const known = cache.imageById(image.imageId);
        if (known) {
          results.push(scored(image.imageId, known.embedding, known.facts, 0, true));
          continue;
        }
        const started = performance.now();
        try {
          const { pixels, width, height, notes } = await this.deps.decodeImage(image.blob);
          const facts = { width, height, notes };
          // Decoded pixels live in a plain ArrayBuffer (getImageData), never a shared one.
          const pixelHash = await sha256Hex(pixels.data as Uint8ClampedArray<ArrayBuffer>);
          cache.rememberImage(image.imageId, pixelHash, facts);
          const cached = cache.image(pixelHash);
          if (cached) results.push(scored(image.imageId, cached, facts, performance.now() - started, true));
          else batch.push({ imageId: image.imageId, pixels, pixelHash, facts, decodeMs: performance.now() - started });
        } catch (error) {
          const failure: ImageFailure =
            error instanceof ImageDecodeError ? error.failure : { code: 'failed', detail: errorDetail(error) };
          this.post({ type: 'image-failed', id, imageId: image.imageId, failure });
        }
      }
      if (batch.length > 0) {
        this.throwIfCancelled(id);
        const started = performance.now();
        try {
          const embeddings = await model.encodeImages(batch.map((item) => item.pixels));
          const perImage = (performance.now() - started) / batch.length;
          batch.forEach((item, i) => {
            cache.setImage(item.pixelHash, embeddings[i]);
            results.push(scored(item.imageId, embeddings[i], item.facts, item.decodeMs + perImage, false));
          });
        } catch (error) {
          this.throwIfCancelled(id);
          if (onGpu) onBackend(error);
          const failure: ImageFailure = { code: 'failed', detail: errorDetail(error) };
          for (const item of batch) this.post({ type: 'image-failed', id, imageId: item.imageId, failure });
        }
      }
      // Stopped meanwhile: the embeddings are kept for later, the results are not wanted now.
      this.throwIfCancelled(id);
      if (results.length > 0) this.post({ type: 'results', id, results });
    }
    this.post({ type: 'done', id, work });
  }

  private async storeRequest(
    request: Extract<WorkerRequest, { type: 'list-models' | 'delete-model' | 'import-model' }>,
  ): Promise<void> {
    const store = this.deps.store;
    const ready = store
      ? await store.ready().then(
          () => store,
          () => null,
        )
      : null;
    if (!ready) {
      throw new FailureError(
        request.type === 'import-model'
          ? { code: 'import', failure: { code: 'storage-unavailable' } }
          : { code: 'storage-unavailable' },
      );
    }
    switch (request.type) {
      case 'list-models':
        this.post({ type: 'models', id: request.id, models: await ready.listModels() });
        return;
      case 'delete-model':
        await ready.deleteModel(request.modelKey);
        this.post({ type: 'deleted', id: request.id });
        return;
      case 'import-model':
        try {
          const imported = await importModelFolder(ready, request.folder, request.files, request.origin);
          this.post({ type: 'imported', id: request.id, ...imported });
        } catch (error) {
          throw new FailureError({
            code: 'import',
            failure: error instanceof ImportError ? error.failure : { code: 'failed', detail: errorDetail(error) },
          });
        }
        return;
    }
  }
}

/** A failure already typed for the page. */
class FailureError extends Error {
  override name = 'FailureError';
  constructor(readonly failure: RequestFailure) {
    super(failure.code);
  }
}
