/**
 * The classifier session: plain TypeScript that owns the worker client, the library as the page
 * sees it (images, their scores for the current labels, failures), the classification run, stop
 * and resume, the work counters and the WebGPU → WASM fallback. Components read its snapshot
 * through `useSyncExternalStore` and send it intents; nothing here knows React, and no scheduling
 * hides in effects: every intent and every reply ends in `pump()`, which keeps exactly one
 * classification of the whole library running while any image lacks current scores.
 */
import { chooseBackend, dtypeCandidates, type RuntimeSettings, type WebGPUProbe } from '../../shared/backend.ts';
import {
  NO_HINTS,
  consentFor,
  hostKind,
  type Consent,
  type ConsentRequest,
  type DeviceHints,
} from '../../shared/consent.ts';
import type { ImageFailure, ImportFailure, LoadFailure, SelfCheckMismatch } from '../../shared/failures.ts';
import { parseLabels, type ParsedLabels } from '../../shared/labels.ts';
import type { RestoreOutcome } from '../../shared/backup.ts';
import type { LibraryFolder, LibraryImage, LibraryProblem, NewImage } from '../../shared/library.ts';
import type { LibraryWriteFailure, TrashedImage } from '../../shared/trash.ts';
import type {
  Correction,
  DeviceTestRow,
  FolderFile,
  HeatMap,
  LoadOptions,
  ScoreRows,
  SearchHits,
} from '../../shared/protocol.ts';
import type { ParsedSettings, Settings, SettingsProblem } from '../../shared/settings.ts';
import { templatesFor, type PromptSettings } from '../../shared/template.ts';
import type {
  Device,
  Dtype,
  EncodeWork,
  FileProgress,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  StoredModel,
} from '../../shared/types.ts';
import { countProgress, progressCounter } from './progress.ts';
import { SearchController } from './search-controller.ts';
import { Disposables, Store } from './store.ts';
import { Throughput } from './throughput.ts';
import { PREPARE_PAUSE_MS, TYPING_DEBOUNCE_MS } from './typing-pauses.ts';
import {
  ClassifierClient,
  RequestError,
  isSuperseded,
  type Added,
  type LibraryChanged,
  type WorkerTrouble,
} from './worker-client.ts';
import { Duplicates } from './duplicates.ts';

/** One file of a loading model: how much of it has arrived, and whether it came from the store. */
export interface DownloadItem extends FileProgress {
  stored: boolean;
}

export type ModelState =
  | {
      phase: 'loading';
      files: DownloadItem[];
      /** The sizes are known (they are sent before any large download starts). */
      planned: boolean;
      /** Another tab is loading the same model; this one waits for it. */
      waiting: boolean;
      /** The files are in; a first run prepares the model. */
      warming: boolean;
    }
  | { phase: 'ready'; info: ModelInfo }
  /** Nothing past config.json was downloaded: the person is asked first (host, model, size). */
  | { phase: 'consent'; request: ConsentRequest }
  | { phase: 'error'; failure: LoadFailure }
  | { phase: 'cancelled' };

/** The worker was replaced: it crashed, hung, or ran out of memory; said on the page. */
export interface Recovery {
  kind: WorkerTrouble['kind'] | 'out-of-memory';
  detail: string;
}

/** One image's scores for the labels of one classification. */
export interface ImageResult {
  /** The model, template and labels the scores were computed for. */
  key: string;
  /** The labels, in the order of `scores`. */
  labels: readonly string[];
  scores: Float32Array;
  /** Time spent on the image in this visit (0 when its embedding was stored). */
  ms: number;
  device: Device;
  /** Its embedding came from the library, not a vision pass. */
  cached: boolean;
  /** How far its best label leads a generic prompt, in logits: below the cutoff, it fits no label. */
  margin: number;
}

/** A search: what was asked (text as typed, or an image), and its ranking once it is in. */
export interface SearchState {
  query: { kind: 'text'; text: string } | { kind: 'image'; imageId: string };
  status: 'searching' | 'done' | 'failed';
  hits: SearchHits | null;
}

export interface LibraryView {
  /** `opening` until the worker has said what the library holds. */
  phase: 'opening' | 'open';
  folders: LibraryFolder[];
  problem: LibraryProblem | null;
}

/** The backend the model runs on, chosen from data; `fallbackReason` says why it is not the WebGPU asked for. */
export interface Backend {
  device: Device;
  dtypes: Dtype[];
  fallbackReason: string | null;
  /** Set when the reason is the WebGPU self-check's finding (worded by the page). */
  selfCheck?: SelfCheckMismatch;
}

export interface SessionSnapshot {
  /** The settings as the person set them (the labels as typed, before the debounce). */
  settings: Settings;
  problems: SettingsProblem[];
  /** The labels in use (applied after typing pauses). */
  labels: ParsedLabels;
  /** The templates in use: one, or the ensemble's. */
  templates: string[];
  /** Null while WebGPU is being probed. */
  backend: Backend | null;
  model: ModelState;
  library: LibraryView;
  /** Every image of the library, in the order they came. */
  images: readonly LibraryImage[];
  results: ReadonlyMap<string, ImageResult>;
  /** Failures of this visit (a file that must be added again, a failed request), beside images' own. */
  failures: ReadonlyMap<string, ImageFailure>;
  /** Pictures the person marked as examples of a label. */
  corrections: readonly Correction[];
  /** The search box's text, as typed. */
  searchText: string;
  /** The search shown instead of the library, if any. */
  search: SearchState | null;
  /** Identifies the current model, template and labels; results with another key are stale. */
  resultKey: string;
  /** How the current scores are read: one distribution, or independent per label. */
  scoring: Scoring;
  /** Images with scores for the current labels, of those that can have them. */
  progress: { done: number; total: number };
  /** Images per second over the last few batches, and the seconds left at that pace. */
  pace: { imagesPerSecond: number; secondsLeft: number } | null;
  /** Everything encoded, and found in the library instead, since the page opened. */
  work: EncodeWork;
  /** Classification was stopped by the person; it resumes when asked, or when labels or images change. */
  stopped: boolean;
  /** The last time the worker was replaced after trouble, while nothing else has been said since. */
  recovery: Recovery | null;
  /** Library writes that failed in this visit (what was not kept), until dismissed. */
  writeFailures: readonly LibraryWriteFailure[];
  /** The images the last removal moved to the trash, while Undo may bring them back. */
  lastRemoval: { ids: string[] } | null;
}

