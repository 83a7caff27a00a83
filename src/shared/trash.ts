/**
 * The library's trash and its write failures, as data shared by the page and the worker: removed
 * images wait in the trash (with their thumbnails, embeddings, copies and corrections) until it is
 * emptied or they expire; a library write that fails is reported at once, naming what was not kept.
 */
import type { LibraryImage } from './library.ts';

/** How long a removed image waits in the trash before it is purged (on the next open of the library). */
export const TRASH_KEEP_MS = 30 * 24 * 60 * 60 * 1000;

/** An image in the trash: its record as it was, and when it was removed. */
export interface TrashedImage {
  id: string;
  trashedAt: number;
  image: LibraryImage;
}

/** What a failed library write was doing: the page says what was not kept. */
export type LibraryWriteAction =
  /** New images (their records and files) were not stored. */
  | 'add'
  /** What reading an image found (its thumbnail, kept copy and record) was not stored. */
  | 'read'
  /** Embeddings (the vision pass's result) were not stored: the images are encoded again next visit. */
  | 'embeddings'
  | 'correction'
  | 'folder'
  /** Removal into the trash, a restore, or emptying the trash did not happen in storage. */
  | 'trash'
  | 'restore'
  | 'purge';

/** A library write that failed: what it was, why, and the files it concerned (by name). */
export interface LibraryWriteFailure {
  action: LibraryWriteAction;
  reason: 'quota' | 'store-failed';
  /** The files whose data was not kept (names as the person knows them; may be empty). */
  names: string[];
  detail: string;
}
