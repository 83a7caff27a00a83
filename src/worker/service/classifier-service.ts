/**
 * The classifier worker's logic, as a class whose dependencies are passed in (the model loader,
 * the model store, the library, image reading), so that it runs in Node tests with a fake model.
 *
 * A classification covers the whole library: scores from stored embeddings go out at once (before
 * the model has even loaded, when its calibration and the label texts are stored too), then every
 * image without an embedding is read and encoded a batch at a time. Loads and library requests are
 * answered at once; classifications run one at a time; a cancel stops its target between steps.
 */
import { errorDetail, type ImageFailure, type RequestFailure } from '../../shared/failures.ts';
import { embeddingKey, type LibraryImage } from '../../shared/library.ts';
import {
  PROTOCOL_VERSION,
  type LoadOptions,
  type ScoreRows,
  type WorkerReply,
  type WorkerRequest,
} from '../../shared/protocol.ts';
import { dot as dotProduct, normalise } from '../../shared/scoring.ts';
import { applyTemplate } from '../../shared/template.ts';
import type { EncodeWork, FileProgress, PlannedFile } from '../../shared/types.ts';
import { LruCache } from '../../shared/lru.ts';
import { Turns } from '../../shared/turns.ts';
import type { RestoreOutcome } from '../../shared/backup.ts';
import { ImportError, importModelFolder } from '../storage/import-model.ts';
import { BackupError } from '../library/backup.ts';
import { Library } from '../library/library.ts';
import type { ModelRecord } from '../library/library-store.ts';
import type { LibraryNotice } from '../library/tab-sync.ts';
import { describeLoadError } from '../model/load-errors.ts';
import type { Calibration, LoadedModel, Pixels } from '../model/loaded-model.ts';
import { BackendError, ImageDecodeError, isOutOfMemory } from '../model/model-errors.ts';
import type { ModelStore } from '../storage/model-store.ts';
import type { ReadImage } from '../images/read-image.ts';
import { isUnread } from '../library/reading-marks.ts';
import { measureSince } from '../bench-measures.ts';
import { findDuplicates } from './find-duplicates.ts';
import { runDeviceTest } from './device-test.ts';
import {
  centred,
  scoreImages,
  searchByImage,
  searchByText,
  warmUpScoring,
  type Example,
  type ScoringContext,
} from './image-scores.ts';

/** How often a classification waiting for another tab's embeddings looks whether that tab still classifies. */
const OTHER_TAB_POLL_MS = 500;
/** How long another tab's changes gather before the page hears of them together. */
const TELL_PAGE_MS = 100;
/** How long an image another tab just added is left to it, before that tab has started classifying it. */
const OTHER_TAB_GRACE_MS = 1500;
/** Images per vision pass: batching amortises the pass, small batches keep results coming. */
const VISION_BATCH = 4;
/** Prompts per text pass: 1,000 labels × 7 templates in one pass could exceed WASM's 4 GB. */
const TEXT_CHUNK = 64;
const TEXT_MEMORY = 5000;
/** Prompts encoded ahead and not used yet, remembered for counting the work (cleared past this). */
const PREPARED_MEMORY = 10_000;

export interface LoadProgress {
  onPlan(files: PlannedFile[]): void;
  onProgress(file: FileProgress): void;
  /** Another tab holds the model's lock: this load waits for it, then reads the store. */
  onWaiting(): void;
  onWarmUp(): void;
}

/** Loads a model as `options` say; `signal` stops its downloads. */
export type ModelLoader = (options: LoadOptions, progress: LoadProgress, signal: AbortSignal) => Promise<LoadedModel>;

/** Reads an image file: hash, pixels, thumbnail, and a copy when `needsCopy`. */
export type ImageReader = (blob: Blob, options: { hash?: string; needsCopy: boolean }) => Promise<ReadImage>;