/** An image's failure, its own or this visit's. */
export function failureOf(snapshot: SessionSnapshot, image: LibraryImage): ImageFailure | null {
  return image.failure ?? snapshot.failures.get(image.id) ?? null;
}

export interface SessionDeps {
  settings: ParsedSettings;
  probeWebGPU(): Promise<WebGPUProbe>;
  createClient?(): ClassifierClient;
  /**
   * Keeps the settings where a reload finds them (the address bar, and storage for later visits);
   * `rememberSource`: false while the model's host is one the person has not agreed to.
   */
  saveSettings?(settings: Settings, rememberSource: boolean): void;
  /** Makes a file readable by the worker (SVG is drawn on the page: workers cannot decode it). */
  prepareFile?(file: File): Promise<File>;
  /** A new image id. */
  newId?(): string;
  now?(): number;
  /** How long typing must pause before labels or a template apply. */
  debounceMs?: number;
  /** How long typing must pause before new labels' texts are encoded ahead of being applied. */
  prepareMs?: number;
  onLabelsApplied?(count: number): void;
  /** A search went to the worker (for the benchmark's timing). */
  onSearchStarted?(): void;
  /** This page's origin, the host of imported models. */
  origin?: string;
  /** What the browser says of the device before a download (data saver, memory). */
  deviceHints?(): DeviceHints;
}

export interface SettingsChange {
  source: ModelSource;
  hostAsTyped: string;
  runtime: RuntimeSettings;
}

export type ImportOutcome =
  { ok: true; source: ModelSource; files: number; bytes: number } | { ok: false; failure: ImportFailure };

/** A file to add, with its path inside the folder it came from (null for a loose file). */
export interface FileToAdd {
  file: File;
  path: string | null;
}

interface Run {
  key: string;
  labels: readonly string[];
  controller: AbortController;
  /** Images the run was started for: each must end with scores or a failure. */
  ids: Set<string>;
}

const LOADING: ModelState = { phase: 'loading', files: [], planned: false, waiting: false, warming: false };
const NO_WORK: EncodeWork = { textsEncoded: 0, textsCached: 0, imagesEncoded: 0, imagesCached: 0 };
const NOT_PROBED: WebGPUProbe = { available: false, reason: 'WebGPU was not asked for' };

function mergeProgress(files: DownloadItem[], update: FileProgress): DownloadItem[] {
  const index = files.findIndex((f) => f.file === update.file);
  if (index === -1) return [...files, { ...update, stored: false }];
  const previous = files[index];
  // "done" carries no sizes: keep the last known ones and mark the file complete.
  const merged = update.done
    ? { ...previous, loaded: previous.total || previous.loaded, done: true }
    : { ...previous, ...update, total: update.total || previous.total };
  return files.map((f, i) => (i === index ? merged : f));
}

function plannedFiles(files: PlannedFile[]): DownloadItem[] {
  return files.map(({ file, size, stored }) => ({
    file,
    stored,
    // 0: not known (the progress shows "…").
    loaded: stored ? (size ?? 0) : 0,
    total: size ?? 0,
    done: stored,
  }));
}

/** The scoring in effect: the person's choice where both readings make sense (a sigmoid model), else softmax. */
export function effectiveScoring(model: ModelState, choice: Scoring | null): Scoring {
  const modelScoring = model.phase === 'ready' ? model.info.scoring : 'softmax';
  return modelScoring === 'sigmoid' ? (choice ?? 'sigmoid') : 'softmax';
}

export class ClassifierSession {
  /** The snapshot the UI reads: subscribe, snapshot and update live in the store part. */
  private readonly store: Store<SessionSnapshot>;
  private readonly client: ClassifierClient;
  /** dupes: the library's duplicate groups (its own part). */
  readonly duplicates: Duplicates;
  private run: Run | null = null;
  private loadController: AbortController | null = null;
  /** A stop holds for the labels and images it was made on: changing either asks for new work. */
  private stopMark: { key: string; images: number } | null = null;
  private probe: WebGPUProbe | null = null;
  private probing: Promise<void> | null = null;
  /** WebGPU failed for this device setting: from now on it runs on WASM (choosing WebGPU again retries). */
  private gpuFailure: { device: RuntimeSettings['device']; reason: string; selfCheck?: SelfCheckMismatch } | null =
    null;
  private labelsTimer: ReturnType<typeof setTimeout> | undefined;
  private prepareTimer: ReturnType<typeof setTimeout> | undefined;
  private prepareController: AbortController | null = null;
  private promptTimer: ReturnType<typeof setTimeout> | undefined;
  /** Stored graphs ONNX Runtime rejected in the last load, while a fresh worker loads them again. */
  private rejectedGraphs: string[] | null = null;
  private started = false;
  private readonly throughput: Throughput;
  private readonly progressOf = progressCounter(countProgress);
  /** Each part registers here what it must undo when the session ends. */
  private readonly disposables = new Disposables();
  private readonly search: SearchController;
  /** What the person agreed to download, in the consent dialog. */
  private consent: Consent | null = null;
  /** Foreign hosts the person agreed to, or whose model loaded (from the store, after an earlier agreement). */
  private readonly trustedHosts = new Set<string>();
  /** Adds sent to the worker and not acknowledged yet: a reload now would lose them. */
  private adding = 0;
  /** The client gave up on its worker (it kept failing): a retry starts a fresh one. */
  private workerGone = false;
  /** Failures the next load keeps (it clears them otherwise). */
  private carriedFailures: Map<string, ImageFailure> | null = null;

