/**
 * The classifier session: plain TypeScript that owns the worker client, the images and their
 * results, the request queue, stop and resume, the work counters and the WebGPU → WASM fallback.
 * Components read its snapshot through `useSyncExternalStore` and send it intents; nothing here
 * knows React, and no scheduling hides in effects: every intent and every reply ends in `pump()`,
 * which asks the worker for exactly the results the snapshot lacks.
 */
import { chooseBackend, dtypeCandidates, type RuntimeSettings, type WebGPUProbe } from '../../shared/backend.ts';
import type { ImageFailure, ImageNote, ImportFailure, LoadFailure } from '../../shared/failures.ts';
import { parseLabels, type ParsedLabels } from '../../shared/labels.ts';
import type { FolderFile, ImageScores, LoadOptions } from '../../shared/protocol.ts';
import type { ParsedSettings, Settings, SettingsProblem } from '../../shared/settings.ts';
import { templatesFor, type PromptSettings } from '../../shared/template.ts';
import type {
  Device,
  Dtype,
  EncodeWork,
  FileProgress,
  LabelScore,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  StoredModel,
  TextWork,
} from '../../shared/types.ts';
import { ClassifierClient, RequestError, isSuperseded } from './worker-client.ts';

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
  | { phase: 'error'; failure: LoadFailure }
  | { phase: 'cancelled' };

export interface ImageResult {
  /** The model, template and labels the scores were computed for. */
  key: string;
  scores: LabelScore[];
  ms: number;
  device: Device;
  scoring: Scoring;
  width: number;
  height: number;
  notes: ImageNote[];
}

export interface ImageEntry {
  id: string;
  name: string;
  /** The image as the worker reads it (an SVG drawn to PNG on the page). */
  file: File;
  /** Object URL for the thumbnail; revoked when the image is removed. */
  url: string;
  result?: ImageResult;
  failure?: ImageFailure;
}

/** The backend the model runs on, chosen from data; `fallbackReason` says why it is not the WebGPU asked for. */
export interface Backend {
  device: Device;
  dtypes: Dtype[];
  fallbackReason: string | null;
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
  images: readonly ImageEntry[];
  /** Identifies the current model, template and labels; results with another key are stale. */
  resultKey: string;
  /** How the current scores are read: one distribution, or independent per label. */
  scoring: Scoring;
  /** Images with scores for the current labels, of those that can have them. */
  progress: { done: number; total: number };
  /** Everything encoded, and found in the caches instead, since the page opened. */
  work: EncodeWork;
  /** Classification was stopped by the person; it resumes when asked, or when labels or images change. */
  stopped: boolean;
}

export interface SessionDeps {
  settings: ParsedSettings;
  probeWebGPU(): Promise<WebGPUProbe>;
  createClient?(): ClassifierClient;
  /** Keeps the settings where a reload finds them (the address bar). */
  saveSettings?(settings: Settings): void;
  /** Makes a file readable by the worker (SVG is drawn on the page: workers cannot decode it). */
  prepareFile?(file: File): Promise<File>;
  objectUrls?: { create(blob: Blob): string; revoke(url: string): void };
  /** How long typing must pause before labels or a template apply. */
  debounceMs?: number;
  onLabelsApplied?(count: number): void;
  /** This page's origin, the host of imported models. */
  origin?: string;
}

export interface SettingsChange {
  source: ModelSource;
  hostAsTyped: string;
  runtime: RuntimeSettings;
}

export type ImportOutcome =
  { ok: true; source: ModelSource; files: number; bytes: number } | { ok: false; failure: ImportFailure };

interface InFlight {
  key: string;
  ids: Set<string>;
  controller: AbortController;
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
    loaded: stored ? size : 0,
    total: size,
    done: stored,
  }));
}

/** The scoring in effect: the person's choice where both readings make sense (a sigmoid model), else softmax. */
export function effectiveScoring(model: ModelState, choice: Scoring | null): Scoring {
  const modelScoring = model.phase === 'ready' ? model.info.scoring : 'softmax';
  return modelScoring === 'sigmoid' ? (choice ?? 'sigmoid') : 'softmax';
}

export class ClassifierSession {
  private state: SessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly client: ClassifierClient;
  private readonly inFlight = new Set<InFlight>();
  private loadController: AbortController | null = null;
  /** A stop holds for the labels and images it was made on: changing either asks for new work. */
  private stopMark: { key: string; images: number } | null = null;
  private probe: WebGPUProbe | null = null;
  private probing: Promise<void> | null = null;
  /** WebGPU failed for this device setting: from now on it runs on WASM (choosing WebGPU again retries). */
  private gpuFailure: { device: RuntimeSettings['device']; reason: string } | null = null;
  private labelsTimer: ReturnType<typeof setTimeout> | undefined;
  private promptTimer: ReturnType<typeof setTimeout> | undefined;
  private imageCounter = 0;
  private started = false;
  private readonly objectUrls: NonNullable<SessionDeps['objectUrls']>;