export interface ServiceDeps {
  post(reply: WorkerReply, transfer?: Transferable[]): void;
  loadModel: ModelLoader;
  /** The model store, for the storage panel and folder import; null where IndexedDB is unusable. */
  store: ModelStore | null;
  library: Library;
  /** What the model needs to score before it loads, kept across visits (null: not kept). */
  models: { get(request: string): Promise<ModelRecord | undefined>; put(record: ModelRecord): Promise<void> } | null;
  /** Text embeddings kept across visits (null: not kept). */
  texts: {
    get(key: string, prompts: readonly string[]): Promise<(Float32Array | undefined)[]>;
    put(key: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void>;
  } | null;
  readImage: ImageReader;
  /** Backup and restore of the library's store (null: no store to back up). */
  backup?: {
    export(options: { includeFiles: boolean }): ReadableStream<Uint8Array>;
    import(file: Blob): Promise<RestoreOutcome>;
  } | null;
  /** The overlapping crops of an image, for a heat map (a grid of `columns` × `rows`). */
  crops(blob: Blob): Promise<{ crops: Pixels[]; columns: number; rows: number; cropSize: number }>;
  visionBatch?: number;
  /** The WebGPU adapter's description, or null where the browser has none (the device test's second backend). */
  gpuAdapter?: () => Promise<string | null>;
}

interface Session {
  key: string;
  /** What identifies the load across visits (not threads or simulated failures). */
  request: string;
  options: LoadOptions;
  model: Promise<LoadedModel>;
  /** The model once it has loaded, for synchronous checks. */
  loaded: LoadedModel | null;
}

/** How scores are made for one model: where its embeddings are kept, and its calibration. */
interface Scorer {
  embeddingKey: string;
  calibration: Calibration;
  neutral: Float32Array;
  /** The generic label whose prompt is the bar for "no match", in a language the model reads. */
  reference: string;
}

/** The generic label of the "no match" bar, per the model's languages. */
function referenceLabel(languages: readonly string[]): string {
  return languages.includes('en') || languages.length === 0 ? 'something' : '东西';
}

class CancelledError extends Error {
  override name = 'AbortError';
}

/** A failure already typed for the page. */
class FailureError extends Error {
  override name = 'FailureError';
  constructor(readonly failure: RequestFailure) {
    super(failure.code);
  }
}

type Request<T extends WorkerRequest['type']> = Extract<WorkerRequest, { type: T }>;

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

function loadRequestKey({ source, device, dtypes }: LoadOptions): string {
  return JSON.stringify([source.host, source.modelId, device, dtypes]);
}

/** One image being classified: read (or known), waiting for its place in a vision pass. */
interface Pending {
  image: LibraryImage;
  /** Time spent reading it. */
  readMs: number;
  read: ReadImage | null;
}

type ReadOutcome =
  | { kind: 'read before' }
  | { kind: 'no file' }
  | { kind: 'read'; read: ReadImage; ms: number }
  | { kind: 'failed'; error: unknown };

/** A prompt's key in the text memory: the model's embedding key and the prompt. */
const textKey = (scorer: Scorer, prompt: string) => `${scorer.embeddingKey}\u0000${prompt}`;

const noWork = (): EncodeWork => ({ textsEncoded: 0, textsCached: 0, imagesEncoded: 0, imagesCached: 0 });
export class ClassifierService {
  private session: Session | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** One controller per request queued or running: a cancel aborts its signal (no polling). */
  private readonly pending = new Map<number, AbortController>();
  private readonly textMemory = new LruCache<string, Float32Array>(TEXT_MEMORY);
  /** Prompts a preparation encoded that no classify has used yet (by text key). */
  private readonly preparedTexts = new Set<string>();
  /** One inference at a time on the model: classification batches, searches and heat maps take turns. */
  private readonly gate = new Turns();
  private readonly visionBatch: number;

  /** Wakes a classification waiting for another tab's embeddings. */
  private otherTabChanged: () => void = () => undefined;
  /** Another tab's changes the page has not heard of yet. */
  private untold: { images: Map<string, LibraryImage>; removed: Set<string>; corrections: boolean } | null = null;

  constructor(private readonly deps: ServiceDeps) {
    this.visionBatch = deps.visionBatch ?? VISION_BATCH;
    // A failed library write is said at once, not with the next reply that carries the library's problem.
    deps.library.onWriteFailed = (failure) => this.post({ type: 'library-write-failed', id: 0, failure });
    deps.library.sync.listen((notice) => void this.receiveNotice(notice));
  }

  /** Another tab changed the library: this tab's copy follows, and its page hears what changed. */
  private async receiveNotice(notice: LibraryNotice): Promise<void> {
    const update = await this.library.receive(notice).catch(() => null);
    this.otherTabChanged();
    if (!update) return;
    // Another tab reading a thousand pictures writes a thousand times: the page hears of them in batches.
    const untold = this.untold ?? {
      images: new Map<string, LibraryImage>(),
      removed: new Set<string>(),
      corrections: false,
    };
    if (!this.untold) setTimeout(() => this.tellPage(), TELL_PAGE_MS);
    this.untold = untold;
    for (const image of update.images) {
      untold.images.set(image.id, image);
      untold.removed.delete(image.id);
    }
    for (const id of update.removed) {
      untold.images.delete(id);
      untold.removed.add(id);
    }
    untold.corrections ||= update.corrections;
  }

  private tellPage(): void {
    const untold = this.untold;
    this.untold = null;
    if (!untold) return;
    // As the library is now: a record this tab removed meanwhile is not brought back to its page.
    const images = [...untold.images.keys()].flatMap((id) => this.library.get(id) ?? []);
    const gone = [...untold.images.keys()].filter((id) => !this.library.get(id));
    this.post({
      type: 'library-changed',
      id: 0,
      images,
      removed: [...untold.removed, ...gone],
      folders: this.library.folderList(),
      corrections: untold.corrections ? this.library.correctionList() : null,
    });
  }

  private get library(): Library {
    return this.deps.library;
  }

  /** Takes one request from the page. Resolves when it has been answered (for tests). */
  receive(request: WorkerRequest): Promise<void> {
    switch (request.type) {
      case 'cancel':
        this.pending.get(request.target)?.abort();
        // Said at once: the page takes a cancel left unanswered as a hung worker, and replaces it.
        this.post({ type: 'cancelled', id: request.id, target: request.target });
        return Promise.resolve();
      case 'ping':
        this.post({ type: 'pong', id: request.id });
        return Promise.resolve();
      case 'classify':
      case 'prepare-labels': {
        // One after another: a classify right after its labels' preparation finds their texts cached.
        this.pending.set(request.id, new AbortController());
        const run = () =>
          request.type === 'classify'
            ? this.library.sync.whileClassifying(() => this.classify(request))
            : this.prepareLabels(request);
        const handled = this.queue.then(() => this.answer(request.id, run));
        this.queue = handled;
        return handled;
      }
      default:
        this.pending.set(request.id, new AbortController());
        return this.answer(request.id, () => this.handle(request));
    }
  }

