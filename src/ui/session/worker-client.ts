/**
 * The page's side of the worker protocol: one promise per request, replies matched by id, every
 * call cancellable with an AbortSignal. A request that ends without its answer rejects with a
 * RequestError carrying the typed failure (`aborted` for an abort, which callers ignore).
 */
import type { ImageFailure, RequestFailure } from '../../shared/failures.ts';
import {
  PROTOCOL_VERSION,
  type FolderFile,
  type ImageInput,
  type ImageScores,
  type LoadOptions,
  type WorkerReply,
  type WorkerRequest,
} from '../../shared/protocol.ts';
import type {
  FileProgress,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  StoredModel,
  TextWork,
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

interface Pending {
  onReply(reply: WorkerReply): void;
  reject(error: Error): void;
}

export interface LoadCallbacks {
  signal?: AbortSignal;
  onPlan?(files: PlannedFile[]): void;
  onWaiting?(): void;
  onWarmUp?(): void;
  onProgress?(file: FileProgress): void;
}

export interface ClassifyCallbacks {
  signal?: AbortSignal;
  onResults?(results: ImageScores[]): void;
  onImageFailed?(imageId: string, failure: ImageFailure): void;
}

function spawnWorker(): Worker {
  return new Worker(new URL('../../worker/classifier.worker.ts', import.meta.url), {
    type: 'module',
    name: 'classifier',
  });
}

export class ClassifierClient {
  private worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Called when the worker reports that its GPU device was lost. */
  onDeviceLost: (detail: string) => void = () => undefined;

  constructor(private readonly createWorker: () => Worker = spawnWorker) {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'device-lost') this.onDeviceLost(reply.detail);
      else this.pending.get(reply.id)?.onReply(reply);
    });
    worker.addEventListener('error', (event) => {
      this.rejectAll({ code: 'worker-crashed', detail: event.message || 'The classifier stopped unexpectedly.' });
    });
    return worker;
  }

  private rejectAll(failure: RequestFailure): void {
    for (const pending of [...this.pending.values()]) pending.reject(new RequestError(failure));
    this.pending.clear();
  }

  /**
   * Replaces the worker with a fresh one: after a WebGPU failure transformers.js' state in the old
   * worker is poisoned. Pending requests end as `restarted`.
   */
  restart(): void {
    this.worker.terminate();
    this.rejectAll({ code: 'restarted' });
    this.worker = this.start();
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
      };
      const onAbort = () => {
        settle();
        this.worker.postMessage({ type: 'cancel', id: this.nextId++, target: id } satisfies WorkerRequest);
        reject(new RequestError({ code: 'aborted' }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
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
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  load(
    options: LoadOptions,
    { signal, onPlan, onWaiting, onWarmUp, onProgress }: LoadCallbacks = {},
  ): Promise<ModelInfo> {
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

  classify(
    images: ImageInput[],
    labels: string[],
    templates: string[],
    scoring: Scoring,
    { signal, onResults, onImageFailed }: ClassifyCallbacks = {},
  ): Promise<TextWork> {
    const request = { type: 'classify', images, labels, templates, scoring } as const;
    return this.request<TextWork>(request, signal, (reply, resolve) => {
      if (reply.type === 'results') onResults?.(reply.results);
      else if (reply.type === 'image-failed') onImageFailed?.(reply.imageId, reply.failure);
      else if (reply.type === 'done') resolve(reply.work);
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
    this.worker.terminate();
    this.pending.clear();
  }
}
