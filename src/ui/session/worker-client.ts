/**
 * The page's side of the worker protocol: one promise per request, replies matched by id, every
 * call cancellable with an AbortSignal. A request that ends without its answer rejects with a
 * RequestError carrying the typed failure (`aborted` for an abort, which callers ignore).
 */
import { runtimeBuildFor, type RuntimeBuild } from '../../shared/backend.ts';
import type { RestoreOutcome } from '../../shared/backup.ts';
import type { ImageFailure, RequestFailure } from '../../shared/failures.ts';
import { markReplyArrived } from '../platform/bench-marks.ts';
import { Heartbeat, type HeartbeatClock } from './heartbeat.ts';
import type { LibraryFolder, LibraryImage, LibraryProblem, NewImage } from '../../shared/library.ts';
import type { LibraryWriteFailure, TrashedImage } from '../../shared/trash.ts';
import {
  PROTOCOL_VERSION,
  type FolderFile,
  type Correction,
  type DeviceTestRow,
  type HeatMap,
  type LibraryState,
  type LoadOptions,
  type ScoreRows,
  type SearchHits,
  type SearchQuery,
  type WorkerReply,
  type WorkerRequest,
} from '../../shared/protocol.ts';
import type {
  EncodeWork,
  FileProgress,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  StorageNotice,
  StoredModel,
} from '../../shared/types.ts';

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(readonly failure: RequestFailure) {
    super(failure.code);
  }
}

