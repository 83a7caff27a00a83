import type { LibraryImage } from '../../shared/library.ts';

/** A plain library record for unit tests: a 3-byte file `{id}.png`, no folder, no hash unless given. */
export function libraryRecord(id: string, contentHash: string | null = null): LibraryImage {
  return {
    id,
    name: `${id}.png`,
    path: null,
    folderId: null,
    size: 3,
    lastModified: 1,
    addedAt: 1,
    contentHash,
    width: 0,
    height: 0,
    notes: [],
    failure: null,
    source: 'file',
  };
}