  constructor(private readonly deps: SessionDeps) {
    this.client = deps.createClient?.() ?? new ClassifierClient();
    this.duplicates = new Duplicates(this.client);
    this.client.onDeviceLost = (detail) => this.fallBackToWasm(detail);
    this.client.onNotices = (notices) => {
      const { model } = this.state;
      if (model.phase === 'ready') this.update({ model: { ...model, info: { ...model.info, notices } } });
    };
    this.client.onLibraryChanged = (change) => this.receiveOtherTab(change);
    this.throughput = new Throughput(deps.now ?? (() => performance.now()));
    const { settings, problems } = deps.settings;
    this.store = new Store<SessionSnapshot>(
      {
        settings,
        problems,
        labels: parseLabels(settings.labels),
        templates: templatesFor(settings.prompt),
        backend: null,
        model: LOADING,
        library: { phase: 'opening', folders: [], problem: null },
        images: [],
        results: new Map(),
        failures: new Map(),
        corrections: [],
        searchText: '',
        search: null,
        resultKey: '',
        scoring: 'softmax',
        progress: { done: 0, total: 0 },
        pace: null,
        work: NO_WORK,
        stopped: false,
        recovery: null,
        writeFailures: [],
        lastRemoval: null,
      },
      (next) => this.derive(next),
    );
    this.search = new SearchController(
      {
        client: this.client,
        current: () => this.state,
        update: (change) => this.update(change),
        debounceMs: deps.debounceMs ?? TYPING_DEBOUNCE_MS,
        onSearchStarted: () => deps.onSearchStarted?.(),
      },
      this.disposables,
    );
    this.client.onTrouble = (trouble) => this.recover(trouble);
    this.client.onWriteFailed = (failure) => this.update({ writeFailures: [...this.state.writeFailures, failure] });
  }

  /** The worker client, for page-side helpers that ask the worker directly (thumbnails). */
  get worker(): ClassifierClient {
    return this.client;
  }

  // --- The external store -------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener);

  getSnapshot = (): SessionSnapshot => this.store.getSnapshot();

  private get state(): SessionSnapshot {
    return this.store.getSnapshot();
  }

  /** Recomputes what follows from the rest of the snapshot (key, scoring, progress, stopped, pace). */
  private derive(next: SessionSnapshot): SessionSnapshot {
    const { settings, model, backend, templates, labels, images, results, failures, corrections } = next;
    const scoring = effectiveScoring(model, settings.mode);
    const { source } = settings;
    const resultKey = JSON.stringify([
      source.modelId,
      source.host,
      backend?.device ?? null,
      backend?.dtypes.join(',') ?? '',
      templates,
      scoring,
      labels.labels,
      // Corrections change the scores of pictures like them: scores computed before are stale.
      corrections.filter((c) => labels.labels.includes(c.label)).map((c) => `${c.contentHash}:${c.label}`),
    ]);
    // Memoised on its inputs: a keystroke in the labels box changes none of them, so no image is walked.
    const { done, total } = this.progressOf(images, results, failures, resultKey);
    const stopped = this.stopMark !== null && this.stopMark.key === resultKey && this.stopMark.images === images.length;
    const pace = this.throughput.pace(total - done);
    return { ...next, scoring, resultKey, progress: { done, total }, stopped, pace };
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.store.update(change);
  }

  private notify(): void {
    this.store.notify();
  }

  // --- Start, backend and model ----------------------------------------------------------------

