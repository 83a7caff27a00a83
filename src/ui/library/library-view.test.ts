import { describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import { libraryRecord } from '../test-support/library-records.ts';
import type { Correction } from '../../shared/protocol.ts';
import {
  effectiveLabel,
  filterItems,
  libraryItems,
  LibraryItemsCache,
  sortItems,
  topLabelCounts,
} from './library-view.ts';
import type { ImageResult, SessionSnapshot } from '../session/classifier-session.ts';

const CURRENT = 'key of the labels applied now';
const OLD = 'key of labels replaced since';

function image(id: string, contentHash: string | null = `hash-${id}`): LibraryImage {
  return libraryRecord(id, contentHash);
}

function result(key: string, labels: string[], scores: number[], margin = 5): ImageResult {
  return { key, labels, scores: Float32Array.from(scores), ms: 1, device: 'wasm', cached: false, margin };
}

/** The fields the library view reads; the rest of a snapshot does not matter to it. */
function snapshot(
  images: LibraryImage[],
  results: [string, ImageResult][],
  { resultKey = CURRENT, labels = ['owl', 'fox'], corrections = [] as Correction[], cutoff = 0 } = {},
): SessionSnapshot {
  const fields = {
    images,
    results: new Map(results),
    failures: new Map(),
    corrections,
    labels: { labels, duplicates: [], overLimit: 0 },
    settings: { cutoff },
    resultKey,
  };
  return fields as unknown as SessionSnapshot;
}

describe('the library view: scores are shown only for the labels they were computed for', () => {
  const images = [image('a'), image('b')];
  const current = result(CURRENT, ['owl', 'fox'], [0.2, 0.8]);
  const stale = result(OLD, ['owl', 'fox'], [0.9, 0.1]);

  it('marks a result fresh only when its key is the snapshot’s', () => {
    const items = libraryItems(
      snapshot(images, [
        ['a', current],
        ['b', stale],
      ]),
    );
    expect(items.map((item) => item.fresh)).toEqual([true, false]);
    // A stale result is kept (the hold may show it, dimmed) but is nobody's label.
    expect(items[1].result).toBe(stale);
    expect(items.map(effectiveLabel)).toEqual(['fox', null]);
  });

  it('files a stale picture as pending, never under a label or as "no match"', () => {
    const staleAndLow = result(OLD, ['owl', 'fox'], [0.5, 0.5], -10);
    const items = libraryItems(
      snapshot(images, [
        ['a', current],
        ['b', staleAndLow],
      ]),
    );
    expect(items[1].noMatch).toBe(false);
    expect(filterItems(items, { kind: 'pending' }).map((item) => item.id)).toEqual(['b']);
    expect(filterItems(items, { kind: 'top', label: 'owl' })).toEqual([]);
    expect(filterItems(items, { kind: 'no-match' })).toEqual([]);
    expect(topLabelCounts(items)).toEqual(new Map([['fox', 1]]));
  });

  it('sorts a stale picture after every fresh one by a label’s score, whatever its stale score', () => {
    const fresh = result(CURRENT, ['owl', 'fox'], [0.1, 0.9]);
    const items = libraryItems(
      snapshot(
        [image('stale'), image('fresh')],
        [
          ['stale', result(OLD, ['owl', 'fox'], [0.99, 0.01])],
          ['fresh', fresh],
        ],
      ),
    );
    expect(sortItems(items, { kind: 'score', label: 'owl' }).map((item) => item.id)).toEqual(['fresh', 'stale']);
  });

  it('keeps a correction as the label of a stale picture (the person said so, not the scores)', () => {
    const items = libraryItems(
      snapshot([image('a')], [['a', stale]], { corrections: [{ contentHash: 'hash-a', label: 'fox', at: 1 }] }),
    );
    expect(items[0].fresh).toBe(false);
    expect(effectiveLabel(items[0])).toBe('fox');
  });

  it('makes a new item when only the key changed, so cards stop showing the old scores', () => {
    const cache = new LibraryItemsCache();
    const before = cache.of(snapshot(images, [['a', current]]));
    expect(before[0].fresh).toBe(true);
    // New labels applied: the same result object, another key.
    const after = cache.of(snapshot(images, [['a', current]], { resultKey: 'key of newer labels' }));
    expect(after[0]).not.toBe(before[0]);
    expect(after[0].fresh).toBe(false);
    expect(effectiveLabel(after[0])).toBeNull();
    // Nothing changed for the picture without a result: the same object (one card re-renders, not both).
    expect(after[1]).toBe(before[1]);
  });
});