  private handle(
    request: Exclude<WorkerRequest, { type: 'cancel' | 'ping' | 'classify' | 'prepare-labels' }>,
  ): Promise<void> {
    switch (request.type) {
      case 'load':
        return this.load(request);
      case 'open-library':
        return this.openLibrary(request);
      case 'add-images':
        return this.addImages(request.id, () => this.library.add(request.images));
      case 'add-folder':
        return this.addFolder(request);
      case 'rescan-folder':
        return this.rescanFolder(request);
      case 'remove-images':
        return this.library.trash(request.ids).then((ids) => this.post({ type: 'removed', id: request.id, ids }));
      case 'clear-library':
        return this.library.trashAll().then((ids) => this.post({ type: 'removed', id: request.id, ids }));
      case 'restore-images':
        return this.library
          .restore(request.ids)
          .then((images) => this.post({ type: 'restored', id: request.id, images }));
      case 'list-trash':
        return this.library.trashList().then((items) => this.post({ type: 'trash', id: request.id, items }));
      case 'empty-trash':
        return this.library
          .emptyTrash(request.ids)
          .then(() => this.library.trashList())
          .then((items) => this.post({ type: 'trash', id: request.id, items }));
      case 'thumbnails':
        return this.thumbnails(request);
      case 'search':
        return this.search(request);
      case 'correct':
      case 'forget-corrections':
        return this.correct(request);
      case 'heat-map':
        return this.heatMap(request);
      case 'file':
        return this.file(request);
      case 'library-size':
        return this.librarySize(request);
      case 'export-library':
      case 'import-library':
        return this.backup(request);
      case 'list-models':
      case 'delete-model':
      case 'import-model':
        return this.storeRequest(request);
      case 'device-test':
        return this.deviceTest(request);
      case 'find-duplicates':
        return findDuplicates(
          request,
          this.library,
          () => this.duplicateEmbeddings(request.id),
          (r) => this.post(r),
        );
    }
  }

  private post(reply: WorkerReply, transfer: Transferable[] = []): void {
    this.deps.post(reply, transfer);
  }

  /** The abort signal of request `id`; one never aborted once the request has been answered. */
  private signalOf(id: number): AbortSignal {
    return this.pending.get(id)?.signal ?? new AbortController().signal;
  }

  private isCancelled(id: number): boolean {
    return this.signalOf(id).aborted;
  }

  private throwIfCancelled(id: number): void {
    if (this.isCancelled(id)) throw new CancelledError();
  }