  /** Opens the library, chooses the backend (probing WebGPU when it may be used) and loads the model. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.chooseBackendAndLoad();
    this.openLibrary();
  }

  private openLibrary(): void {
    this.client.openLibrary().then(
      ({ images, folders, corrections, problem }) => {
        this.update({ images, corrections, library: { phase: 'open', folders, problem } });
        this.pump();
      },
      (error: unknown) => {
        if (isSuperseded(error)) return;
        this.update({ library: { phase: 'open', folders: [], problem: 'unavailable' } });
        this.pump();
      },
    );
  }

  private chooseBackendAndLoad(): void {
    const { runtime } = this.state.settings;
    const wantsGpu = runtime.device !== 'wasm';
    if (this.gpuFailure && this.gpuFailure.device === runtime.device) {
      this.update({
        backend: {
          device: 'wasm',
          dtypes: runtime.dtype ? [runtime.dtype] : dtypeCandidates('wasm', false),
          fallbackReason: this.gpuFailure.reason,
          ...(this.gpuFailure.selfCheck && { selfCheck: this.gpuFailure.selfCheck }),
        },
      });
    } else if (wantsGpu && this.probe === null) {
      this.abortLoad();
      this.update({ backend: null, model: LOADING });
      this.probing ??= this.deps.probeWebGPU().then((probe) => {
        this.probe = probe;
        this.chooseBackendAndLoad();
      });
      return;
    } else {
      this.update({
        backend: chooseBackend(runtime.device, runtime.dtype, wantsGpu && this.probe ? this.probe : NOT_PROBED),
      });
    }
    this.load();
  }

  private abortLoad(): void {
    this.loadController?.abort();
    this.loadController = null;
  }

  private loadOptions(device: Device, dtypes: Dtype[]): LoadOptions {
    const { settings } = this.state;
    return {
      source: settings.source,
      device,
      dtypes,
      threads: settings.runtime.threads,
      simulate: settings.simulate,
      consent: this.consent,
      hints: this.deps.deviceHints?.() ?? NO_HINTS,
    };
  }

  private load(): void {
    const backend = this.state.backend;
    if (!backend) return;
    this.abortLoad();
    this.abortRun();
    const controller = new AbortController();
    this.loadController = controller;
    const options = this.loadOptions(backend.device, backend.dtypes);
    const loading = (change: (model: Extract<ModelState, { phase: 'loading' }>) => ModelState) => {
      if (controller.signal.aborted || this.state.model.phase !== 'loading') return;
      this.update({ model: change(this.state.model) });
    };
    // Failures of this visit belong to the model that met them (a file another model needs, say),
    // except those a recovery carries over (images that ran out of memory wait for Retry failed).
    this.update({ model: LOADING, failures: this.carriedFailures ?? new Map() });
    this.carriedFailures = null;
    this.client
      .load(options, {
        signal: controller.signal,
        onPlan: (files) => loading((m) => ({ ...m, files: plannedFiles(files), planned: true, waiting: false })),
        onWaiting: () => loading((m) => ({ ...m, waiting: true })),
        onWarmUp: () => loading((m) => ({ ...m, warming: true, waiting: false })),
        onProgress: (file) => loading((m) => ({ ...m, files: mergeProgress(m.files, file) })),
      })
      .then(
        (info) => {
          if (controller.signal.aborted) return;
          const repaired = this.rejectedGraphs;
          this.rejectedGraphs = null;
          // The fresh worker downloaded them as missing files: the page still says they were damaged in storage.
          if (repaired) info = { ...info, notices: [...info.notices, { kind: 'repaired', files: repaired }] };
          this.trustHost(options.source.host);
          this.update({ model: { phase: 'ready', info } });
          this.pump();
        },
        (error: unknown) => {
          if (controller.signal.aborted || isSuperseded(error)) return;
          const failure = loadFailure(error);
          if (failure.code === 'backend' && this.fallBackToWasm(failure.detail, failure.selfCheck)) return;
          if (failure.code === 'consent-needed') {
            const { host, modelId, dtype, bytes, totalBytes, files, reasons, contacted } = failure;
            const request = { host, modelId, dtype, bytes, totalBytes, files, reasons, contacted };
            this.update({ model: { phase: 'consent', request } });
            this.pump();
            return;
          }
          // Stored graphs ONNX Runtime rejected are gone from the store: once, a fresh worker downloads and loads them.
          if (failure.code === 'stored-graph-rejected' && this.rejectedGraphs === null) {
            this.rejectedGraphs = failure.files;
            this.client.restart();
            this.load();
            return;
          }
          this.rejectedGraphs = null;
          // ONNX Runtime's memory cannot shrink: the next attempt (a smaller model or precision) gets a fresh worker.
          if (failure.code === 'out-of-memory') this.client.restart();
          this.update({ model: { phase: 'error', failure } });
          this.pump();
        },
      );
    // The library's stored scores need no model: a classification may start while it loads.
    this.pump();
  }

  /**
   * WebGPU failed (no adapter in the worker, session creation, an inference, a lost device): the
   * worker's transformers.js state is poisoned, so a fresh worker loads the model on WASM and
   * everything pending is asked for again. Returns false when not running on WebGPU.
   */
  fallBackToWasm(reason: string, selfCheck?: SelfCheckMismatch): boolean {
    if (this.state.backend?.device !== 'webgpu') return false;
    this.gpuFailure = { device: this.state.settings.runtime.device, reason, ...(selfCheck && { selfCheck }) };
    this.abortLoad();
    this.abortRun();
    this.client.restart();
    this.chooseBackendAndLoad();
    return true;
  }

  cancelLoad(): void {
    this.abortLoad();
    this.update({ model: { phase: 'cancelled' } });
    this.pump();
  }

  retryLoad(): void {
    if (this.workerGone) {
      this.workerGone = false;
      this.client.restart();
    }
    this.chooseBackendAndLoad();
  }

  /** The person pressed Download in the consent dialog: this host, this model, at most these bytes. */
  acceptDownload(): void {
    const { model } = this.state;
    if (model.phase !== 'consent') return;
    this.consent = consentFor(model.request);
    this.trustHost(model.request.host);
    this.chooseBackendAndLoad();
  }

  /** The person pressed Cancel in the consent dialog: nothing is downloaded. */
  declineDownload(): void {
    if (this.state.model.phase !== 'consent') return;
    this.cancelLoad();
  }

  /**
   * The worker died, hung, or ran out of memory and was replaced: the model is loaded again (from
   * this device's store) and the classification asked for again; nothing added is lost (the
   * client sent adds to the fresh worker). When the worker keeps failing, the client gave up:
   * the model is not loaded, and images still without scores are marked failed (Retry failed).
   */
  private recover(trouble: WorkerTrouble | Recovery): void {
    const kind = trouble.kind;
    this.abortLoad();
    this.abortRun();
    if ('gaveUp' in trouble && trouble.gaveUp) {
      this.workerGone = true;
      this.markUnfinishedFailed(trouble.detail);
      this.update({ model: { phase: 'error', failure: { code: 'worker-crashed', detail: trouble.detail } } });
      return;
    }
    this.update({ recovery: { kind, detail: trouble.detail } });
    this.chooseBackendAndLoad();
  }

