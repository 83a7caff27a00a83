/**
 * A rescan's moves: a file that vanished from its path and a new file with the same bytes are one
 * photo that was moved or renamed, so its record (id, scores, embeddings, correction) follows it.
 */

/** A record whose file is no longer at its path. */
export interface Vanished {
  id: string;
  contentHash: string | null;
  size: number;
  /** Its path in the folder (the file name is its last part). */
  path: string;
}

/** A file found at a path the library does not know. */
export interface Arrived {
  path: string;
  size: number;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The new files worth hashing: only those of the size of a vanished record whose content is known. */
export function moveCandidates<A extends Arrived>(vanished: readonly Vanished[], arrived: readonly A[]): A[] {
  const sizes = new Set(vanished.filter((record) => record.contentHash !== null).map((record) => record.size));
  return arrived.filter((file) => sizes.has(file.size));
}

/**
 * Pairs vanished records with arrived files of the same content hash, one to one. Where several
 * share a hash (duplicates), a file keeping its name (moved to another folder) is paired first,
 * then the others in order. Returns the record id for each paired file's path.
 */
export function pairMoves(
  vanished: readonly Vanished[],
  arrived: readonly (Arrived & { contentHash: string })[],
): Map<string, string> {
  const byHash = new Map<string, Vanished[]>();
  for (const record of vanished) {
    if (record.contentHash === null) continue;
    byHash.set(record.contentHash, [...(byHash.get(record.contentHash) ?? []), record]);
  }
  const pairs = new Map<string, string>();
  const take = (file: Arrived & { contentHash: string }, fits: (record: Vanished) => boolean) => {
    const records = byHash.get(file.contentHash);
    const index = records?.findIndex((record) => record.size === file.size && fits(record)) ?? -1;
    if (!records || index < 0 || pairs.has(file.path)) return;
    pairs.set(file.path, records[index].id);
    records.splice(index, 1);
  };
  for (const file of arrived) take(file, (record) => baseName(record.path) === baseName(file.path));
  for (const file of arrived) take(file, () => true);
  return pairs;
}
