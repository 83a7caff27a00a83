/** A library backup as both sides see it: what a restore did, for the page to say. */

/** What a restore added to the library, and what it could not. */
export interface RestoreOutcome {
  /** Images added to the library. */
  images: number;
  /** Images of the backup whose content the library already had (their corrections and embeddings merged). */
  duplicates: number;
  /** Images never read whose file is not in the backup: nothing to rebuild them from. */
  skipped: number;
  /** Corrections added or replaced by a newer one. */
  corrections: number;
  /** Folders whose images came back without the folder (handles cannot be restored): open them again. */
  folders: string[];
}