  /** Another model, host, backend or precision (from the Settings panel or an import). */
  applySettings(change: SettingsChange): void {
    this.saveSettings({ ...this.state.settings, ...change });
    this.update({ problems: [] });
    this.chooseBackendAndLoad();
  }

  // --- Labels, prompt and scoring ------------------------------------------------------------------

  private saveSettings(settings: Settings): void {
    this.update({ settings });
    const { host } = settings.source;
    const origin = this.deps.origin ?? globalThis.location?.origin ?? '';
    this.deps.saveSettings?.(settings, hostKind(host, origin) !== 'foreign' || this.trustedHosts.has(host));
  }

  /** The person agreed to a host (or its model loaded): from now on it is kept for later visits. */
  private trustHost(host: string): void {
    const origin = this.deps.origin ?? globalThis.location?.origin ?? '';
    if (this.trustedHosts.has(host) || hostKind(host, origin) !== 'foreign') return;
    this.trustedHosts.add(host);
    if (this.state.settings.source.host === host) this.saveSettings(this.state.settings);
  }

  setLabelsText(text: string): void {
    this.update({ settings: { ...this.state.settings, labels: text } });
    clearTimeout(this.labelsTimer);
    this.labelsTimer = setTimeout(() => this.applyLabels(), this.deps.debounceMs ?? TYPING_DEBOUNCE_MS);
    clearTimeout(this.prepareTimer);
    this.prepareTimer = setTimeout(() => this.prepareLabels(), this.deps.prepareMs ?? PREPARE_PAUSE_MS);
  }

  /**
   * Encodes the labels being typed that are not applied yet, during the rest of the debounce: when
   * they apply, re-ranking needs no text pass. Only an optimisation: a failure here is left to the
   * classification to say; a newer keystroke supersedes it.
   */
  private prepareLabels(): void {
    const { model, templates, labels: applied, settings } = this.state;
    if (model.phase !== 'ready') return;
    const fresh = parseLabels(settings.labels).labels.filter((label) => !applied.labels.includes(label));
    this.prepareController?.abort();
    this.prepareController = null;
    if (fresh.length === 0) return;
    const controller = new AbortController();
    this.prepareController = controller;
    // Its work is counted by the classification that uses it (the worker says so there).
    this.client.prepareLabels(fresh, templates, controller.signal).catch(() => undefined);
  }

  private applyLabels(): void {
    const labels = parseLabels(this.state.settings.labels);
    this.saveSettings(this.state.settings);
    this.update({ labels });
    this.deps.onLabelsApplied?.(labels.labels.length);
    this.pump();
  }

  setPrompt(prompt: PromptSettings): void {
    this.saveSettings({ ...this.state.settings, prompt });
    clearTimeout(this.promptTimer);
    this.promptTimer = setTimeout(() => {
      this.update({ templates: templatesFor(this.state.settings.prompt) });
      this.pump();
    }, this.deps.debounceMs ?? TYPING_DEBOUNCE_MS);
  }

  setScoringMode(mode: Scoring): void {
    this.saveSettings({ ...this.state.settings, mode });
    this.pump();
  }

  /** The interface language in the link: null leaves it to the person's stored choice. */
  setLanguage(lang: Settings['lang']): void {
    this.saveSettings({ ...this.state.settings, lang });
  }

  // --- The library ---------------------------------------------------------------------------------

  /** Adds files to the library (kept across visits); resolves once the worker has them. */
  async addImages(files: Iterable<File | FileToAdd>): Promise<void> {
    const list = [...files].map((item) => (item instanceof File ? { file: item, path: null } : item));
    if (list.length === 0) return;
    await this.whileAdding(() => this.sendImages(list));
  }

  private async sendImages(list: FileToAdd[]): Promise<void> {
    const prepare = this.deps.prepareFile ?? (async (file: File) => file);
    const readable = await Promise.all(list.map(({ file }) => prepare(file).catch(() => file)));
    const newId = this.deps.newId ?? (() => crypto.randomUUID());
    const images: NewImage[] = list.map(({ file, path }, i) => ({
      id: newId(),
      name: file.name || 'pasted image',
      path,
      file: readable[i],
      lastModified: file.lastModified,
    }));
    this.receiveAdded(await this.client.addImages(images));
  }

  /** Adds a folder opened with the File System Access API; its handle is kept for rescans. */
  async addFolder(handle: FileSystemDirectoryHandle): Promise<void> {
    await this.whileAdding(async () => this.receiveAdded(await this.client.addFolder(handle)));
  }

  /** Counts an add until the worker has it (stored in the library), for the page's unload guard. */
  private async whileAdding(add: () => Promise<void>): Promise<void> {
    this.adding++;
    try {
      await add();
    } finally {
      this.adding--;
      this.notify();
    }
  }

  /** Whether leaving the page now would lose something: images added but not yet stored by the worker. */
  hasUnsavedWork(): boolean {
    return this.adding > 0;
  }

  /** Whether the model is loading, images are being classified, or images are being added. */
  isBusy(): boolean {
    return this.state.model.phase === 'loading' || this.run !== null || this.adding > 0;
  }

  private receiveAdded({ images, folder, problem }: Added): void {
    const byId = new Map(images.map((image) => [image.id, image]));
    const kept = this.state.images.map((image) => byId.get(image.id) ?? image);
    const known = new Set(kept.map((image) => image.id));
    const folders = folder
      ? [...this.state.library.folders.filter((f) => f.id !== folder.id), folder]
      : this.state.library.folders;
    const failures = new Map(this.state.failures);
    for (const { id } of images) failures.delete(id);
    this.update({
      images: [...kept, ...images.filter((image) => !known.has(image.id))],
      failures,
      library: { ...this.state.library, folders, problem: problem ?? this.state.library.problem },
    });
    this.pump();
  }

