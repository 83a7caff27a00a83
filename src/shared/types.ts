/** Domain types shared by the page and the worker (the messages that carry them are in `protocol.ts`). */

export type Device = 'wasm' | 'webgpu';
/** `softmax`: pick one label (scores sum to 1); `sigmoid`: any that apply (each label on its own). */
export type Scoring = 'softmax' | 'sigmoid';
export type Dtype = 'fp32' | 'fp16' | 'q8';

/** Where a model comes from: `{host}/{modelId}/resolve/{revision}/{file}` (see revision.ts). */
export interface ModelSource {
  modelId: string;
  /** Absolute URL of the host, ending without a slash (e.g. `https://huggingface.co`). */
  host: string;
}

/**
 * Failures the worker can be asked to cause on WebGPU (`?simulate=` in the page URL), to try the
 * WASM fallback on a machine whose GPU works: an error while creating the sessions, an error from
 * an inference, a real loss of the GPU device (it is destroyed) after the model is ready, or a
 * wrong CPU reference for the warm-up self-check (as a GPU that computes wrongly would look).
 */
export type SimulatedFailure = 'session-error' | 'run-error' | 'device-lost' | 'wrong-probe';
export const SIMULATED_FAILURES: readonly SimulatedFailure[] = [
  'session-error',
  'run-error',
  'device-lost',
  'wrong-probe',
];

/** Something about storing the model that the person should know; the model itself loaded. */
export type StorageNotice =
  | { kind: 'unavailable' }
  | { kind: 'quota' }
  | { kind: 'store-failed'; message: string }
  | { kind: 'repaired'; files: string[] };

export interface ModelInfo {
  modelId: string;
  device: Device;
  /** The precision chosen from the precisions asked for. */
  dtype: Dtype;
  /** Separate text and vision models, or the joint model when the repository has only that. */
  layout: 'split' | 'joint';
  /** Threads ONNX Runtime's WASM backend runs on. */
  threads: number;
  /** How the model's own scores are meant: one distribution over the labels, or independent per label. */
  scoring: Scoring;
  /** The languages its text tower was trained on (labels in others are unknown words to it). */
  languages: ('en' | 'zh')[];
  notices: StorageNotice[];
  /** From the load request to sessions created (files read, checked, compiled), then the warm-up run. */
  timings: { loadMs: number; warmUpMs: number };
}

/** A file of the model about to load: its size, and whether it is already stored. */
export interface PlannedFile {
  file: string;
  /** Bytes; null when the host did not say (the download is then capped). */
  size: number | null;
  stored: boolean;
}

/** One file's download progress, as transformers.js reports it. */
export interface FileProgress {
  file: string;
  loaded: number;
  /** 0 when the size is not known yet. */
  total: number;
  done: boolean;
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

/** One stored model, as the storage panel lists it. */
export interface StoredModel {
  modelKey: string;
  modelId: string;
  host: string;
  size: number;
  files: number;
  lastUsed: number;
}

/** The key that groups a model's stored files, whatever their precision. */
export function modelKey({ host, modelId }: ModelSource): string {
  return `${host}|${modelId}`;
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

export interface LabelScore {
  label: string;
  score: number;
}
