import { describe, expect, it } from 'vitest';
import { moveCandidates, pairMoves } from './moves.ts';

const record = (id: string, path: string, contentHash: string | null, size = 10) => ({ id, path, contentHash, size });
const file = (path: string, contentHash: string, size = 10) => ({ path, contentHash, size });

describe('moveCandidates', () => {
  it('hashes only new files of the size of a vanished record whose content is known', () => {
    const vanished = [record('a', 'f/a.jpg', 'h1', 10), record('b', 'f/b.jpg', null, 20)];
    const arrived = [
      { path: 'f/x.jpg', size: 10 },
      { path: 'f/y.jpg', size: 20 },
      { path: 'f/z.jpg', size: 30 },
    ];
    expect(moveCandidates(vanished, arrived).map((f) => f.path)).toEqual(['f/x.jpg']);
  });

  it('hashes nothing when nothing vanished', () => {
    expect(moveCandidates([], [{ path: 'f/x.jpg', size: 10 }])).toEqual([]);
  });
});

describe('pairMoves', () => {
  it('pairs a renamed file with its vanished record by content hash', () => {
    const pairs = pairMoves([record('a', 'f/IMG_1.jpg', 'h1')], [file('f/beach.jpg', 'h1')]);
    expect([...pairs]).toEqual([['f/beach.jpg', 'a']]);
  });

  it('leaves files of other content, other size, or records never read unpaired', () => {
    const pairs = pairMoves(
      [record('a', 'f/a.jpg', 'h1', 10), record('b', 'f/b.jpg', null, 10)],
      [file('f/x.jpg', 'h2', 10), file('f/y.jpg', 'h1', 11)],
    );
    expect(pairs.size).toBe(0);
  });

  it('pairs one to one: two copies of one picture vanish, one reappears, one record moves', () => {
    const pairs = pairMoves([record('a', 'f/a.jpg', 'h1'), record('b', 'f/b.jpg', 'h1')], [file('f/c.jpg', 'h1')]);
    expect([...pairs]).toEqual([['f/c.jpg', 'a']]);
  });

  it('among duplicates, a file that kept its name (moved to another folder) takes its own record', () => {
    const pairs = pairMoves(
      [record('a', 'f/one/a.jpg', 'h1'), record('b', 'f/one/b.jpg', 'h1')],
      [file('f/renamed.jpg', 'h1'), file('f/two/b.jpg', 'h1')],
    );
    expect(pairs.get('f/two/b.jpg')).toBe('b');
    expect(pairs.get('f/renamed.jpg')).toBe('a');
  });

  it('pairs several moves at once, each with its own content', () => {
    const pairs = pairMoves(
      [record('a', 'f/a.jpg', 'h1'), record('b', 'f/b.jpg', 'h2')],
      [file('f/new-b.jpg', 'h2'), file('f/new-a.jpg', 'h1')],
    );
    expect(Object.fromEntries(pairs)).toEqual({ 'f/new-a.jpg': 'a', 'f/new-b.jpg': 'b' });
  });
});
