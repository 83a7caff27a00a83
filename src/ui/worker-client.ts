/**
 * The UI's side of the worker protocol: one promise per request, replies matched by id, every call
 * cancellable with an AbortSignal (an abort rejects with an AbortError, which callers ignore).
 */
import {
  PROTOCOL_VERSION,
  abortError,
  deserializeError,
  type FileProgress,
  type ImageInput,
  type ImageScores,
  type LoadOptions,
  type ModelInfo,
  type PlannedFile,
  type Scoring,
  type SerializedError,
  type StoreAnswer,
  type StoreCall,
  type TextWork,
  type WorkerReply,
  type WorkerRequest,
} from '../shared/protocol.ts';

/** Carries out the worker's model-store calls (the page owns IndexedDB). */
export type StoreHandler = (call: StoreCall) => Promise<StoreAnswer>;

const NO_STORE: StoreHandler = async () => ({
  ok: false,
  error: { name: 'StorageUnavailable', message: 'The model store is not open.' },
});

type Reply = WorkerReply;
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  onReply(reply: Reply): void;
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
  onImageError?(imageId: string, error: SerializedError): void;
}

function spawnWorker(): Worker {
  return new Worker(new URL('../worker/classifier.worker.ts', import.meta.url), {
    type: 'module',
    name: 'classifier',
  });
}

export class ClassifierClient {
  private worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private storeHandler: StoreHandler = NO_STORE;
  private deviceLostHandler: (error: Error) => void = () => undefined;

  constructor(private readonly createWorker: () => Worker = spawnWorker) {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.createWorker();
    worker.addEventListener('message', (event: MessageEvent<Reply>) => {
      const reply = event.data;
      if (reply.type === 'store-call') {
        void this.storeHandler(reply.call).then((answer) =>
          worker.postMessage({ type: 'store-answer', id: reply.id, answer } satisfies WorkerRequest),
        );
      } else if (reply.type === 'device-lost') {
        this.deviceLostHandler(deserializeError(reply.error));
      } else {
        this.pending.get(reply.id)?.onReply(reply);
      }
    });
    worker.addEventListener('error', (event) => {
      const error = new Error(event.message || 'The classifier stopped unexpectedly.');
      error.name = 'WorkerCrashed';
      this.rejectAll(error);
    });
    return worker;
  }

  private rejectAll(error: Error): void {
    for (const pending of [...this.pending.values()]) pending.reject(error);
    this.pending.clear();
  }

  /**
   * Replaces the worker with a fresh one: after a WebGPU failure transformers.js' state in the old
   * worker is poisoned. Pending requests end with a `WorkerRestarted` error.
   */
  restart(): void {
    this.worker.terminate();
    const error = new Error('The classifier was restarted.');
    error.name = 'WorkerRestarted';
    this.rejectAll(error);
    this.worker = this.start();
  }

  /** Called when the worker reports that its GPU device was lost. */
  setDeviceLostHandler(handler: ((error: Error) => void) | null): void {
    this.deviceLostHandler = handler ?? (() => undefined);
  }

  setStoreHandler(handler: StoreHandler | null): void {
    this.storeHandler = handler ?? NO_STORE;
  }

  private request<T>(
    body: RequestBody,
    signal: AbortSignal | undefined,
    onReply: (reply: Reply, resolve: (value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
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
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        onReply: (reply) => {
          if (reply.type === 'error') {
            settle();
            reject(deserializeError(reply.error));
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
    { signal, onResults, onImageError }: ClassifyCallbacks = {},
  ): Promise<TextWork> {
    const request = { type: 'classify', images, labels, templates, scoring } as const;
    return this.request<TextWork>(request, signal, (reply, resolve) => {
      if (reply.type === 'results') onResults?.(reply.results);
      else if (reply.type === 'image-error') onImageError?.(reply.imageId, reply.error);
      else if (reply.type === 'done') resolve(reply.work);
    });
  }

  dispose(): void {
    this.worker.terminate();
    this.pending.clear();
  }
}
