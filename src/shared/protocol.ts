/**
 * The one message protocol between the page and the classifier worker. Requests go from the page
 * to the worker, replies and events come back; nothing goes the other way. Both are discriminated
 * unions on `type`; `id` matches replies to requests.
 */
import type { ImageFailure, ImageNote, RequestFailure } from './failures.ts';
import type {
  Device,
  Dtype,
  FileProgress,
  LabelScore,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  SimulatedFailure,
  StoredModel,
  TextWork,
} from './types.ts';

/** Bumped whenever a message changes shape: a cached worker bundle can outlive an app update. */
export const PROTOCOL_VERSION = 5;

export interface LoadOptions {
  source: ModelSource;
  device: Device;
  /** Precisions to try, best first: the first one whose files the model has (or the store holds) is used. */
  dtypes: Dtype[];
  /** WASM threads; null lets the worker choose from the core count. */
  threads: number | null;
  simulate: SimulatedFailure | null;
}

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
  notes: ImageNote[];
}

export interface ImageInput {
  imageId: string;
  name: string;
  blob: Blob;
}

/** A file of a model folder picked from disk, with its path inside the folder (`onnx/model.onnx`). */
export interface FolderFile {
  path: string;
  file: Blob;
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
  /** Stops request `target` cooperatively; it then fails as `aborted`. */
  | { type: 'cancel'; id: number; target: number }
  /** The models in the worker's model store. */
  | { type: 'list-models'; id: number }
  | { type: 'delete-model'; id: number; modelKey: string }
  /** Copies a model folder from disk into the model store, as `imported/{folder}` on this origin's local host. */
  | { type: 'import-model'; id: number; folder: string; files: FolderFile[]; origin: string };

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
  | { type: 'image-failed'; id: number; imageId: string; failure: ImageFailure }
  | { type: 'done'; id: number; work: TextWork }
  | { type: 'models'; id: number; models: StoredModel[] }
  | { type: 'deleted'; id: number }
  | { type: 'imported'; id: number; source: ModelSource; files: number; bytes: number }
  | { type: 'failed'; id: number; failure: RequestFailure }
  /** Not a reply: the GPU device was lost; the worker's WebGPU state is gone (id is 0). */
  | { type: 'device-lost'; id: number; detail: string };
