/**
 * What the library shows: one item per picture (duplicates, same content, shown once with every
 * name), filtered by top label and sorted, from the session's snapshot. Pure functions, so that
 * 10,000 images are sorted without rendering anything.
 */
import type { ImageFailure } from '../../shared/failures.ts';
import type { LibraryImage } from '../../shared/library.ts';
import type { LabelScore } from '../../shared/types.ts';
import { failureOf, type ImageResult, type SessionSnapshot } from '../session/classifier-session.ts';

export interface LibraryItem {
  /** The first image of the picture: its id keys the card. */
  id: string;
  /** Every file with this content, first added first. */
  images: LibraryImage[];
  result: ImageResult | undefined;
  /** The result is for the current labels (not stale). */
  fresh: boolean;
  failure: ImageFailure | null;
  /** The label the person corrected this picture to, when it is among the current labels. */
  correction: string | null;
  /** Its best label does not clear the "no match" cutoff (and no correction says otherwise). */
  noMatch: boolean;
}

/** `top:{label}`: images whose top label is it; `no-match`; `failed`; `pending`: not classified yet. */
export type LibraryFilter =
  { kind: 'all' } | { kind: 'top'; label: string } | { kind: 'no-match' } | { kind: 'failed' } | { kind: 'pending' };

export type LibrarySort = { kind: 'added' } | { kind: 'name' } | { kind: 'score'; label: string };

/** A result's labels ranked, highest first (ties keep the typed order). */
export function rankedScores(result: ImageResult): LabelScore[] {
  return result.labels
    .map((label, i) => ({ label, score: result.scores[i], order: i }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ label, score }) => ({ label, score }));
}

export function topLabel(result: ImageResult): string | null {
  let best = -1;
  for (let i = 0; i < result.labels.length; i++) if (best < 0 || result.scores[i] > result.scores[best]) best = i;
  return best < 0 ? null : result.labels[best];
}

function scoreOf(item: LibraryItem, label: string): number {
  if (!item.fresh || !item.result) return -1;
  const index = item.result.labels.indexOf(label);
  return index < 0 ? -1 : item.result.scores[index];
}

/** The label a picture goes by (for filters, folders and tags): its correction, else its top label; null for "no match". */
export function effectiveLabel(item: LibraryItem): string | null {
  if (item.correction) return item.correction;
  if (!item.fresh || !item.result || item.noMatch) return null;
  return topLabel(item.result);
}

/**
 * One item per picture, in the library's order. Items that did not change are the previous
 * objects (and no new object is made for them: this runs for every batch of a long run), so that
 * a batch of results re-renders only the cards it concerns.
 */
export function libraryItems(snapshot: SessionSnapshot, previous?: ReadonlyMap<string, LibraryItem>): LibraryItem[] {
  // Every file of each content, first added first: twins become one item.
  const byHash = new Map<string, LibraryImage[]>();
  const groups: LibraryImage[][] = [];
  for (const image of snapshot.images) {
    const twins = image.contentHash ? byHash.get(image.contentHash) : undefined;
    if (twins) {
      twins.push(image);
      continue;
    }
    const group = [image];
    groups.push(group);
    if (image.contentHash) byHash.set(image.contentHash, group);
  }
  const labels = new Set(snapshot.labels.labels);
  const corrected = new Map(
    snapshot.corrections.filter((c) => labels.has(c.label)).map((c) => [c.contentHash, c.label] as const),
  );
  const { cutoff } = snapshot.settings;
  return groups.map((images) => {
    const [image] = images;
    const result = snapshot.results.get(image.id);
    const fresh = result?.key === snapshot.resultKey;
    const failure = failureOf(snapshot, image);
    const correction = (image.contentHash && corrected.get(image.contentHash)) || null;
    const noMatch = fresh && result !== undefined && correction === null && result.margin < cutoff;
    const before = previous?.get(image.id);
    const unchanged =
      before !== undefined &&
      before.result === result &&
      before.fresh === fresh &&
      before.failure === failure &&
      before.correction === correction &&
      before.noMatch === noMatch &&
      before.images.length === images.length &&
      before.images.every((known, i) => known === images[i]);
    return unchanged ? before : { id: image.id, images, result, fresh, failure, correction, noMatch };
  });
}

export function filterItems(items: readonly LibraryItem[], filter: LibraryFilter): LibraryItem[] {
  switch (filter.kind) {
    case 'all':
      return [...items];
    case 'top':
      return items.filter((item) => effectiveLabel(item) === filter.label);
    case 'no-match':
      return items.filter((item) => item.noMatch);
    case 'failed':
      return items.filter((item) => item.failure !== null);
    case 'pending':
      return items.filter((item) => item.failure === null && !item.fresh);
  }
}

export function sortItems(items: LibraryItem[], sort: LibrarySort): LibraryItem[] {
  switch (sort.kind) {
    case 'added':
      return items;
    case 'name':
      return items.sort((a, b) => a.images[0].name.localeCompare(b.images[0].name));
    case 'score':
      return items.sort((a, b) => scoreOf(b, sort.label) - scoreOf(a, sort.label));
  }
}

/** How many pictures each label is the label of (corrections and "no match" counted), for the filter's choices. */
export function topLabelCounts(items: readonly LibraryItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const label = effectiveLabel(item);
    if (label !== null) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/** Items of successive snapshots, keeping unchanged items as the same objects (memoised per snapshot). */
export class LibraryItemsCache {
  private previous = new Map<string, LibraryItem>();
  private snapshot: SessionSnapshot | null = null;
  private items: LibraryItem[] = [];

  of(snapshot: SessionSnapshot): LibraryItem[] {
    if (snapshot === this.snapshot) return this.items;
    this.items = libraryItems(snapshot, this.previous);
    this.previous = new Map(this.items.map((item) => [item.id, item]));
    this.snapshot = snapshot;
    return this.items;
  }
}