  /**
   * Another tab changed the library: its records replace these, new ones join, removed ones go
   * (and leave the running classification), and folders and corrections follow.
   */
  private receiveOtherTab({ images, removed, folders, corrections }: LibraryChanged): void {
    // Before the library is open, its opening reads all of it anyway.
    if (this.state.library.phase !== 'open') return;
    const byId = new Map(images.map((image) => [image.id, image]));
    const gone = new Set(removed);
    for (const id of removed) this.run?.ids.delete(id);
    const kept = this.state.images.filter((image) => !gone.has(image.id)).map((image) => byId.get(image.id) ?? image);
    const known = new Set(kept.map((image) => image.id));
    this.update({
      images: [...kept, ...images.filter((image) => !known.has(image.id) && !gone.has(image.id))],
      library: { ...this.state.library, folders },
      ...(corrections && { corrections }),
    });
    this.pump();
  }

  /** Adds a folder's new or changed files and drops removed ones (asking for permission again first). */
  async rescanFolder(folderId: string): Promise<{ added: number; removed: number; moved: number }> {
    const folder = this.state.library.folders.find((f) => f.id === folderId);
    if (!folder) return { added: 0, removed: 0, moved: 0 };
    // Permission on a kept handle is asked again on a later visit; the click that called this is the gesture.
    if ((await folder.handle.requestPermission({ mode: 'read' })) !== 'granted') {
      throw new RequestError({ code: 'permission-needed', folder: folder.name });
    }
    const { added, removed, moved, folder: listed } = await this.client.rescanFolder(folderId);
    const gone = new Set(removed);
    // A moved file keeps its record (and so its scores and correction): only its name and path change.
    const movedById = new Map(moved.map((image) => [image.id, image]));
    this.update({
      images: [
        ...this.state.images.filter((image) => !gone.has(image.id)).map((image) => movedById.get(image.id) ?? image),
        ...added,
      ],
      library: {
        ...this.state.library,
        folders: this.state.library.folders.map((f) => (f.id === folderId ? listed : f)),
      },
    });
    this.pump();
    return { added: added.length, removed: removed.length, moved: moved.length };
  }

  /** Moves images to the trash; Undo (`undoRemoval`) brings them back. */
  async removeImages(ids: Iterable<string>): Promise<void> {
    const gone = new Set(ids);
    this.update({ images: this.state.images.filter((image) => !gone.has(image.id)) });
    this.pump();
    const trashed = await this.client.removeImages([...gone]);
    this.update({ lastRemoval: trashed.length > 0 ? { ids: trashed } : null });
  }

  /** Clear all: every image goes to the trash. */
  async clearLibrary(): Promise<void> {
    this.abortRun();
    this.update({
      images: [],
      failures: new Map(),
      library: { ...this.state.library, folders: [] },
    });
    const trashed = await this.client.clearLibrary();
    this.update({ lastRemoval: trashed.length > 0 ? { ids: trashed } : null });
    this.pump();
  }

  /** Brings back what the last removal moved to the trash. */
  async undoRemoval(): Promise<void> {
    const removal = this.state.lastRemoval;
    if (!removal) return;
    this.update({ lastRemoval: null });
    await this.restoreImages(removal.ids);
  }

  /** Brings images back from the trash; their scores follow from their stored embeddings. */
  async restoreImages(ids: string[]): Promise<void> {
    const restored = await this.client.restoreImages(ids);
    if (restored.length === 0) return;
    const back = new Set(restored.map((image) => image.id));
    const images = [...this.state.images.filter((image) => !back.has(image.id)), ...restored].sort(
      (a, b) => a.addedAt - b.addedAt,
    );
    const lastRemoval = this.state.lastRemoval?.ids.some((id) => back.has(id)) ? null : this.state.lastRemoval;
    this.update({ images, lastRemoval });
    this.pump();
  }

  listTrash(signal?: AbortSignal): Promise<TrashedImage[]> {
    return this.client.listTrash(signal);
  }

  /** Deletes trashed images for good (null: all); resolves with the trash that is left. */
  async emptyTrash(ids: string[] | null): Promise<TrashedImage[]> {
    const left = await this.client.emptyTrash(ids);
    const remaining = new Set(left.map((entry) => entry.id));
    const removal = this.state.lastRemoval;
    if (removal && !removal.ids.every((id) => remaining.has(id))) this.update({ lastRemoval: null });
    return left;
  }

  /** Hides the message of a failed library write (it has been read). */
  dismissWriteFailure(failure: LibraryWriteFailure): void {
    this.update({ writeFailures: this.state.writeFailures.filter((entry) => entry !== failure) });
  }

  /**
   * `Test this device`: the loaded backend in this worker, then the other one (WebGPU where the
   * browser has an adapter) in a worker of its own, since a worker runs one ONNX Runtime build for good.
   */
  async testDevice(signal: AbortSignal): Promise<DeviceTestRow[]> {
    const { model } = this.state;
    if (model.phase !== 'ready') throw new RequestError({ code: 'no-model' });
    const { device, dtype } = model.info;
    const rows = await this.client.deviceTest(signal);
    const other: Device = device === 'wasm' ? 'webgpu' : 'wasm';
    if (other === 'webgpu' && !(await this.deps.probeWebGPU()).available) return rows;
    const probe = this.deps.createClient?.() ?? new ClassifierClient();
    try {
      // Only the stored precision, and no simulated failures: a test never downloads other files.
      await probe.load({ ...this.loadOptions(other, [dtype]), simulate: null }, { signal });
      rows.push(...(await probe.deviceTest(signal)));
    } finally {
      probe.dispose();
    }
    return rows.sort((a, b) => (a.device === 'wasm' ? 0 : 1) - (b.device === 'wasm' ? 0 : 1));
  }

