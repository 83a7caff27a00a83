import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../session/classifier-session.ts';
import { holdsForRelabel } from './use-relabel-hold.ts';

const images: SessionSnapshot['images'] = [];
/** The fields the rule reads; the rest of a snapshot does not matter to it. */
function snapshot(
  resultKey: string,
  done: number,
  {
    list = images,
    labels = ['owl'],
    phase = 'ready',
  }: { list?: typeof images; labels?: string[]; phase?: string } = {},
): SessionSnapshot {
  const fields = { resultKey, images: list, progress: { done, total: 20 }, labels: { labels }, model: { phase } };
  return fields as unknown as SessionSnapshot;
}

describe('holdsForRelabel', () => {
  it('keeps the last scores while new labels have no scores yet', () => {
    expect(holdsForRelabel(snapshot('10 labels', 20), snapshot('11 labels', 0))).toBe(true);
  });

  it('lets go once the first new scores arrive', () => {
    expect(holdsForRelabel(snapshot('10 labels', 20), snapshot('11 labels', 4))).toBe(false);
  });

  it('never holds back new or removed pictures, nor a view that had no scores to keep', () => {
    expect(holdsForRelabel(snapshot('10 labels', 20), snapshot('11 labels', 0, { list: [] }))).toBe(false);
    expect(holdsForRelabel(snapshot('10 labels', 0), snapshot('11 labels', 0))).toBe(false);
  });

  it('does not hold when no new scores are coming: no labels left, or no ready model', () => {
    expect(holdsForRelabel(snapshot('10 labels', 20), snapshot('no labels', 0, { labels: [] }))).toBe(false);
    expect(holdsForRelabel(snapshot('10 labels', 20), snapshot('other model', 0, { phase: 'loading' }))).toBe(false);
  });

  it('does not hold for changes under the same labels', () => {
    expect(holdsForRelabel(snapshot('10 labels', 12), snapshot('10 labels', 12))).toBe(false);
  });
});
