/**
 * The library: every image a person brought, kept across visits as what classification needs
 * (embeddings) and what a person needs to recognise it (name, path, a small thumbnail). Types
 * shared by the page and the worker that owns the library's IndexedDB.
 */
import type { ImageFailure, ImageNote } from './failures.ts';

/** Where an image can be read again, to encode it with another model. */
export type ImageSource =
  /** The file the person added, still in this page's memory (or stored until it has been read). */
  | 'file'
  /** A lossless copy at the model-input scale (shortest side 448 px), kept in the library. */
  | 'copy'
  /** A file in a folder the person opened: read again through its handle (permission asked again). */
  | 'folder'
  /** Nothing: it must be added again to be encoded by another model. */
  | 'none';

export interface LibraryImage {
  id: string;
  /** The file's name. */
  name: string;
  /** Where it sits in the folder it came from (`holiday/IMG_0001.jpg`); null for a loose file. */
  path: string | null;
  folderId: string | null;
  size: number;
  lastModified: number;
  /** Order of arrival, for a stable library order. */
  addedAt: number;
  /** SHA-256 of the file's bytes, once it has been read; duplicates share it. */
  contentHash: string | null;
  /** The image as shown (after EXIF rotation); 0 until it has been read. */
  width: number;
  height: number;
  notes: ImageNote[];
  failure: ImageFailure | null;
  source: ImageSource;
  /**
   * Set in the stored record (never in memory) while a worker reads the image: the name of that
   * worker. Found on a later visit with its worker gone, the image is failed instead of read again.
   */
  reading?: string;
}

/** Why the library is not kept across visits (in full): no IndexedDB here, storage full, or a failed write. */
export type LibraryProblem = 'unavailable' | 'quota' | 'store-failed';

/** A folder opened with the File System Access API, kept so that it can be rescanned. */
export interface LibraryFolder {
  id: string;
  name: string;
  /** Images of this folder in the library. */
  images: number;
  /** The kept handle: the page asks it for permission again (that needs a click) before a rescan. */
  handle: FileSystemDirectoryHandle;
}

/** A file on its way into the library, with the id the page gave it. */
export interface NewImage {
  id: string;
  name: string;
  path: string | null;
  file: Blob;
  lastModified: number;
}

/** The key of an image's file for display and export: its path in its folder, else its name. */
export function imageKey(image: Pick<LibraryImage, 'name' | 'path'>): string {
  return image.path ?? image.name;
}

/** Embeddings are kept per model and precision: `{host}|{model id}|{dtype}`. */
export function embeddingKey(host: string, modelId: string, dtype: string): string {
  return `${host}|${modelId}|${dtype}`;
}
