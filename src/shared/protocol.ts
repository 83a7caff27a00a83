/**
 * The one message protocol between the UI and the classifier worker.
 * Requests and replies are discriminated unions on `type`; `id` matches replies to requests.
 */

/** Bumped whenever a message changes shape: a cached worker bundle can outlive an app update. */
export const PROTOCOL_VERSION = 4;

export type Device = 'wasm' | 'webgpu';
/** `softmax`: pick one label (scores sum to 1); `sigmoid`: any that apply (each label on its own). */
export type Scoring = 'softmax' | 'sigmoid';
export type Dtype = 'fp32' | 'fp16' | 'q8';

/** Where a model comes from: `{host}/{modelId}/resolve/main/{file}`. */
export interface ModelSource {
  modelId: string;
  /** Absolute URL of the host, ending without a slash (e.g. `https://huggingface.co`). */
  host: string;
}

/**
 * Failures the worker can be asked to cause on WebGPU (`?simulate=` in the page URL), to try the
 * WASM fallback on a machine whose GPU works: an error while creating the sessions, an error from
 * an inference, or a real loss of the GPU device (it is destroyed) after the model is ready.
 */
export type SimulatedFailure = 'session-error' | 'run-error' | 'device-lost';
export const SIMULATED_FAILURES: readonly SimulatedFailure[] = ['session-error', 'run-error', 'device-lost'];

export interface LoadOptions {
  source: ModelSource;
  device: Device;
  /** Precisions to try, best first: the first one whose files the model has (or the store holds) is used. */
  dtypes: Dtype[];
  /** Whether the page could open the model store; without it the model runs uncached. */
  storage: boolean;
  /** WASM threads; null lets the worker choose from the core count. */
  threads: number | null;
  simulate: SimulatedFailure | null;
}

/** Something about storing the model that the person should know; the model itself loaded. */
export type StorageNotice =
  | { kind: 'unavailable' }
  | { kind: 'quota' }
  | { kind: 'store-failed'; message: string }
  | { kind: 'repaired'; files: string[] };

export interface ModelInfo {
  modelId: string;
  device: Device;
  /** The precision chosen from `LoadOptions.dtypes`. */
  dtype: Dtype;
  /** Separate text and vision models, or the joint model when the repository has only that. */
  layout: 'split' | 'joint';
  /** Threads ONNX Runtime's WASM backend runs on. */
  threads: number;
  /** How the model's own scores are meant: one distribution over the labels, or independent per label. */
  scoring: Scoring;
  notices: StorageNotice[];
  /** From the load request to sessions created (files read, checked, compiled), then the warm-up run. */
  timings: { loadMs: number; warmUpMs: number };
}

/** A file of the model about to load: its size, and whether it is already stored. */
export interface PlannedFile {
  file: string;
  /** Bytes; 0 when the host did not say. */
  size: number;
  stored: boolean;
}

/** What the model store keeps about one file, beside its bytes. */
export interface StoredFileMeta {
  url: string;
  /** `{host}|{modelId}`: files of one model, whatever their precision. */
  modelKey: string;
  modelId: string;
  host: string;
  /** Path inside the repository, e.g. `onnx/vision_model_quantized.onnx`. */
  path: string;
  size: number;
  contentType: string;
  etag: string | null;
  /** Hex SHA-256 of the bytes, checked whenever the file is loaded. */
  sha256: string;
  storedAt: number;
  lastUsed: number;
}

/** The worker asks the page, which owns IndexedDB, to read or write the model store. */
export type StoreCall =
  { op: 'get'; url: string } | { op: 'put'; meta: StoredFileMeta; blob: Blob } | { op: 'delete'; url: string };

export type StoreAnswer =
  { ok: true; file?: { meta: StoredFileMeta; blob: Blob } } | { ok: false; error: SerializedError };

/** What a failed download can tell the page (as JSON in the error's message), which words it. */
export interface DownloadFailure {
  file: string;
  /** `lost`: the connection broke; `short`: the body ended before its declared length. */
  kind: 'lost' | 'short';
  received: number;
  expected: number | null;
}

/** One file's download progress, as transformers.js reports it. */
export interface FileProgress {
  file: string;
  loaded: number;
  /** 0 when the size is not known yet. */
  total: number;
  done: boolean;
}

/** What was encoded, and what was found in the embedding caches instead. */
export interface EncodeWork {
  textsEncoded: number;
  textsCached: number;
  imagesEncoded: number;
  imagesCached: number;
}

/** The text side of a classify request (the images are counted as their results arrive). */
export type TextWork = Pick<EncodeWork, 'textsEncoded' | 'textsCached'>;

/** One image's ranked labels. `cached`: its embedding came from the cache, not a vision pass. */
export interface ImageScores {
  imageId: string;
  scores: LabelScore[];
  /** Time spent on this image (decoding and its share of the batched vision pass). */
  ms: number;
  cached: boolean;
  /** The image as shown (after EXIF rotation), before any downscaling. */
  width: number;
  height: number;
  /** How the image was read, when worth saying (first frame of an animation, downscaled). */
  notes: string[];
}

export interface LabelScore {
  label: string;
  score: number;
}

export interface ImageInput {
  imageId: string;
  name: string;
  blob: Blob;
}

export interface SerializedError {
  name: string;
  message: string;
}

export type WorkerRequest =
  | { type: 'load'; id: number; protocolVersion: number; options: LoadOptions }
  | {
      type: 'classify';
      id: number;
      images: ImageInput[];
      labels: string[];
      /** One template, or several whose text embeddings are averaged (a prompt ensemble). */
      templates: string[];
      scoring: Scoring;
    }
  /** Stops request `target` cooperatively; its promise settles with an AbortError. */
  | { type: 'cancel'; id: number; target: number }
  /** The page's answer to the worker's `store-call` with the same id. */
  | { type: 'store-answer'; id: number; answer: StoreAnswer };

export type WorkerReply =
  /** The files a load needs, sent before any download starts. */
  | { type: 'plan'; id: number; files: PlannedFile[] }
  /** Another tab is loading the same model; this one waits, then reads it from the store. */
  | { type: 'waiting'; id: number }
  /** The files are in; one warm-up run prepares the model (on WebGPU it compiles the shaders). */
  | { type: 'warming-up'; id: number }
  | { type: 'progress'; id: number; file: FileProgress }
  | { type: 'loaded'; id: number; info: ModelInfo }
  /** Scores of some of the request's images (a batch at a time: one message, one render). */
  | { type: 'results'; id: number; results: ImageScores[] }
  | { type: 'image-error'; id: number; imageId: string; error: SerializedError }
  | { type: 'done'; id: number; work: TextWork }
  | { type: 'error'; id: number; error: SerializedError }
  /** Not a reply: the worker's own request to the page (ids are the worker's, not the page's). */
  | { type: 'store-call'; id: number; call: StoreCall }
  /** Not a reply: the GPU device was lost; the worker's WebGPU state is gone (id is 0). */
  | { type: 'device-lost'; id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an error on the receiving side, keeping its name (e.g. `AbortError`). */
export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

export function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