  librarySize(signal?: AbortSignal): Promise<number> {
    return this.client.librarySize(signal);
  }

  /** The library as a backup ZIP, streamed as the worker reads it (copies and files only when asked). */
  exportLibrary(includeFiles: boolean, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    return this.client.exportLibrary(includeFiles, signal);
  }

  /** Restores a backup (merged by content hash); the restored images are scored from their stored embeddings. */
  async importLibrary(file: Blob): Promise<RestoreOutcome> {
    // The worker reloads its library from the store: a classification running over the old records stops first.
    this.abortRun();
    try {
      const { outcome, library } = await this.client.importLibrary(file);
      const ids = new Set(library.images.map((image) => image.id));
      const failures = new Map([...this.state.failures].filter(([id]) => ids.has(id)));
      this.update({
        images: library.images,
        corrections: library.corrections,
        failures,
        library: { phase: 'open', folders: library.folders, problem: library.problem },
      });
      return outcome;
    } finally {
      this.pump();
    }
  }

  stop(): void {
    this.stopMark = { key: this.state.resultKey, images: this.state.images.length };
    this.update({});
    this.pump();
  }

  resume(): void {
    this.stopMark = null;
    this.update({});
    this.pump();
  }

  /** Asks again for images whose classification failed in this visit (a transient failure). */
  retryFailed(): void {
    this.update({ failures: new Map() });
    this.pump();
  }

  // --- Search, corrections, "no match", heat maps --------------------------------------------------

  /** Searches the library by text as the person types (after the same pause as labels); empty text ends the search. */
  setSearchText(text: string): void {
    this.search.setText(text);
  }

  /** "More like this": the library ranked by likeness to one of its pictures. */
  searchLike(imageId: string): void {
    this.search.like(imageId);
  }

  endSearch(): void {
    this.search.end();
  }

  /** Makes a picture an example of `label`, or (null) undoes its correction; the library's scores then follow. */
  async correct(imageId: string, label: string | null): Promise<void> {
    this.update({ corrections: await this.client.correct(imageId, label) });
    this.pump();
  }

  async forgetCorrections(): Promise<void> {
    this.update({ corrections: await this.client.forgetCorrections() });
    this.pump();
  }

  /** The "no match" cutoff, in logits (kept with the other settings). */
  setCutoff(cutoff: number): void {
    this.saveSettings({ ...this.state.settings, cutoff });
  }

  /** Where in one picture a label matches (a few vision passes); cancellable. */
  heatMap(
    imageId: string,
    label: string,
    options: { signal?: AbortSignal; onProgress?(done: number, total: number): void } = {},
  ): Promise<HeatMap> {
    return this.client.heatMap(imageId, label, this.state.templates, options);
  }

  /** An image's file as the library has it (the original, or the kept copy), for a ZIP or a folder. */
  file(imageId: string, signal?: AbortSignal) {
    return this.client.file(imageId, signal);
  }

  // --- Classification ------------------------------------------------------------------------------

  private abortRun(): void {
    this.run?.controller.abort();
    this.run = null;
  }

  private failed(image: LibraryImage): boolean {
    return failureOf(this.state, image) !== null;
  }

  /** Keeps one classification of the whole library running while an image lacks current scores. */
  private pump(): void {
    const { model, labels, stopped, resultKey, images, results, library, backend } = this.state;
    const usable = model.phase === 'ready' || model.phase === 'loading';
    if (library.phase !== 'open' || !backend || !usable || labels.labels.length === 0 || stopped) {
      this.abortRun();
      return;
    }
    // A run for other labels or another model is superseded: its results would be stale.
    if (this.run && this.run.key !== resultKey) this.abortRun();
    // The running classification takes images added meanwhile.
    if (this.run) return;
    const needed = images.filter((image) => !this.failed(image) && results.get(image.id)?.key !== resultKey);
    if (needed.length === 0) return;
    this.startRun(new Set(needed.map((image) => image.id)));
  }

  private startRun(ids: Set<string>): void {
    const { resultKey, labels, templates, scoring, backend } = this.state;
    const run: Run = { key: resultKey, labels: labels.labels, controller: new AbortController(), ids };
    this.run = run;
    this.throughput.reset();
    const device = backend?.device ?? 'wasm';
    this.client
      .classify(labels.labels, templates, scoring, {
        signal: run.controller.signal,
        onScores: (rows) => this.receiveScores(run, rows, device),
        onImagesUpdated: (images, removed) => this.receiveImages(images, removed),
        onImageFailed: (id, failure) => this.markFailed([id], failure),
      })
      .then(
        (work) => {
          // Images are counted as their rows arrive (those already scored not again); texts once per run.
          this.addWork({ textsEncoded: work.textsEncoded, textsCached: work.textsCached });
          // Every image this run was for ends with scores or a failure: one that got neither is said, never retried in a loop.
          const missing = [...run.ids].filter(
            (id) => this.state.results.get(id)?.key !== run.key && !this.failedId(id),
          );
          this.markFailed(missing, { code: 'request-failed', detail: 'no result came back' });
        },
        (error: unknown) => {
          if (isSuperseded(error)) return;
          if (error instanceof RequestError) {
            const { failure } = error;
            if (failure.code === 'backend' && this.fallBackToWasm(failure.detail)) return;
            // The model did not load: the status says why; images wait for the next load.
            if (failure.code === 'no-model' || failure.code === 'load') return;
            if (failure.code === 'out-of-memory') {
              // A fresh worker and the model again; the images this run had left wait for Retry failed
              // (they would run out of memory the same way), and the page suggests a smaller model.
              this.markUnfinishedFailed(failure.detail, run.key);
              this.carriedFailures = new Map(this.state.failures);
              this.client.restart();
              this.recover({ kind: 'out-of-memory', detail: failure.detail });
              return;
            }
          }
          this.markUnfinishedFailed(error instanceof RequestError ? requestDetail(error) : String(error), run.key);
        },
      )
      .finally(() => {
        if (this.run !== run) return;
        this.run = null;
        this.pump();
        // Whether the session is busy may have changed without the snapshot changing.
        this.notify();
      });
  }

