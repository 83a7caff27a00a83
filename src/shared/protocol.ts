/**
 * The one message protocol between the page and the classifier worker. Requests go from the page
 * to the worker, replies and events come back; nothing goes the other way. Both are discriminated
 * unions on `type`; `id` matches replies to requests.
 */
import type { RestoreOutcome } from './backup.ts';
import type { Consent, DeviceHints } from './consent.ts';
import type { ImageFailure, RequestFailure } from './failures.ts';
import type { LibraryFolder, LibraryImage, LibraryProblem, NewImage } from './library.ts';
import type { LibraryWriteFailure, TrashedImage } from './trash.ts';
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
export const PROTOCOL_VERSION = 13;

/** One backend's figures from `Test this device`. */
export interface DeviceTestRow {
  device: Device;
  /** The GPU adapter's description (WebGPU only). */
  adapter: string | null;
  dtype: Dtype;
  threads: number;
  /** Test pictures encoded (after one warm-up pass). */
  images: number;
  imagesPerSecond: number;
  visionMsPerImage: number;
  textMs: number;
  /** A text pass and the ranking of every stored photo against it. */
  searchMs: number;
  searchedPhotos: number;
}

export interface LoadOptions {
  source: ModelSource;
  device: Device;
  /** Precisions to try, best first: the first one whose files the model has (or the store holds) is used. */
  dtypes: Dtype[];
  /** WASM threads; null lets the worker choose from the core count. */
  threads: number | null;
  simulate: SimulatedFailure | null;
  /** What the person agreed to download (shown in the consent dialog); null: nothing yet. */
  consent: Consent | null;
  /** What the page knows of the device (data saver, memory), for deciding whether to ask first. */
  hints: DeviceHints;
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
  /**
   * How far the best label is above a generic "something" prompt, in logits (the model's own
   * scale): below the page's cutoff, the image fits none of the labels ("no match").
   */
  margin: Float32Array;
}

/** What a search looks for: text (through the prompt template, as labels are) or another image. */
export type SearchQuery = { kind: 'text'; text: string; templates: string[] } | { kind: 'image'; imageId: string };

/** A search's ranking of the library, best first. */
export interface SearchHits {
  imageIds: string[];
  /** Cosine similarity of each image with the query. */
  similarity: Float32Array;
  /**
   * How much better each image matches the query than a generic prompt does, in logits (text);
   * for an image query, how close it is on the same scale as a correction's affinity (0 to 1).
   */
  strength: Float32Array;
}

/** Where in a picture a label matches: overlapping crops scored against the label's text. */
export interface HeatMap {
  columns: number;
  rows: number;
  /** Crop scores (cosine with the label's text), row by row. */
  cells: Float32Array;
  /** Each crop's size as a fraction of the image's width and height. */
  cropSize: number;
}

/** A correction: this picture (by content) is an example of this label. */
export interface Correction {
  contentHash: string;
  label: string;
  at: number;
}

