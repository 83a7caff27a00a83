/**
 * How many images have current scores: the one derived value that walks the whole library, memoised
 * so that it runs only when the images, results, failures or result key change (never on a keystroke).
 */
import type { ImageFailure } from '../../shared/failures.ts';
import type { LibraryImage } from '../../shared/library.ts';
import { memo } from './store.ts';

export interface Progress {
  done: number;
  total: number;
}

/** Counts images without a failure (`total`), and those whose scores are for `resultKey` (`done`). */
export function countProgress(
  images: readonly LibraryImage[],
  results: ReadonlyMap<string, { key: string }>,
  failures: ReadonlyMap<string, ImageFailure>,
  resultKey: string,
): Progress {
  let done = 0;
  let total = 0;
  for (const image of images) {
    if (image.failure ?? failures.get(image.id)) continue;
    total++;
    if (results.get(image.id)?.key === resultKey) done++;
  }
  return { done, total };
}

/** A memoised `countProgress`, one per session (each keeps its own last inputs). */
export function progressCounter(count: typeof countProgress = countProgress): typeof countProgress {
  return memo(count);
}
