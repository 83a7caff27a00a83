/**
 * The one message protocol between the UI and the classifier worker.
 * Requests and replies are discriminated unions on `type`; `id` matches replies to requests.
 */

/** Bumped whenever a message changes shape: a cached worker bundle can outlive an app update. */
export const PROTOCOL_VERSION = 1;

export type Device = 'wasm' | 'webgpu';
export type Dtype = 'fp32' | 'fp16' | 'q8';

/** Where a model comes from: `{host}/{modelId}/resolve/main/{file}`. */
export interface ModelSource {
  modelId: string;
  /** Absolute URL of the host, ending without a slash (e.g. `https://huggingface.co`). */
  host: string;
}

export interface LoadOptions {
  source: ModelSource;
  device: Device;
  dtype: Dtype;
}

export interface ModelInfo {
  modelId: string;
  device: Device;
  dtype: Dtype;
  /** Threads ONNX Runtime's WASM backend runs on. */
  threads: number;
  /** How scores are turned into probabilities: one distribution, or independent per label. */
  scoring: 'softmax' | 'sigmoid';
}

/** One file's download progress, as transformers.js reports it. */
export interface FileProgress {
  file: string;
  loaded: number;
  /** 0 when the size is not known yet. */
  total: number;
  done: boolean;
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
  | { type: 'classify'; id: number; images: ImageInput[]; labels: string[]; template: string }
  /** Stops request `target` cooperatively; its promise settles with an AbortError. */
  | { type: 'cancel'; id: number; target: number };

export type WorkerReply =
  | { type: 'progress'; id: number; file: FileProgress }
  | { type: 'loaded'; id: number; info: ModelInfo }
  | { type: 'result'; id: number; imageId: string; scores: LabelScore[]; ms: number }
  | { type: 'image-error'; id: number; imageId: string; error: SerializedError }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: SerializedError };

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