  /** Waits for `promise`, or stops as soon as request `id`'s signal is aborted. */
  private async untilCancelled<T>(id: number, promise: Promise<T>): Promise<T> {
    const signal = this.signalOf(id);
    if (signal.aborted) throw new CancelledError();
    let onAbort = (): void => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(new CancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([promise, cancelled]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
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
    }
  }

  private requestFailure(id: number, error: unknown): RequestFailure {
    if (this.isCancelled(id) || (error instanceof Error && error.name === 'AbortError')) return { code: 'aborted' };
    if (error instanceof FailureError) return error.failure;
    if (error instanceof BackendError) return { code: 'backend', detail: error.message };
    if (isOutOfMemory(error)) return { code: 'out-of-memory', detail: errorDetail(error) };
    return { code: 'failed', detail: errorDetail(error) };
  }

  // --- The model ----------------------------------------------------------------------------------

  private async load(request: Request<'load'>): Promise<void> {
    const { id, options } = request;
    if (request.protocolVersion !== PROTOCOL_VERSION) {
      throw new FailureError({ code: 'load', failure: { code: 'protocol-mismatch', workerVersion: PROTOCOL_VERSION } });
    }
    const key = JSON.stringify(options);
    if (this.session?.key !== key) {
      const previous = this.session;
      const current: Session = {
        key,
        request: loadRequestKey(options),
        options,
        model: this.openModel(id, options, this.signalOf(id)),
        loaded: null,
      };
      this.session = current;
      current.model.then(
        (model) => {
          current.loaded = model;
          if (model.neutral.length > 0) warmUpScoring(model.neutral.length);
          // After the stored files are verified: a repaired model's calibration replaces the first one's.
          void Promise.resolve(model.notices).then(() => this.remember(current, model));
        },
        // A failed or cancelled load is forgotten so that a retry starts afresh.
        () => {
          if (this.session === current) this.session = null;
        },
      );
      previous?.model.then((model) => model.dispose()).catch(() => undefined);
    }
    const loading = this.session;
    try {
      // A load that joined another's stops at once when cancelled (the other goes on).
      const model = await this.untilCancelled(id, loading.model);
      this.post({ type: 'loaded', id, info: model.info });
    } catch (error) {
      if (this.isCancelled(id)) throw new CancelledError();
      throw new FailureError({ code: 'load', failure: describeLoadError(error, options.device) });
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
    void model.notices?.then((notices) => notices && this.post({ type: 'notices', id: 0, notices }));
    return model;
  }

  /** Keeps what scoring needs of a loaded model, so the next visit scores before it loads. */
  private async remember(session: Session, model: LoadedModel): Promise<void> {
    const { source } = session.options;
    await this.deps.models
      ?.put({
        request: session.request,
        embeddingKey: embeddingKey(source.host, source.modelId, model.info.dtype),
        dtype: model.info.dtype,
        calibration: model.calibration,
        scoring: model.info.scoring,
        neutral: model.neutral,
        languages: model.info.languages,
      })
      .catch(() => undefined);
  }

  /** How the current model scores: from the loaded model, else from its last visit, else once it loads. */
  private async scorer(id: number, session: Session): Promise<Scorer> {
    const { source } = session.options;
    const fromModel = (model: LoadedModel): Scorer => ({
      embeddingKey: embeddingKey(source.host, source.modelId, model.info.dtype),
      calibration: model.calibration,
      neutral: model.neutral,
      reference: referenceLabel(model.info.languages),
    });
    if (session.loaded) return fromModel(session.loaded);
    const known = await this.deps.models?.get(session.request).catch(() => undefined);
    if (known?.neutral) {
      const { embeddingKey, calibration, neutral, languages } = known;
      return { embeddingKey, calibration, neutral, reference: referenceLabel(languages ?? []) };
    }
    return fromModel(await this.model(id, session));
  }

  // The single "no model" guard for every request that needs a loaded model.
  private loadedSession(): Session {
    if (!this.session) throw new FailureError({ code: 'no-model' });
    return this.session;
  }

  private async model(id: number, session: Session): Promise<LoadedModel> {
    try {
      return await this.untilCancelled(id, session.model);
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // The load's own request reports why; this one just cannot go on.
      throw new FailureError({ code: 'no-model' });
    }
  }

  // --- Texts --------------------------------------------------------------------------------------

  /** Embeddings for `prompts` in order: from memory, the library's store, or one text pass per 64 missing. */
  private async textEmbeddings(
    id: number,
    session: Session,
    scorer: Scorer,
    prompts: string[],
    work: EncodeWork,
    uncounted: ReadonlySet<string> = new Set(),
    /** Receives the prompts this call encodes (not found in memory or storage). */
    encoded: string[] = [],
  ): Promise<Float32Array[]> {
    const key = (prompt: string) => textKey(scorer, prompt);
    const found = new Map<string, Float32Array>();
    const unique = [...new Set(prompts)];
    for (const prompt of unique) {
      const known = this.textMemory.get(key(prompt));
      if (known) found.set(prompt, known);
    }
    const notInMemory = unique.filter((prompt) => !found.has(prompt));
    if (notInMemory.length > 0 && this.deps.texts) {
      const lookupStarted = performance.now();
      const stored = await this.deps.texts.get(scorer.embeddingKey, notInMemory).catch(() => []);
      measureSince('text lookup in storage', lookupStarted);
      notInMemory.forEach((prompt, i) => {
        const vector = stored[i];
        if (vector) found.set(prompt, vector);
      });
    }
    const missing = unique.filter((prompt) => !found.has(prompt));
    const counted = (list: string[]) => list.filter((prompt) => !uncounted.has(prompt)).length;
    // Encoded ahead by a preparation for this request's labels: counted as this request's encoding, once.
    const prepared = unique.filter((prompt) => found.has(prompt) && this.preparedTexts.delete(key(prompt)));
    work.textsCached += counted(unique) - counted(missing) - counted(prepared);
    work.textsEncoded += counted(missing) + counted(prepared);
    encoded.push(...missing);
    if (missing.length > 0) {
      const modelStarted = performance.now();
      const model = await this.model(id, session);
      measureSince('text model ready', modelStarted);
      const onGpu = session.options.device === 'webgpu';
      for (let start = 0; start < missing.length; start += TEXT_CHUNK) {
        this.throwIfCancelled(id);
        const chunk = missing.slice(start, start + TEXT_CHUNK);
        const encodeStarted = performance.now();
        const vectors = await this.gate
          .run(() => model.encodeTexts(chunk))
          .catch((error: unknown) => {
            throw onGpu && !(error instanceof BackendError) ? new BackendError(errorDetail(error)) : error;
          });
        measureSince('text pass', encodeStarted);
        chunk.forEach((prompt, i) => found.set(prompt, vectors[i]));
        // Kept for the next visit; nothing here waits for the write.
        void this.deps.texts
          ?.put(
            scorer.embeddingKey,
            chunk.map((prompt, i) => [prompt, vectors[i]] as const),
          )
          .catch(() => undefined);
      }
    }
    for (const [prompt, vector] of found) this.textMemory.set(key(prompt), vector);
    return prompts.map((prompt) => found.get(prompt) as Float32Array);
  }

  // --- Classification -----------------------------------------------------------------------------

  private async classify(request: Request<'classify'>): Promise<void> {
    const { id, labels, templates, scoring } = request;
    const session = this.loadedSession();
    await this.library.open();
    // Failed on opening as their reader stopped (this worker replaces a crashed one): said to the page here.
    for (const image of this.library.takeStopped()) this.failImage(id, image, image.failure as ImageFailure);
    const scorer = await this.scorer(id, session);
    this.throwIfCancelled(id);
    const work = noWork();
    // The labels, and the generic label whose prompt is the bar for "no match", through every template.
    const all = [...labels, scorer.reference];
    const prompts = templates.flatMap((template) => all.map((label) => applyTemplate(template, label)));
    // The generic label's prompts are the app's own, not the person's labels: not counted as their work.
    const own = new Set(templates.map((template) => applyTemplate(template, scorer.reference)));
    const textStarted = performance.now();
    const embeddings = await this.textEmbeddings(id, session, scorer, prompts, work, own);
    measureSince('classify: text embeddings', textStarted);
    const vectors = all.map((_, i) => ensembleEmbedding(templates.map((_, t) => embeddings[t * all.length + i])));
    const stored = await this.library.embeddings(scorer.embeddingKey);
    const context: ScoringContext = {
      texts: vectors.slice(0, labels.length),
      reference: vectors[labels.length],
      calibration: scorer.calibration,
      scoring,
      examples: this.examples(labels, stored, scorer.neutral),
      neutral: scorer.neutral,
    };
    const score = (images: Float32Array[]) => scoreImages(images, context);
    this.throwIfCancelled(id);

    // Everything with a stored embedding, at once.
    const known = this.library.all().filter((image) => image.contentHash !== null && stored.has(image.contentHash));
    const done = new Set(known.map((image) => image.id));
    if (known.length > 0) {
      const scoringStarted = performance.now();
      const { scores, margin } = score(known.map((image) => stored.get(image.contentHash as string) as Float32Array));
      measureSince('classify: stored embeddings scored', scoringStarted);
      this.postScores(id, {
        imageIds: known.map((image) => image.id),
        scores,
        margin,
        ms: new Float32Array(known.length),
        cached: new Uint8Array(known.length).fill(1),
      });
      work.imagesCached += known.length;
    }

    // Then every image without one (images added meanwhile join), a batch at a time. An image another
    // tab added while it classifies waits for that tab's embedding rather than being encoded twice.
    let waiting = 0;
    const next = async (): Promise<LibraryImage[]> => {
      const busy = await this.library.sync.othersClassifying();
      const left = this.library.all().filter((image) => !done.has(image.id) && image.failure === null);
      const now = Date.now();
      const theirs = (image: LibraryImage) => {
        const added = this.library.addedBy(image.id);
        // The tab that added it reads it while it classifies (or may be about to start, just after the add).
        const busyThere = added !== null && (busy.has(added.tab) || now - added.at < OTHER_TAB_GRACE_MS);
        return busyThere && !(image.contentHash !== null && stored.has(image.contentHash));
      };
      const batch = left.filter((image) => !theirs(image)).slice(0, this.visionBatch);
      waiting = left.length - left.filter((image) => !theirs(image)).length;
      return batch;
    };
    const start = async (): Promise<Pending[] | null> => {
      const batch = await next();
      // Taken now, whatever becomes of them: every image ends with scores or a failure, once.
      for (const image of batch) done.add(image.id);
      return batch.length > 0 ? this.readBatch(id, batch) : null;
    };
    let model: LoadedModel | null = null;
    let reading = start();
    for (;;) {
      const pending = (await reading) ?? (await start());
      this.throwIfCancelled(id);
      if (!pending) {
        if (waiting === 0) break;
        await this.untilCancelled(id, this.otherTab(OTHER_TAB_POLL_MS));
        reading = start();
        continue;
      }
      model ??= await this.model(id, session);
      // Read the next batch while this one is encoded: decoding runs beside the vision pass.
      reading = start();
      const rows = await this.encodeBatch(id, session, model, scorer, stored, pending, work);
      this.throwIfCancelled(id);
      if (rows) this.postScores(id, { imageIds: rows.ids, ...score(rows.vectors), ms: rows.ms, cached: rows.cached });
    }
    this.post({ type: 'done', id, work });
  }

  /** Resolves at another tab's next change, or after `ms` (that tab may have stopped classifying). */
  private otherTab(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.otherTabChanged = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async prepareLabels({ id, labels, templates }: Request<'prepare-labels'>): Promise<void> {
    const session = this.loadedSession();
    const scorer = await this.scorer(id, session);
    this.throwIfCancelled(id);
    const prompts = templates.flatMap((template) => labels.map((label) => applyTemplate(template, label)));
    const encoded: string[] = [];
    // Its work is the classify's that uses it (see textEmbeddings): counted there, not here.
    await this.textEmbeddings(id, session, scorer, prompts, noWork(), new Set(), encoded);
    // A preparation left unused (a word still being typed) is never counted as anyone's work.
    if (this.preparedTexts.size > PREPARED_MEMORY) this.preparedTexts.clear();
    for (const prompt of encoded) this.preparedTexts.add(textKey(scorer, prompt));
    this.post({ type: 'prepared', id });
  }

  /** The corrected pictures whose label is among `labels`: the examples scores learn from. */
  private examples(labels: readonly string[], stored: Map<string, Float32Array>, neutral: Float32Array): Example[] {
    return this.library.correctionList().flatMap(({ contentHash, label }) => {
      const index = labels.indexOf(label);
      const vector = stored.get(contentHash);
      return index >= 0 && vector ? [{ vector: centred(vector, neutral), label: index }] : [];
    });
  }

  private postScores(id: number, rows: ScoreRows): void {
    this.post({ type: 'scores', id, rows }, [
      rows.scores.buffer,
      rows.margin.buffer,
      rows.ms.buffer,
      rows.cached.buffer,
    ]);
  }

  /**
   * Reads the images of a batch that have not been read yet; an image that cannot be read fails
   * alone. Every read is asked for at once, so the reader works through them while this thread
   * runs the vision pass; the results are then taken in order.
   */
  private async readBatch(id: number, batch: LibraryImage[]): Promise<Pending[]> {
    // Marked before any decoding starts: a picture that stops the page is failed on the next visit, not read again.
    await this.library.markReading(batch.filter(isUnread));
    const reads = batch.map((image) => this.read(image));
    const out: Pending[] = [];
    const updated: LibraryImage[] = [];
    const removed: string[] = [];
    for (const [i, image] of batch.entries()) {
      const outcome = await reads[i];
      if (outcome.kind === 'read before') {
        out.push({ image, readMs: 0, read: null });
        continue;
      }
      if (outcome.kind === 'no file') {
        await this.library.endReading([image]);
        this.failImage(id, image, { code: 'file-needed' });
        continue;
      }
      try {
        if (outcome.kind === 'failed') throw outcome.error;
        const { read } = outcome;
        if (this.library.sameFile(image, read.contentHash)) {
          // The same file added again: it is in the library already.
          await this.library.remove([image.id]);
          removed.push(image.id);
          continue;
        }
        const next: LibraryImage = {
          ...image,
          contentHash: read.contentHash,
          width: read.width,
          height: read.height,
          notes: read.notes,
          source: Library.sourceAfterRead(image, read.copy !== null),
        };
        const kept = await this.library.saveRead(next, read.thumbnail, read.copy);
        updated.push(kept);
        out.push({ image: kept, readMs: outcome.ms, read });
      } catch (error) {
        const failure = imageFailure(error);
        const failed = await this.library.fail(image, failure);
        updated.push(failed);
        this.post({ type: 'image-failed', id, imageId: image.id, failure });
      }
    }
    if (updated.length > 0 || removed.length > 0) this.post({ type: 'images-updated', id, images: updated, removed });
    return out;
  }

  /** One image of a batch read (never rejects: how it went is the result). */
  private async read(image: LibraryImage): Promise<ReadOutcome> {
    if (!isUnread(image)) return { kind: 'read before' };
    const started = performance.now();
    try {
      const source = await this.library.source(image);
      if (!source) return { kind: 'no file' };
      const needsCopy = image.folderId === null && !Library.keepsOriginal(image);
      const read = await this.deps.readImage(source, { needsCopy });
      return { kind: 'read', read, ms: performance.now() - started };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  private failImage(id: number, image: LibraryImage, failure: ImageFailure): void {
    this.post({ type: 'image-failed', id, imageId: image.id, failure });
  }

  /** The batch's vectors: stored ones (duplicates, images read before) as they are, the rest from one vision pass. */
  private async encodeBatch(
    id: number,
    session: Session,
    model: LoadedModel,
    scorer: Scorer,
    stored: Map<string, Float32Array>,
    pending: Pending[],
    work: EncodeWork,
  ): Promise<{ ids: string[]; vectors: Float32Array[]; ms: Float32Array; cached: Uint8Array } | null> {
    const ids: string[] = [];
    const vectors: Float32Array[] = [];
    const ms: number[] = [];
    const cached: number[] = [];
    const toEncode: Pending[] = [];
    // Read on an earlier visit, but never encoded by this model: read again, marked as being read meanwhile.
    const again = pending.filter((item) => !stored.has(item.image.contentHash as string) && !item.read);
    await this.library.markReading(again.map((item) => item.image));
    for (const item of pending) {
      const hash = item.image.contentHash as string;
      const known = stored.get(hash);
      if (known) {
        ids.push(item.image.id);
        vectors.push(known);
        ms.push(item.readMs);
        cached.push(1);
      } else if (item.read) {
        toEncode.push(item);
      } else {
        const source = await this.library.source(item.image);
        if (!source) {
          this.failImage(id, item.image, { code: 'file-needed' });
          continue;
        }
        try {
          const started = performance.now();
          item.read = await this.deps.readImage(source, { hash, needsCopy: false });
          item.readMs = performance.now() - started;
          toEncode.push(item);
        } catch (error) {
          const failure = imageFailure(error);
          this.failImage(id, item.image, failure);
        }
      }
    }
    if (again.length > 0) await this.library.endReading(again.map((item) => item.image));
    // Duplicates within the batch are encoded once.
    const unique = new Map<string, Pending[]>();
    for (const item of toEncode) {
      const hash = item.image.contentHash as string;
      unique.set(hash, [...(unique.get(hash) ?? []), item]);
    }
    if (unique.size > 0) {
      this.throwIfCancelled(id);
      const started = performance.now();
      const groups = [...unique.values()];
      try {
        const encoded = await this.gate.run(() =>
          model.encodeImages(groups.map((items) => (items[0].read as ReadImage).pixels)),
        );
        const share = (performance.now() - started) / groups.length;
        const entries = groups.map((items, i) => [items[0].image.contentHash as string, encoded[i]] as const);
        await this.library.addEmbeddings(scorer.embeddingKey, entries);
        groups.forEach((items, i) => {
          for (const item of items) {
            ids.push(item.image.id);
            vectors.push(encoded[i]);
            ms.push(item.readMs + share);
            cached.push(0);
          }
        });
        work.imagesEncoded += groups.length;
      } catch (error) {
        this.throwIfCancelled(id);
        // An inference that fails on WebGPU fails the request: the page moves everything to WASM.
        if (session.options.device === 'webgpu') {
          throw error instanceof BackendError ? error : new BackendError(errorDetail(error));
        }
        // Out of memory is not the images' fault: the request fails, and the page replaces the worker.
        if (isOutOfMemory(error)) throw error;
        const failure: ImageFailure = { code: 'failed', detail: errorDetail(error) };
        for (const item of toEncode) this.failImage(id, item.image, failure);
      }
    }
    work.imagesCached += cached.filter((flag) => flag === 1).length;
    return ids.length > 0 ? { ids, vectors, ms: Float32Array.from(ms), cached: Uint8Array.from(cached) } : null;
  }

  // --- The library --------------------------------------------------------------------------------

  private async openLibrary({ id }: Request<'open-library'>): Promise<void> {
    await this.library.open();
    this.post({
      type: 'library',
      id,
      library: {
        images: this.library.all(),
        folders: this.library.folderList(),
        corrections: this.library.correctionList(),
        problem: this.library.problem,
      },
    });
  }

  private async addImages(id: number, add: () => Promise<LibraryImage[]>): Promise<void> {
    const images = await add();
    this.post({ type: 'added', id, images, folder: null, problem: this.library.problem });
  }

  private async addFolder({ id, handle }: Request<'add-folder'>): Promise<void> {
    await this.library.open();
    const folder = { id: crypto.randomUUID(), name: handle.name, handle };
    await this.library.addFolder(folder);
    const images = await this.library.add(await Library.scan(handle), folder.id);
    const listed = this.library.folderList().find((entry) => entry.id === folder.id) ?? { ...folder, images: 0 };
    this.post({ type: 'added', id, images, folder: listed, problem: this.library.problem });
  }

  private async rescanFolder({ id, folderId }: Request<'rescan-folder'>): Promise<void> {
    await this.library.open();
    const folder = this.library.folder(folderId);
    if (!folder) throw new FailureError({ code: 'failed', detail: 'That folder is no longer in the library.' });
    if ((await folder.handle.queryPermission({ mode: 'read' })) !== 'granted') {
      throw new FailureError({ code: 'permission-needed', folder: folder.name });
    }
    const { added, removed, moved } = await this.library.rescan(folderId);
    const listed = this.library.folderList().find((entry) => entry.id === folderId);
    this.post({ type: 'rescanned', id, added, removed, moved, folder: listed ?? { ...folder, images: 0 } });
  }

  private async thumbnails({ id, ids }: Request<'thumbnails'>): Promise<void> {
    const thumbnails = await Promise.all(
      ids.map(async (imageId) => {
        const image = this.library.get(imageId) ?? this.library.trashedImage(imageId);
        return { id: imageId, blob: image ? await this.library.thumbnail(image) : null };
      }),
    );
    this.post({ type: 'thumbnails', id, thumbnails });
  }

  private async librarySize({ id }: Request<'library-size'>): Promise<void> {
    this.post({ type: 'library-size', id, bytes: await this.library.size() });
  }

  /** Exports the library as a backup ZIP, or restores one and answers with the library as it now is. */
  private async backup(request: Request<'export-library' | 'import-library'>): Promise<void> {
    const backup = this.deps.backup;
    if (!backup) throw new FailureError({ code: 'storage-unavailable' });
    await this.library.open();
    if (request.type === 'export-library') {
      const stream = backup.export({ includeFiles: request.includeFiles });
      this.post({ type: 'library-export', id: request.id, stream }, [stream]);
      return;
    }
    let outcome;
    try {
      // Under the library's write lock: no other tab writes while the restore checks and writes.
      outcome = await this.library.sync.exclusive(() => backup.import(request.file));
    } catch (error) {
      if (error instanceof BackupError) throw new FailureError({ code: 'backup', failure: error.failure });
      throw error;
    }
    await this.library.reload();
    const library = {
      images: this.library.all(),
      folders: this.library.folderList(),
      corrections: this.library.correctionList(),
      problem: this.library.problem,
    };
    this.post({ type: 'library-imported', id: request.id, outcome, library });
  }

  // --- Search, corrections, heat maps, files -------------------------------------------------------

  /** The library's stored embeddings for the current model, with the images they belong to. */
  private async libraryVectors(scorer: Scorer) {
    await this.library.open();
    const stored = await this.library.embeddings(scorer.embeddingKey);
    const images = this.library.all().filter((image) => image.contentHash !== null && stored.has(image.contentHash));
    return { images, vectors: images.map((image) => stored.get(image.contentHash as string) as Float32Array) };
  }

  /** The ready model's stored embeddings (none before a model is ready: duplicates then group by hash alone). */
  private async duplicateEmbeddings(id: number): Promise<ReadonlyMap<string, Float32Array>> {
    const session = this.session;
    return session ? this.library.embeddings((await this.scorer(id, session)).embeddingKey) : new Map();
  }

  private async search({ id, query }: Request<'search'>): Promise<void> {
    const session = this.loadedSession();
    const scorer = await this.scorer(id, session);
    const { images, vectors } = await this.libraryVectors(scorer);
    let ranking: { order: number[]; similarity: Float32Array; strength: Float32Array };
    if (query.kind === 'text') {
      const { templates } = query;
      const all = [query.text, scorer.reference];
      const work = noWork();
      const prompts = templates.flatMap((template) => all.map((text) => applyTemplate(template, text)));
      const textStarted = performance.now();
      const embeddings = await this.textEmbeddings(id, session, scorer, prompts, work);
      measureSince('search: text embeddings', textStarted);
      const [text, reference] = all.map((_, i) => ensembleEmbedding(templates.map((_, t) => embeddings[t * 2 + i])));
      const rankingStarted = performance.now();
      ranking = searchByText(text, reference, vectors, scorer.calibration);
      measureSince('search: ranked', rankingStarted);
    } else {
      const example = images.findIndex((image) => image.id === query.imageId);
      if (example < 0)
        throw new FailureError({ code: 'failed', detail: 'That image has no embedding for this model yet.' });
      ranking = searchByImage(vectors[example], vectors, scorer.neutral);
    }
    const hits = {
      imageIds: ranking.order.map((i) => images[i].id),
      similarity: ranking.similarity,
      strength: ranking.strength,
    };
    this.post({ type: 'search-results', id, hits }, [hits.similarity.buffer, hits.strength.buffer]);
  }

  private async deviceTest({ id }: Request<'device-test'>): Promise<void> {
    const session = this.loadedSession();
    const current = await this.model(id, session);
    const scorer = await this.scorer(id, session);
    const row = await runDeviceTest({
      current,
      gpuAdapter: this.deps.gpuAdapter ?? (() => Promise.resolve(null)),
      libraryVectors: async () => (await this.libraryVectors(scorer)).vectors,
      turn: (work) => this.gate.run(work),
      visionBatch: this.visionBatch,
      signal: this.signalOf(id),
    });
    this.post({ type: 'device-test', id, rows: [row] });
  }

  private async correct(request: Request<'correct' | 'forget-corrections'>): Promise<void> {
    await this.library.open();
    if (request.type === 'forget-corrections') {
      await this.library.forgetCorrections();
    } else {
      const image = this.library.get(request.imageId);
      if (!image?.contentHash) throw new FailureError({ code: 'failed', detail: 'That image has not been read yet.' });
      await this.library.correct(image.contentHash, request.label);
    }
    this.post({ type: 'corrections', id: request.id, corrections: this.library.correctionList() });
  }

  private async heatMap({ id, imageId, label, templates }: Request<'heat-map'>): Promise<void> {
    const session = this.loadedSession();
    await this.library.open();
    const image = this.library.get(imageId);
    const source = image ? await this.library.source(image) : null;
    if (!source)
      throw new FailureError({ code: 'failed', detail: 'The picture is not here to look at: add it again.' });
    const model = await this.model(id, session);
    const scorer = await this.scorer(id, session);
    const work = noWork();
    const prompts = templates.map((template) => applyTemplate(template, label));
    const text = ensembleEmbedding(await this.textEmbeddings(id, session, scorer, prompts, work));
    const { crops, columns, rows, cropSize } = await this.deps.crops(source);
    const cells = new Float32Array(crops.length);
    for (let start = 0; start < crops.length; start += this.visionBatch) {
      this.throwIfCancelled(id);
      const batch = crops.slice(start, start + this.visionBatch);
      const vectors = await this.gate.run(() => model.encodeImages(batch));
      vectors.forEach((vector, i) => (cells[start + i] = dotProduct(vector, text)));
      this.post({ type: 'heat-map-progress', id, done: start + batch.length, total: crops.length });
    }
    this.post({ type: 'heat-map', id, map: { columns, rows, cells, cropSize } }, [cells.buffer]);
  }

  private async file({ id, imageId }: Request<'file'>): Promise<void> {
    await this.library.open();
    const image = this.library.get(imageId);
    const found = image ? await this.library.fileOf(image) : null;
    this.post({ type: 'file', id, file: found?.file ?? null, kind: found?.kind ?? null });
  }

  // --- The model store ----------------------------------------------------------------------------

  private async storeRequest(request: Request<'list-models' | 'delete-model' | 'import-model'>): Promise<void> {
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

// The one mapping of an image read/decode error to the failure the page words.
function imageFailure(error: unknown): ImageFailure {
  return error instanceof ImageDecodeError ? error.failure : { code: 'failed', detail: errorDetail(error) };
}
