/**
 * The one message protocol between the page and the classifier worker. Requests go from the page
 * to the worker, replies and events come back; nothing goes the other way. Both are discriminated
 * unions on `type`; `id` matches replies to requests.
 */
import type { ImageFailure, RequestFailure } from './failures.ts';
import type { LibraryFolder, LibraryImage, LibraryProblem, NewImage } from './library.ts';
import type {
  Device,
  Dtype,
  EncodeWork,
  FileProgress,
  ModelInfo,
  ModelSource,
  PlannedFile,
  Scoring,
  SimulatedFailure,
  StorageNotice,
  StoredModel,
} from './types.ts';

/** Bumped whenever a message changes shape: a cached worker bundle can outlive an app update. */
export const PROTOCOL_VERSION = 6;

export interface LoadOptions {
  source: ModelSource;
  device: Device;
  /** Precisions to try, best first: the first one whose files the model has (or the store holds) is used. */
  dtypes: Dtype[];
  /** WASM threads; null lets the worker choose from the core count. */
  threads: number | null;
  simulate: SimulatedFailure | null;
}

/** A model folder's file picked from disk, with its path inside the folder (`onnx/model.onnx`). */
export interface FolderFile {
  path: string;
  file: Blob;
}

/**
 * Scores of some images for the labels of a classify request: one row per image, one column per
 * label in the order asked (a flat N × L array, transferred, not copied).
 */
export interface ScoreRows {
  imageIds: string[];
  scores: Float32Array;
  /** Time spent on each image in this request (0 when its embedding was stored). */
  ms: Float32Array;
  /** 1 where the row's embedding was stored (in the library, or a duplicate's) rather than encoded now. */
  cached: Uint8Array;
}

export interface LibraryState {
  images: LibraryImage[];
  folders: LibraryFolder[];
  problem: LibraryProblem | null;
}

export type WorkerRequest =
  | { type: 'load'; id: number; protocolVersion: number; options: LoadOptions }
  /** The library as stored: every image record and folder. */
  | { type: 'open-library'; id: number }
  | { type: 'add-images'; id: number; images: NewImage[] }
  /** Adds a folder opened with the File System Access API (its handle is kept for rescans). */
  | { type: 'add-folder'; id: number; handle: FileSystemDirectoryHandle }
  /** Adds a folder's new or changed files, and drops removed ones. */
  | { type: 'rescan-folder'; id: number; folderId: string }
  | { type: 'remove-images'; id: number; ids: string[] }
  | { type: 'clear-library'; id: number }
  /**
   * Scores of every image in the library for these labels: stored embeddings first (at once),
   * then every image that lacks one is read and encoded, a batch at a time; images added while
   * this runs join it.
   */
  | {
      type: 'classify';
      id: number;
      labels: string[];
      /** One template, or several whose text embeddings are averaged (a prompt ensemble). */
      templates: string[];
      scoring: Scoring;
    }
  | { type: 'thumbnails'; id: number; ids: string[] }
  | { type: 'library-size'; id: number }
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
  | { type: 'library'; id: number; library: LibraryState }
  | { type: 'added'; id: number; images: LibraryImage[]; folder: LibraryFolder | null; problem: LibraryProblem | null }
  | { type: 'rescanned'; id: number; added: LibraryImage[]; removed: string[]; folder: LibraryFolder }
  | { type: 'removed'; id: number }
  | { type: 'scores'; id: number; rows: ScoreRows }
  /**
   * Images whose record changed while classifying (read: hash, size, notes; or failed), and images
   * dropped because reading showed them to be a file already in the library (same name, same content).
   */
  | { type: 'images-updated'; id: number; images: LibraryImage[]; removed: string[] }
  | { type: 'image-failed'; id: number; imageId: string; failure: ImageFailure }
  | { type: 'done'; id: number; work: EncodeWork }
  | { type: 'thumbnails'; id: number; thumbnails: { id: string; blob: Blob | null }[] }
  | { type: 'library-size'; id: number; bytes: number }
  | { type: 'models'; id: number; models: StoredModel[] }
  | { type: 'deleted'; id: number }
  | { type: 'imported'; id: number; source: ModelSource; files: number; bytes: number }
  | { type: 'failed'; id: number; failure: RequestFailure }
  /** Not a reply: the GPU device was lost; the worker's WebGPU state is gone (id is 0). */
  | { type: 'device-lost'; id: number; detail: string }
  /**
   * Not a reply: the ready model's storage notices changed: a stored file failed the check made
   * after the model was ready, and was downloaded again (id is 0).
   */
  | { type: 'notices'; id: number; notices: StorageNotice[] };