  /** Images without scores for `key` (the current labels when not given), failed as a request failure: Retry failed asks again. */
  private markUnfinishedFailed(detail: string, key = this.state.resultKey): void {
    const unfinished = this.state.images
      .filter((image) => !this.failed(image) && this.state.results.get(image.id)?.key !== key)
      .map((image) => image.id);
    this.markFailed(unfinished, { code: 'request-failed', detail });
  }

  private failedId(id: string): boolean {
    const image = this.state.images.find((entry) => entry.id === id);
    return !image || this.failed(image);
  }

  private receiveScores(run: Run, rows: ScoreRows, device: Device): void {
    if (run.controller.signal.aborted) return;
    const width = run.labels.length;
    const results = new Map(this.state.results);
    // Reused embeddings count once per image that needed scores, not again for scores it already had.
    let cached = 0;
    rows.imageIds.forEach((id, i) => {
      if (rows.cached[i] === 1 && results.get(id)?.key !== run.key) cached++;
      results.set(id, {
        key: run.key,
        labels: run.labels,
        scores: rows.scores.subarray(i * width, (i + 1) * width),
        ms: rows.ms[i],
        device,
        cached: rows.cached[i] === 1,
        margin: rows.margin[i],
      });
    });
    const encoded = rows.cached.reduce((sum, flag) => sum + (flag === 0 ? 1 : 0), 0);
    if (encoded > 0) this.throughput.add(encoded);
    this.update({ results });
    this.addWork({ imagesCached: cached, imagesEncoded: encoded });
  }

  private receiveImages(images: LibraryImage[], removed: string[]): void {
    const byId = new Map(images.map((image) => [image.id, image]));
    const gone = new Set(removed);
    for (const id of removed) this.run?.ids.delete(id);
    this.update({
      images: this.state.images.filter((image) => !gone.has(image.id)).map((image) => byId.get(image.id) ?? image),
    });
  }

  private markFailed(ids: readonly string[], failure: ImageFailure): void {
    if (ids.length === 0) return;
    const failures = new Map(this.state.failures);
    for (const id of ids) failures.set(id, failure);
    this.update({ failures });
  }

  private addWork(more: Partial<EncodeWork>): void {
    const total = this.state.work;
    this.update({
      work: {
        textsEncoded: total.textsEncoded + (more.textsEncoded ?? 0),
        textsCached: total.textsCached + (more.textsCached ?? 0),
        imagesEncoded: total.imagesEncoded + (more.imagesEncoded ?? 0),
        imagesCached: total.imagesCached + (more.imagesCached ?? 0),
      },
    });
  }

  // --- The model store -------------------------------------------------------------------------------

  listModels(signal?: AbortSignal): Promise<StoredModel[]> {
    return this.client.listModels(signal);
  }

  deleteModel(key: string): Promise<void> {
    return this.client.deleteModel(key).then(() => undefined);
  }

  /** Copies a model folder into the store, then loads it. */
  async importModelFolder(folder: string, files: FolderFile[]): Promise<ImportOutcome> {
    try {
      const imported = await this.client.importModel(folder, files, this.deps.origin ?? location.origin);
      this.applySettings({
        source: imported.source,
        hostAsTyped: '/local-models',
        runtime: this.state.settings.runtime,
      });
      return { ok: true, ...imported };
    } catch (error) {
      if (error instanceof RequestError) {
        const { failure } = error;
        if (failure.code === 'import') return { ok: false, failure: failure.failure };
        if (failure.code === 'storage-unavailable') return { ok: false, failure: { code: 'storage-unavailable' } };
      }
      return { ok: false, failure: { code: 'failed', detail: error instanceof Error ? error.message : String(error) } };
    }
  }

  dispose(): void {
    clearTimeout(this.labelsTimer);
    clearTimeout(this.prepareTimer);
    this.prepareController?.abort();
    clearTimeout(this.promptTimer);
    this.disposables.dispose();
    this.abortLoad();
    this.abortRun();
    this.duplicates.dispose();
    this.client.dispose();
  }
}

/** A failed load's failure, whatever ended it. */
function loadFailure(error: unknown): LoadFailure {
  if (error instanceof RequestError) {
    const { failure } = error;
    switch (failure.code) {
      case 'load':
        return failure.failure;
      case 'worker-crashed':
        return { code: 'worker-crashed', detail: failure.detail };
      case 'backend':
        return { code: 'backend', detail: failure.detail };
      default:
        return { code: 'load-failed', detail: requestDetail(error) };
    }
  }
  return { code: 'load-failed', detail: error instanceof Error ? error.message : String(error) };
}

function requestDetail({ failure }: RequestError): string {
  return 'detail' in failure ? failure.detail : failure.code;
}
