/**
 * Where "Sort into folders" puts each file, checked by properties any name cleaning must keep (the
 * exact replacement characters are the cleaning's own business): one folder level per label,
 * names every file system takes, no two files on one name, and only pictures with a current label.
 */
import { describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import type { LibraryItem } from './library-view.ts';
import type { ImageResult } from '../session/classifier-session.ts';
import { placements } from './sort-into-folders.ts';

const NO_MATCH = 'no match';

function image(id: string, name: string): LibraryImage {
  return {
    id,
    name,
    path: null,
    folderId: null,
    size: 3,
    lastModified: 1,
    addedAt: 1,
    contentHash: id,
    width: 0,
    height: 0,
    notes: [],
    failure: null,
    source: 'file',
  };
}

/** A picture whose top label is `label` (fresh unless said otherwise). */
function item(
  id: string,
  label: string,
  { name = `${id}.jpg`, fresh = true, correction = null as string | null } = {},
) {
  const result: ImageResult = {
    key: 'k',
    labels: [label, 'other'],
    scores: Float32Array.of(0.9, 0.1),
    ms: 1,
    device: 'wasm',
    cached: false,
    margin: 5,
  };
  const built: LibraryItem = {
    id,
    images: [image(id, name)],
    result,
    fresh,
    failure: null,
    correction,
    noMatch: false,
  };
  return built;
}

/** Characters no common file system takes in a name (Windows' list, and control characters). */
const FORBIDDEN = /[/\\:*?"<>|\p{Cc}]/u;

function expectUsableName(name: string): void {
  expect(name, JSON.stringify(name)).not.toMatch(FORBIDDEN);
  expect(name.trim(), JSON.stringify(name)).not.toBe('');
  expect(name, JSON.stringify(name)).not.toMatch(/^\.+$/);
  expect(name.length, JSON.stringify(name)).toBeLessThanOrEqual(255);
}

describe('placements (sort into folders)', () => {
  it('makes one folder per label whatever the label says: no nesting, no escape, no empty name', () => {
    const labels = ['cats/dogs', '..', 'a\\b', 'what?', '<b>"x"</b>', 'tab\there', 'x'.repeat(500)];
    const plan = placements(
      labels.map((label, i) => item(`p${i}`, label)),
      NO_MATCH,
    );
    expect(plan).toHaveLength(labels.length);
    for (const { folder } of plan) expectUsableName(folder);
    // Labels that differ stay apart.
    expect(new Set(plan.map((p) => p.folder)).size).toBe(labels.length);
  });

  it('gives every file a usable name, and two files meeting in a folder two names (ignoring case)', () => {
    const plan = placements(
      [
        item('a', 'cat', { name: 'IMG_1.jpg' }),
        item('b', 'cat', { name: 'img_1.JPG' }),
        item('c', 'cat', { name: 'IMG_1.jpg' }),
        item('d', 'cat', { name: '../../etc/passwd' }),
        item('e', 'cat', { name: 'con:bad*name?.png' }),
        item('f', 'cat', { name: '   ' }),
      ],
      NO_MATCH,
    );
    for (const { name } of plan) expectUsableName(name);
    const lower = plan.map((p) => p.name.toLowerCase());
    expect(new Set(lower).size).toBe(plan.length);
    // The first keeps its name.
    expect(plan[0].name).toBe('IMG_1.jpg');
  });

  it('places only pictures with a current label or a correction, and "no match" pictures in their own folder', () => {
    const noMatch = { ...item('n', 'cat'), noMatch: true };
    const plan = placements(
      [
        item('fresh', 'cat'),
        item('stale', 'cat', { fresh: false }),
        item('corrected', 'cat', { fresh: false, correction: 'dog' }),
        noMatch,
      ],
      NO_MATCH,
    );
    expect(plan.map((p) => [p.image.id, p.folder])).toEqual([
      ['fresh', 'cat'],
      ['corrected', 'dog'],
      ['n', NO_MATCH],
    ]);
  });
});