/** Whether a request was stopped on purpose (aborted, or its worker replaced), not failed. */
export function isSuperseded(error: unknown): boolean {
  return error instanceof RequestError && (error.failure.code === 'aborted' || error.failure.code === 'restarted');
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface AwaitedReply {
  onReply(reply: WorkerReply): void;
  reject(error: Error): void;
  /** The request as sent, for sending again to a fresh worker (library and store requests). */
  message: WorkerRequest;
}

/** Requests that a fresh worker can simply answer again: they do not depend on the model the old one held. */
const RESENT_AFTER_RESTART: ReadonlySet<WorkerRequest['type']> = new Set([
  'open-library',
  'add-images',
  'add-folder',
  'rescan-folder',
  'remove-images',
  'clear-library',
  'restore-images',
  'list-trash',
  'empty-trash',
  'thumbnails',
  'library-size',
  'list-models',
  'delete-model',
  'import-model',
  'correct',
  'forget-corrections',
  'file',
]);

export interface LoadCallbacks {
  signal?: AbortSignal;
  onPlan?(files: PlannedFile[]): void;
  onWaiting?(): void;
  onWarmUp?(): void;
  onProgress?(file: FileProgress): void;
}

export interface ClassifyCallbacks {
  signal?: AbortSignal;
  onScores?(rows: ScoreRows): void;
  onImagesUpdated?(images: LibraryImage[], removed: string[]): void;
  onImageFailed?(imageId: string, failure: ImageFailure): void;
}

/** Another tab changed the library (see the 'library-changed' reply). */
export type LibraryChanged = Omit<Extract<WorkerReply, { type: 'library-changed' }>, 'type' | 'id'>;

export interface Added {
  images: LibraryImage[];
  folder: LibraryFolder | null;
  problem: LibraryProblem | null;
}

/** A worker that died (an `error` or `messageerror`), or hung (a cancel or a ping left unanswered). */
export interface WorkerTrouble {
  kind: 'crashed' | 'hung';
  detail: string;
  /** Troubles came too often: no fresh worker was started, and pending requests failed as `worker-crashed`. */
  gaveUp: boolean;
}

/** How long a cancel may go unanswered before the worker counts as hung. */
export const CANCEL_ANSWER_MS = 5000;
/** More troubles than this within TROUBLE_WINDOW_MS, and no fresh worker is started: it would fail again. */
const MAX_TROUBLES = 3;
const TROUBLE_WINDOW_MS = 60_000;

export interface ClientOptions {
  cancelAnswerMs?: number;
  now?(): number;
  /** The heartbeat's clock and timers (tests inject their own). */
  heartbeatClock?: HeartbeatClock;
}

function spawnWorker(): Worker {
  return new Worker(new URL('../../worker/classifier.worker.ts', import.meta.url), {
    type: 'module',
    name: 'classifier',
  });
}

export class ClassifierClient {
  private worker: Worker;
  private readonly pending = new Map<number, AwaitedReply>();
  private nextId = 1;
  /** Cancels sent and not answered yet, each with the timer that declares the worker hung. */
  private readonly unanswered = new Map<number, ReturnType<typeof setTimeout>>();
  private troubles: number[] = [];
  /** The ONNX Runtime build the current worker was asked to load with (null: none yet). */
  private workerBuild: RuntimeBuild | null = null;
  /** Called when the worker reports that its GPU device was lost. */
  onDeviceLost: (detail: string) => void = () => undefined;
  /**
   * Called after the worker died or hung and was replaced (library and store requests were sent
   * to the fresh one; loads and classifications ended as `restarted`, for the caller to ask again).
   * Without it, pending requests fail as `worker-crashed`.
   */
  onTrouble: ((trouble: WorkerTrouble) => void) | null = null;
  /** Called when the ready model's storage notices change (a stored file repaired after it was ready). */
  onNotices: (notices: StorageNotice[]) => void = () => undefined;
  /** Pings the worker while it has work: a hang is noticed without waiting for a cancel. */
  private readonly heartbeat: Heartbeat;
  /** Called at once when a library write failed in the worker (what was not kept). */
  onWriteFailed: (failure: LibraryWriteFailure) => void = () => undefined;
  /** Called when another tab changed the library (its worker told this one's). */
  onLibraryChanged: (change: LibraryChanged) => void = () => undefined;

  constructor(
    private readonly createWorker: () => Worker = spawnWorker,
    private readonly options: ClientOptions = {},
  ) {
    this.heartbeat = new Heartbeat(
      () => this.worker.postMessage({ type: 'ping', id: this.nextId++ } satisfies WorkerRequest),
      (ms) => this.trouble('hung', `no answer to a ping for ${Math.round(ms / 1000)} s`),
      options.heartbeatClock,
    );
    this.worker = this.start();
  }

  /** Watches the worker while requests are pending, and only then. */
  private watch(): void {
    if (this.pending.size > 0) this.heartbeat.start();
    else this.heartbeat.stop();
  }

  private start(): Worker {
    this.workerBuild = null;
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
      if (worker !== this.worker) return;
      const reply = event.data;
      if (reply.type === 'scores' || reply.type === 'search-results') markReplyArrived(reply.type);
      if (reply.type === 'device-lost') this.onDeviceLost(reply.detail);
      else if (reply.type === 'cancelled') this.answered(reply.id);
      else if (reply.type === 'pong') this.heartbeat.answered();
      else if (reply.type === 'notices') this.onNotices(reply.notices);
      else if (reply.type === 'library-write-failed') this.onWriteFailed(reply.failure);
      else if (reply.type === 'library-changed') {
        const { images, removed, folders, corrections } = reply;
        this.onLibraryChanged({ images, removed, folders, corrections });
      } else this.pending.get(reply.id)?.onReply(reply);
    });
    worker.addEventListener('error', (event) => {
      if (worker !== this.worker) return;
      // An uncaught error may leave the worker's state half-changed: it is replaced, never trusted again.
      event.preventDefault?.();
      this.trouble('crashed', event.message || 'the classifier stopped unexpectedly');
    });
    worker.addEventListener('messageerror', () => {
      if (worker !== this.worker) return;
      this.trouble('crashed', 'a message from the classifier could not be read');
    });
    return worker;
  }

  private answered(cancelId: number): void {
    clearTimeout(this.unanswered.get(cancelId));
    this.unanswered.delete(cancelId);
  }

  private sendCancel(target: number): void {
    const id = this.nextId++;
    this.worker.postMessage({ type: 'cancel', id, target } satisfies WorkerRequest);
    // A live worker answers a cancel at once, even mid-classification; one that does not is stuck.
    const ms = this.options.cancelAnswerMs ?? CANCEL_ANSWER_MS;
    this.unanswered.set(
      id,
      setTimeout(() => {
        this.unanswered.delete(id);
        this.trouble('hung', `no answer to a cancel within ${Math.round(ms / 1000)} s`);
      }, ms),
    );
  }

  /** The worker died or hung: a fresh one takes over, unless that keeps happening. */
  private trouble(kind: WorkerTrouble['kind'], detail: string): void {
    const now = this.options.now?.() ?? Date.now();
    this.troubles = [...this.troubles.filter((t) => now - t < TROUBLE_WINDOW_MS), now];
    const gaveUp = this.troubles.length > MAX_TROUBLES;
    if (gaveUp || !this.onTrouble) {
      this.clearUnanswered();
      this.rejectAll({ code: 'worker-crashed', detail });
      if (!gaveUp) this.replaceWorker();
    } else {
      this.restart();
    }
    this.onTrouble?.({ kind, detail, gaveUp });
  }

  private clearUnanswered(): void {
    for (const timer of this.unanswered.values()) clearTimeout(timer);
    this.unanswered.clear();
  }

  private replaceWorker(): void {
    this.worker.terminate();
    this.heartbeat.reset();
    this.worker = this.start();
    this.watch();
  }

  /** Test builds only: the worker is terminated as if it had crashed (see main.tsx). */
  crashForTest(): void {
    this.worker.terminate();
    this.trouble('crashed', 'the classifier was terminated by a test');
  }

  private rejectAll(failure: RequestFailure): void {
    for (const pending of [...this.pending.values()]) pending.reject(new RequestError(failure));
    this.pending.clear();
    this.watch();
  }

  /**
   * Replaces the worker with a fresh one: after a WebGPU failure transformers.js' state in the old
   * worker is poisoned. Pending requests end as `restarted`.
   */
  restart(): void {
    this.clearUnanswered();
    this.worker.terminate();
    const resent = [...this.pending.values()].filter((pending) => RESENT_AFTER_RESTART.has(pending.message.type));
    for (const [id, pending] of [...this.pending]) {
      if (resent.includes(pending)) continue;
      this.pending.delete(id);
      pending.reject(new RequestError({ code: 'restarted' }));
    }
    this.heartbeat.reset();
    this.worker = this.start();
    // Library and store requests go on in the fresh worker: an image added just before a restart is not lost.
    for (const pending of resent) this.worker.postMessage(pending.message);
    this.watch();
  }

  private request<T>(
    body: RequestBody,
    signal: AbortSignal | undefined,
    onReply: (reply: WorkerReply, resolve: (value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RequestError({ code: 'aborted' }));
        return;
      }
      const id = this.nextId++;
      const settle = () => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        this.watch();
      };
      const onAbort = () => {
        settle();
        this.sendCancel(id);
        reject(new RequestError({ code: 'aborted' }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const message = { ...body, id } as WorkerRequest;
      this.pending.set(id, {
        message,
        onReply: (reply) => {
          if (reply.type === 'failed') {
            settle();
            reject(new RequestError(reply.failure));
            return;
          }
          onReply(reply, (value) => {
            settle();
            resolve(value);
          });
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.worker.postMessage(message);
      this.watch();
    });
  }

  load(
    options: LoadOptions,
    { signal, onPlan, onWaiting, onWarmUp, onProgress }: LoadCallbacks = {},
  ): Promise<ModelInfo> {
    // A worker runs one ONNX Runtime build for good: a backend that needs the other one gets a fresh worker.
    const build = runtimeBuildFor(options.device);
    if (this.workerBuild !== null && this.workerBuild !== build) this.restart();
    this.workerBuild = build;
    return this.request<ModelInfo>(
      { type: 'load', protocolVersion: PROTOCOL_VERSION, options },
      signal,
      (reply, resolve) => {
        if (reply.type === 'plan') onPlan?.(reply.files);
        else if (reply.type === 'waiting') onWaiting?.();
        else if (reply.type === 'warming-up') onWarmUp?.();
        else if (reply.type === 'progress') onProgress?.(reply.file);
        else if (reply.type === 'loaded') resolve(reply.info);
      },
    );
  }

  /** Scores of the whole library for these labels; stored ones at once, then a batch at a time. */
  classify(
    labels: string[],
    templates: string[],
    scoring: Scoring,
    { signal, onScores, onImagesUpdated, onImageFailed }: ClassifyCallbacks = {},
  ): Promise<EncodeWork> {
    const request = { type: 'classify', labels, templates, scoring } as const;
    return this.request<EncodeWork>(request, signal, (reply, resolve) => {
      if (reply.type === 'scores') onScores?.(reply.rows);
      else if (reply.type === 'images-updated') onImagesUpdated?.(reply.images, reply.removed);
      else if (reply.type === 'image-failed') onImageFailed?.(reply.imageId, reply.failure);
      else if (reply.type === 'done') resolve(reply.work);
    });
  }

  openLibrary(signal?: AbortSignal): Promise<LibraryState> {
    return this.request<LibraryState>({ type: 'open-library' }, signal, (reply, resolve) => {
      if (reply.type === 'library') resolve(reply.library);
    });
  }

  addImages(images: NewImage[], signal?: AbortSignal): Promise<Added> {
    return this.request<Added>({ type: 'add-images', images }, signal, (reply, resolve) => {
      if (reply.type === 'added') resolve({ images: reply.images, folder: reply.folder, problem: reply.problem });
    });
  }

  addFolder(handle: FileSystemDirectoryHandle, signal?: AbortSignal): Promise<Added> {
    return this.request<Added>({ type: 'add-folder', handle }, signal, (reply, resolve) => {
      if (reply.type === 'added') resolve({ images: reply.images, folder: reply.folder, problem: reply.problem });
    });
  }

  rescanFolder(
    folderId: string,
    signal?: AbortSignal,
  ): Promise<{ added: LibraryImage[]; removed: string[]; moved: LibraryImage[]; folder: LibraryFolder }> {
    return this.request({ type: 'rescan-folder', folderId }, signal, (reply, resolve) => {
      if (reply.type === 'rescanned') {
        resolve({ added: reply.added, removed: reply.removed, moved: reply.moved, folder: reply.folder });
      }
    });
  }

  /** Moves images to the trash; resolves with those moved. */
  removeImages(ids: string[]): Promise<string[]> {
    return this.request<string[]>({ type: 'remove-images', ids }, undefined, (reply, resolve) => {
      if (reply.type === 'removed') resolve(reply.ids);
    });
  }

  /** dupes: the library's duplicate groups (image ids) at a cosine cutoff. */
  findDuplicates(cutoff: number, signal?: AbortSignal): Promise<string[][]> {
    return this.request<string[][]>({ type: 'find-duplicates', cutoff }, signal, (reply, resolve) => {
      if (reply.type === 'duplicates') resolve(reply.groups);
    });
  }

  /** Moves every image to the trash; resolves with those moved. */
  clearLibrary(): Promise<string[]> {
    return this.request<string[]>({ type: 'clear-library' }, undefined, (reply, resolve) => {
      if (reply.type === 'removed') resolve(reply.ids);
    });
  }

  restoreImages(ids: string[]): Promise<LibraryImage[]> {
    return this.request<LibraryImage[]>({ type: 'restore-images', ids }, undefined, (reply, resolve) => {
      if (reply.type === 'restored') resolve(reply.images);
    });
  }

  listTrash(signal?: AbortSignal): Promise<TrashedImage[]> {
    return this.request<TrashedImage[]>({ type: 'list-trash' }, signal, (reply, resolve) => {
      if (reply.type === 'trash') resolve(reply.items);
    });
  }

  /** Deletes trashed images for good (null: all); resolves with the trash that is left. */
  emptyTrash(ids: string[] | null): Promise<TrashedImage[]> {
    return this.request<TrashedImage[]>({ type: 'empty-trash', ids }, undefined, (reply, resolve) => {
      if (reply.type === 'trash') resolve(reply.items);
    });
  }

  thumbnails(ids: string[]): Promise<{ id: string; blob: Blob | null }[]> {
    return this.request({ type: 'thumbnails', ids }, undefined, (reply, resolve) => {
      if (reply.type === 'thumbnails') resolve(reply.thumbnails);
    });
  }

  /** Encodes (and stores) labels' texts ahead of a classify that will need them. */
  prepareLabels(labels: string[], templates: string[], signal?: AbortSignal): Promise<undefined> {
    return this.request<undefined>({ type: 'prepare-labels', labels, templates }, signal, (reply, resolve) => {
      if (reply.type === 'prepared') resolve(undefined);
    });
  }

  search(query: SearchQuery, signal?: AbortSignal): Promise<SearchHits> {
    return this.request<SearchHits>({ type: 'search', query }, signal, (reply, resolve) => {
      if (reply.type === 'search-results') resolve(reply.hits);
    });
  }

  /** Makes a picture an example of `label` (null: undoes it); resolves with every correction. */
  correct(imageId: string, label: string | null): Promise<Correction[]> {
    return this.request<Correction[]>({ type: 'correct', imageId, label }, undefined, (reply, resolve) => {
      if (reply.type === 'corrections') resolve(reply.corrections);
    });
  }

  forgetCorrections(): Promise<Correction[]> {
    return this.request<Correction[]>({ type: 'forget-corrections' }, undefined, (reply, resolve) => {
      if (reply.type === 'corrections') resolve(reply.corrections);
    });
  }

  heatMap(
    imageId: string,
    label: string,
    templates: string[],
    { signal, onProgress }: { signal?: AbortSignal; onProgress?(done: number, total: number): void } = {},
  ): Promise<HeatMap> {
    return this.request<HeatMap>({ type: 'heat-map', imageId, label, templates }, signal, (reply, resolve) => {
      if (reply.type === 'heat-map-progress') onProgress?.(reply.done, reply.total);
      else if (reply.type === 'heat-map') resolve(reply.map);
    });
  }

  /** An image's file as the library has it: the original, or the kept copy. */
  file(imageId: string, signal?: AbortSignal): Promise<{ file: Blob | null; kind: 'original' | 'copy' | null }> {
    return this.request({ type: 'file', imageId }, signal, (reply, resolve) => {
      if (reply.type === 'file') resolve({ file: reply.file, kind: reply.kind });
    });
  }

  /** `Test this device`: speed on the loaded model, one row per backend this browser has. */
  deviceTest(signal?: AbortSignal): Promise<DeviceTestRow[]> {
    return this.request<DeviceTestRow[]>({ type: 'device-test' }, signal, (reply, resolve) => {
      if (reply.type === 'device-test') resolve(reply.rows);
    });
  }

  librarySize(signal?: AbortSignal): Promise<number> {
    return this.request<number>({ type: 'library-size' }, signal, (reply, resolve) => {
      if (reply.type === 'library-size') resolve(reply.bytes);
    });
  }

  /** The library as a backup ZIP, streamed from the worker as it is read. */
  exportLibrary(includeFiles: boolean, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    return this.request({ type: 'export-library', includeFiles }, signal, (reply, resolve) => {
      if (reply.type === 'library-export') resolve(reply.stream);
    });
  }

  /** Restores a backup ZIP; resolves with what it added and the library as it now is. */
  importLibrary(file: Blob, signal?: AbortSignal): Promise<{ outcome: RestoreOutcome; library: LibraryState }> {
    return this.request({ type: 'import-library', file }, signal, (reply, resolve) => {
      if (reply.type === 'library-imported') resolve({ outcome: reply.outcome, library: reply.library });
    });
  }

  listModels(signal?: AbortSignal): Promise<StoredModel[]> {
    return this.request<StoredModel[]>({ type: 'list-models' }, signal, (reply, resolve) => {
      if (reply.type === 'models') resolve(reply.models);
    });
  }

  deleteModel(modelKey: string, signal?: AbortSignal): Promise<void> {
    return this.request<undefined>({ type: 'delete-model', modelKey }, signal, (reply, resolve) => {
      if (reply.type === 'deleted') resolve(undefined);
    });
  }

  /** Imports a model folder as `imported/{folder}` on `origin`'s local-models host. */
  importModel(
    folder: string,
    files: FolderFile[],
    origin: string,
    signal?: AbortSignal,
  ): Promise<{ source: ModelSource; files: number; bytes: number }> {
    const request = { type: 'import-model', folder, files, origin } as const;
    return this.request(request, signal, (reply, resolve) => {
      if (reply.type === 'imported') resolve({ source: reply.source, files: reply.files, bytes: reply.bytes });
    });
  }

  dispose(): void {
    this.heartbeat.stop();
    this.clearUnanswered();
    this.worker.terminate();
    this.pending.clear();
  }
}