export interface LibraryState {
  images: LibraryImage[];
  folders: LibraryFolder[];
  corrections: Correction[];
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
  /** Moves images to the trash (answered `removed`); `restore-images` brings them back. */
  | { type: 'remove-images'; id: number; ids: string[] }
  /** Moves every image to the trash and forgets the folders (answered `removed`). */
  | { type: 'clear-library'; id: number }
  | { type: 'restore-images'; id: number; ids: string[] }
  | { type: 'list-trash'; id: number }
  /** Deletes trashed images for good (null: all of them); answered with the trash that is left. */
  | { type: 'empty-trash'; id: number; ids: string[] | null }
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
  /**
   * Text embeddings for labels still being typed, made (and stored) ahead of time, so that applying
   * them re-ranks without a text pass. Nothing is scored; a later classify finds them cached.
   */
  | { type: 'prepare-labels'; id: number; labels: string[]; templates: string[] }
  | { type: 'thumbnails'; id: number; ids: string[] }
  /** The library ranked by similarity to a text or an image (one text pass at most, then a matrix product). */
  | { type: 'search'; id: number; query: SearchQuery }
  /** Marks a picture as an example of a label (null: undoes its correction). */
  | { type: 'correct'; id: number; imageId: string; label: string | null }
  | { type: 'forget-corrections'; id: number }
  /** Scores overlapping crops of one image against a label: where in the picture it matches. */
  | { type: 'heat-map'; id: number; imageId: string; label: string; templates: string[] }
  /** An image's file as the library has it (the original, or the kept copy), for a ZIP or a folder. */
  | { type: 'file'; id: number; imageId: string }
  | { type: 'library-size'; id: number }
  /** The whole library as one backup ZIP, streamed (kept copies and files only when asked). */
  | { type: 'export-library'; id: number; includeFiles: boolean }
  /** Restores a backup ZIP, merging by content hash; a file that is not a sound backup changes nothing. */
  | { type: 'import-library'; id: number; file: Blob }
  /** Stops request `target` cooperatively; it then fails as `aborted`. */
  | { type: 'cancel'; id: number; target: number }
  /** The page's heartbeat: answered at once with a `pong` (a worker that cannot is hung, or in a long pass). */
  | { type: 'ping'; id: number }
  /** The models in the worker's model store. */
  | { type: 'list-models'; id: number }
  | { type: 'delete-model'; id: number; modelKey: string }
  /** Copies a model folder from disk into the model store, as `imported/{folder}` on this origin's local host. */
  | { type: 'import-model'; id: number; folder: string; files: FolderFile[]; origin: string }
  // dupes: groups of the same file (content hash) or look-alikes (embedding cosine ≥ cutoff); answered `duplicates`.
  | { type: 'find-duplicates'; id: number; cutoff: number }
  /** `Test this device`: speed on the loaded model, on each backend this browser has. */
  | { type: 'device-test'; id: number };

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
  /** `moved`: records whose file was moved or renamed (same content): same id, new name, path and date. */
  | {
      type: 'rescanned';
      id: number;
      added: LibraryImage[];
      removed: string[];
      moved: LibraryImage[];
      folder: LibraryFolder;
    }
  /** `ids`: the images moved to the trash. */
  | { type: 'removed'; id: number; ids: string[] }
  | { type: 'restored'; id: number; images: LibraryImage[] }
  | { type: 'trash'; id: number; items: TrashedImage[] }
  | { type: 'scores'; id: number; rows: ScoreRows }
  /**
   * Images whose record changed while classifying (read: hash, size, notes; or failed), and images
   * dropped because reading showed them to be a file already in the library (same name, same content).
   */
  | { type: 'images-updated'; id: number; images: LibraryImage[]; removed: string[] }
  | { type: 'image-failed'; id: number; imageId: string; failure: ImageFailure }
  | { type: 'done'; id: number; work: EncodeWork }
  /** A prepare-labels request's texts are encoded (their work is counted by the classify that uses them). */
  | { type: 'prepared'; id: number }
  | { type: 'thumbnails'; id: number; thumbnails: { id: string; blob: Blob | null }[] }
  | { type: 'search-results'; id: number; hits: SearchHits }
  | { type: 'corrections'; id: number; corrections: Correction[] }
  /** How many of a heat map's crops have been scored (it can take a few vision passes). */
  | { type: 'heat-map-progress'; id: number; done: number; total: number }
  | { type: 'heat-map'; id: number; map: HeatMap }
  /** `kind`: the file as added, or the lossless copy kept at the model-input scale; null when neither is here. */
  | { type: 'file'; id: number; file: Blob | null; kind: 'original' | 'copy' | null }
  | { type: 'library-size'; id: number; bytes: number }
  /** The backup ZIP as it is written (transferred; the worker reads the library as the page consumes it). */
  | { type: 'library-export'; id: number; stream: ReadableStream<Uint8Array> }
  /** What a restore added, and the library as it now is. */
  | { type: 'library-imported'; id: number; outcome: RestoreOutcome; library: LibraryState }
  | { type: 'models'; id: number; models: StoredModel[] }
  | { type: 'deleted'; id: number }
  | { type: 'imported'; id: number; source: ModelSource; files: number; bytes: number }
  | { type: 'failed'; id: number; failure: RequestFailure }
  /** A cancel was received (`id` is the cancel's): the worker is alive and its target will stop. */
  | { type: 'cancelled'; id: number; target: number }
  /** The answer to a `ping` (`id` is the ping's): the worker's thread is free. */
  | { type: 'pong'; id: number }
  | { type: 'device-test'; id: number; rows: DeviceTestRow[] }
  /** Not a reply: the GPU device was lost; the worker's WebGPU state is gone (id is 0). */
  | { type: 'device-lost'; id: number; detail: string }
  /**
   * Not a reply: the ready model's storage notices changed: a stored file failed the check made
   * after the model was ready, and was downloaded again (id is 0).
   */
  | { type: 'notices'; id: number; notices: StorageNotice[] }
  /** Not a reply: a library write failed (storage full, database failed); said at once (id is 0). */
  | { type: 'library-write-failed'; id: number; failure: LibraryWriteFailure }

  /**
   * Not a reply: another tab changed the library (id is 0). Records new or changed there, records
   * gone from the library, the folders as they are now, and every correction when they changed.
   */
  | {
      type: 'library-changed';
      id: number;
      images: LibraryImage[];
      removed: string[];
      folders: LibraryFolder[];
      corrections: Correction[] | null;
    }
  // dupes: image ids per group, two or more each, in library order.
  | { type: 'duplicates'; id: number; groups: string[][] };