  constructor(private readonly deps: SessionDeps) {
    this.client = deps.createClient?.() ?? new ClassifierClient();
    this.client.onDeviceLost = (detail) => this.fallBackToWasm(detail);
    this.objectUrls = deps.objectUrls ?? {
      create: (blob) => URL.createObjectURL(blob),
      revoke: (url) => URL.revokeObjectURL(url),
    };
    const { settings, problems } = deps.settings;
    this.state = this.derive({
      settings,
      problems,
      labels: parseLabels(settings.labels),
      templates: templatesFor(settings.prompt),
      backend: null,
      model: LOADING,
      images: [],
      resultKey: '',
      scoring: 'softmax',
      progress: { done: 0, total: 0 },
      work: NO_WORK,
      stopped: false,
    });
  }

  // --- The external store -------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.state;

  /** Recomputes what follows from the rest of the snapshot (key, scoring, progress, stopped). */
  private derive(next: SessionSnapshot): SessionSnapshot {
    const { settings, model, backend, templates, labels, images } = next;
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
    ]);
    let done = 0;
    let total = 0;
    for (const image of images) {
      if (image.failure) continue;
      total++;
      if (image.result?.key === resultKey) done++;
    }
    const stopped = this.stopMark !== null && this.stopMark.key === resultKey && this.stopMark.images === images.length;
    return { ...next, scoring, resultKey, progress: { done, total }, stopped };
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.state = this.derive({ ...this.state, ...change });
    for (const listener of this.listeners) listener();
  }

  // --- Start, backend and model ----------------------------------------------------------------

  /** Chooses the backend (probing WebGPU when it may be used) and loads the model. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.chooseBackendAndLoad();
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

  private load(): void {
    const backend = this.state.backend;
    if (!backend) return;
    this.abortLoad();
    this.abortRequests();
    const controller = new AbortController();
    this.loadController = controller;
    const { settings } = this.state;
    const options: LoadOptions = {
      source: settings.source,
      device: backend.device,
      dtypes: backend.dtypes,
      threads: settings.runtime.threads,
      simulate: settings.simulate,
    };
    const loading = (change: (model: Extract<ModelState, { phase: 'loading' }>) => ModelState) => {
      if (controller.signal.aborted || this.state.model.phase !== 'loading') return;
      this.update({ model: change(this.state.model) });
    };
    this.update({ model: LOADING });
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
          this.update({ model: { phase: 'ready', info } });
          this.pump();
        },
        (error: unknown) => {
          if (controller.signal.aborted || isSuperseded(error)) return;
          const failure = loadFailure(error);
          if (failure.code === 'backend' && this.fallBackToWasm(failure.detail)) return;
          this.update({ model: { phase: 'error', failure } });
        },
      );
  }

  /**
   * WebGPU failed (no adapter in the worker, session creation, an inference, a lost device): the
   * worker's transformers.js state is poisoned, so a fresh worker loads the model on WASM and
   * everything pending is asked for again. Returns false when not running on WebGPU.
   */
  fallBackToWasm(reason: string): boolean {
    if (this.state.backend?.device !== 'webgpu') return false;
    this.gpuFailure = { device: this.state.settings.runtime.device, reason };
    this.abortLoad();
    this.abortRequests();
    this.client.restart();
    this.chooseBackendAndLoad();
    return true;
  }

  cancelLoad(): void {
    this.abortLoad();
    this.update({ model: { phase: 'cancelled' } });
  }

  retryLoad(): void {
    this.chooseBackendAndLoad();
  }

  /** Another model, host, backend or precision (from the Settings panel or an import). */
  applySettings(change: SettingsChange): void {
    const settings = { ...this.state.settings, ...change };
    this.update({ settings, problems: [] });
    this.deps.saveSettings?.(settings);
    this.chooseBackendAndLoad();
  }

  // --- Labels, prompt and scoring ------------------------------------------------------------------

  private saveSettings(settings: Settings): void {
    this.update({ settings });
    this.deps.saveSettings?.(settings);
  }

  setLabelsText(text: string): void {
    this.update({ settings: { ...this.state.settings, labels: text } });
    clearTimeout(this.labelsTimer);
    this.labelsTimer = setTimeout(() => this.applyLabels(), this.deps.debounceMs ?? 250);
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
    }, this.deps.debounceMs ?? 250);
  }

  setScoringMode(mode: Scoring): void {
    this.saveSettings({ ...this.state.settings, mode });
    this.pump();
  }

  /** The interface language in the link: null leaves it to the person's stored choice. */
  setLanguage(lang: Settings['lang']): void {
    this.saveSettings({ ...this.state.settings, lang });
  }

  // --- Images ----------------------------------------------------------------------------------------

  addImages(files: Iterable<File>): void {
    const list = [...files];
    if (list.length === 0) return;
    const prepare = this.deps.prepareFile ?? (async (file: File) => file);
    void Promise.all(list.map((file) => prepare(file).catch(() => file))).then((readable) => {
      const images = list.map((file, i) => ({
        id: `image-${++this.imageCounter}`,
        name: file.name || 'pasted image',
        file: readable[i],
        url: this.objectUrls.create(file),
      }));
      this.update({ images: [...this.state.images, ...images] });
      this.pump();
    });
  }

  removeImage(id: string): void {
    const image = this.state.images.find((entry) => entry.id === id);
    if (image) this.objectUrls.revoke(image.url);
    this.update({ images: this.state.images.filter((entry) => entry.id !== id) });
    this.pump();
  }

  clearImages(): void {
    for (const image of this.state.images) this.objectUrls.revoke(image.url);
    this.update({ images: [] });
    this.pump();
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

  /** Asks again for images whose request failed as a whole (a transient failure). */
  retryFailed(): void {
    this.update({
      images: this.state.images.map((image) =>
        image.failure?.code === 'request-failed' ? { ...image, failure: undefined } : image,
      ),
    });
    this.pump();
  }

  // --- Requests --------------------------------------------------------------------------------------

  private abortRequests(): void {
    for (const request of this.inFlight) request.controller.abort();
    this.inFlight.clear();
  }

  /** Asks the worker for the results the snapshot lacks; stale requests are cancelled. */
  private pump(): void {
    const { model, labels, stopped, resultKey, images, templates, scoring, backend } = this.state;
    if (model.phase !== 'ready' || labels.labels.length === 0 || stopped) {
      this.abortRequests();
      return;
    }
    // Requests for other labels or another model are superseded: their results would be stale.
    const busy = new Set<string>();
    for (const request of this.inFlight) {
      if (request.key !== resultKey) {
        request.controller.abort();
        this.inFlight.delete(request);
      } else {
        for (const id of request.ids) busy.add(id);
      }
    }
    const needed = images.filter((image) => !image.failure && image.result?.key !== resultKey && !busy.has(image.id));
    if (needed.length === 0) return;
    const request: InFlight = {
      key: resultKey,
      ids: new Set(needed.map((image) => image.id)),
      controller: new AbortController(),
    };
    this.inFlight.add(request);
    const device = backend?.device ?? 'wasm';
    this.client
      .classify(
        needed.map((image) => ({ imageId: image.id, name: image.name, blob: image.file })),
        labels.labels,
        templates,
        scoring,
        {
          signal: request.controller.signal,
          onResults: (results) => this.receiveResults(request, results, device, scoring),
          onImageFailed: (id, failure) => this.markFailed(new Set([id]), failure),
        },
      )
      .then((work) => this.addWork(work))
      .catch((error: unknown) => {
        if (isSuperseded(error)) return;
        if (error instanceof RequestError && error.failure.code === 'backend') {
          if (this.fallBackToWasm(error.failure.detail)) return;
        }
        const detail = error instanceof RequestError ? requestDetail(error) : String(error);
        // Images that got their scores, or failed on their own, keep what they got.
        const unfinished = new Set(
          this.state.images
            .filter((image) => request.ids.has(image.id) && !image.failure && image.result?.key !== request.key)
            .map((image) => image.id),
        );
        this.markFailed(unfinished, { code: 'request-failed', detail });
      })
      .finally(() => {
        if (this.inFlight.delete(request)) this.pump();
      });
  }

  private receiveResults(request: InFlight, results: ImageScores[], device: Device, scoring: Scoring): void {
    if (request.controller.signal.aborted) return;
    const byId = new Map(
      results.map(({ imageId, scores, ms, width, height, notes }) => [
        imageId,
        { key: request.key, scores, ms, device, scoring, width, height, notes } satisfies ImageResult,
      ]),
    );
    this.update({
      images: this.state.images.map((image) => {
        const result = byId.get(image.id);
        return result ? { ...image, result, failure: undefined } : image;
      }),
    });
    const cached = results.filter((r) => r.cached).length;
    this.addWork({ imagesCached: cached, imagesEncoded: results.length - cached });
  }

  private markFailed(ids: Set<string>, failure: ImageFailure): void {
    if (ids.size === 0) return;
    this.update({ images: this.state.images.map((image) => (ids.has(image.id) ? { ...image, failure } : image)) });
  }

  private addWork(more: Partial<EncodeWork> | TextWork): void {
    const total = this.state.work;
    this.update({
      work: {
        textsEncoded: total.textsEncoded + (more.textsEncoded ?? 0),
        textsCached: total.textsCached + (more.textsCached ?? 0),
        imagesEncoded: total.imagesEncoded + ('imagesEncoded' in more ? (more.imagesEncoded ?? 0) : 0),
        imagesCached: total.imagesCached + ('imagesCached' in more ? (more.imagesCached ?? 0) : 0),
      },
    });
  }

  // --- The model store -------------------------------------------------------------------------------

  listModels(signal?: AbortSignal): Promise<StoredModel[]> {
    return this.client.listModels(signal);
  }

  deleteModel(key: string): Promise<void> {
    return this.client.deleteModel(key);
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
    clearTimeout(this.promptTimer);
    this.abortLoad();
    this.abortRequests();
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
