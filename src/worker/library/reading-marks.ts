/**
 * Who is reading images now. Before its pictures are decoded, a batch is marked in the library's
 * records with its reader's name; the write that saves each read (or its failure) clears the
 * mark. A mark left by a reader that is no longer running means that reader stopped mid-read (the
 * tab or the worker crashed, or the page was closed): that picture is failed rather than read
 * again, so a file that crashes the page cannot crash it on every visit. A reader is running while
 * it holds its Web Lock, which the browser releases when its worker ends, whichever tab it is in.
 */
import type { LibraryImage } from '../../shared/library.ts';

const LOCK_PREFIX = 'zero-shot-classifier-reader:';

export interface Readers {
  /** This worker's name on its marks. */
  readonly self: string;
  /** The names of the readers still running, this one included. */
  running(): Promise<ReadonlySet<string>>;
}

/** Readers known by their Web Locks; where there are none, this worker is taken as the only one. */
export function lockedReaders(locks: LockManager | undefined = globalThis.navigator?.locks): Readers {
  const self = crypto.randomUUID();
  // Held for the worker's life: never released by the page, only by the worker's end.
  void locks?.request(LOCK_PREFIX + self, () => new Promise<never>(() => undefined)).catch(() => undefined);
  return {
    self,
    async running() {
      const names = new Set<string>([self]);
      const held = (await locks?.query().catch(() => undefined))?.held ?? [];
      for (const { name } of held) if (name?.startsWith(LOCK_PREFIX)) names.add(name.slice(LOCK_PREFIX.length));
      return names;
    },
  };
}

/** The record without a reading mark (as it is kept in memory and written when its reading ends). */
export function unmarked(image: LibraryImage): LibraryImage {
  if (image.reading === undefined) return image;
  const copy = { ...image };
  delete copy.reading;
  return copy;
}

/** Whether an image still has to be read (decoded) before it can be encoded. */
export function isUnread(image: LibraryImage): boolean {
  return image.contentHash === null || image.width === 0;
}
