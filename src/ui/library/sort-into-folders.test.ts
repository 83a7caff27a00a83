import { describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import { refusal, sortedFolderName, sortTarget } from './save-destination.ts';
import { saveIntoFolders, type FileSource, type Placement } from './sort-into-folders.ts';
import { asHandle, MemoryDirectory } from '../test-support/memory-directory.ts';

function image(id: string, name: string): LibraryImage {
  return {
    id,
    name,
    path: null,
    folderId: null,
    size: 1,
    lastModified: 0,
    addedAt: 0,
    contentHash: null,
    width: 1,
    height: 1,
    notes: [],
    failure: null,
    source: 'file',
  };
}

const place = (id: string, folder: string, name: string): Placement => ({ image: image(id, name), folder, name });

/** Every image's file is its id as text; ids listed in `missing` have none, in `broken` the read throws. */
const source =
  ({ missing = [], broken = [] }: { missing?: string[]; broken?: string[] } = {}): FileSource =>
  async ({ id }) => {
    if (broken.includes(id)) throw new DOMException('gone', 'NotReadableError');
    return missing.includes(id) ? { file: null, kind: null } : { file: new Blob([`new ${id}`]), kind: 'original' };
  };

const save = (root: MemoryDirectory, plan: Placement[], from = source(), signal?: AbortSignal) =>
  saveIntoFolders(asHandle(root), plan, from, () => undefined, signal);

describe('saveIntoFolders never replaces what is on disk', () => {
  it('numbers a name an existing file holds, leaving its bytes as they were', async () => {
    const root = new MemoryDirectory('sorted');
    await root.put('red/x.png', 'old bytes');
    const outcome = await save(root, [place('a', 'red', 'x.png')]);
    expect(await root.tree()).toEqual({ 'red/x.png': 'old bytes', 'red/x (2).png': 'new a' });
    expect(outcome).toMatchObject({ written: 1, renamed: 1, skipped: 0, failed: [], folders: 1 });
  });

  it('finds a taken name in another case, and numbers past taken numbers', async () => {
    const root = new MemoryDirectory('sorted');
    await root.put('red/X.PNG', 'old');
    await root.put('red/x (2).png', 'old 2');
    const outcome = await save(root, [place('a', 'red', 'x.png')]);
    // The stand-in is case-sensitive like ext4: only the exact names are taken there.
    expect((await root.tree())['red/x.png']).toBe('new a');
    expect(outcome.renamed).toBe(0);
    await save(root, [place('b', 'red', 'x.png')]);
    expect(await root.tree()).toMatchObject({ 'red/x (2).png': 'old 2', 'red/x (3).png': 'new b' });
  });

  it('does not take a name a folder holds, and writes into a numbered folder where a file holds the label', async () => {
    const root = new MemoryDirectory('sorted');
    await root.put('red/x.png/inside.txt', 'a folder named x.png');
    await root.put('blue', 'a file named blue');
    const outcome = await save(root, [place('a', 'red', 'x.png'), place('b', 'blue', 'y.png')]);
    expect(await root.tree()).toEqual({
      'red/x.png/inside.txt': 'a folder named x.png',
      'red/x (2).png': 'new a',
      blue: 'a file named blue',
      'blue (2)/y.png': 'new b',
    });
    expect(outcome).toMatchObject({ written: 2, renamed: 1 });
  });
});

describe('saveIntoFolders goes on past a file it cannot write, and counts truthfully', () => {
  it('reports a failed write by path, removes what it created, and writes the others', async () => {
    const root = new MemoryDirectory('sorted', new Map([['bad.png', 'QuotaExceededError']]));
    await root.put('red/earlier.png', 'old');
    const outcome = await save(
      root,
      [place('a', 'red', 'good.png'), place('b', 'red', 'bad.png'), place('c', 'red', 'after.png')],
      source(),
    );
    expect(outcome.failed).toEqual([{ path: 'red/bad.png', reason: 'QuotaExceededError' }]);
    expect(outcome).toMatchObject({ written: 2, renamed: 0, skipped: 0 });
    expect(await root.tree()).toEqual({ 'red/earlier.png': 'old', 'red/good.png': 'new a', 'red/after.png': 'new c' });
    // A folder the save made for nothing but the failed file is not left behind empty; one that was there stays.
    const alone = await save(root, [place('d', 'blue', 'bad.png')]);
    expect(alone).toMatchObject({ written: 0, folders: 0, failed: [{ path: 'blue/bad.png' }] });
    expect([...root.entries.keys()]).toEqual(['red']);
    await save(root, [place('e', 'red', 'bad.png')]);
    expect(Object.keys(await root.tree())).toEqual(['red/earlier.png', 'red/good.png', 'red/after.png']);
  });

  it('counts a file the library lacks as skipped and an unreadable one as failed', async () => {
    const root = new MemoryDirectory('sorted');
    const outcome = await save(
      root,
      [place('a', 'red', 'a.png'), place('b', 'red', 'b.png'), place('c', 'blue', 'c.png')],
      source({ missing: ['b'], broken: ['c'] }),
    );
    expect(outcome).toMatchObject({
      written: 1,
      skipped: 1,
      folders: 1,
      failed: [{ path: 'blue/c.png', reason: 'NotReadableError' }],
    });
    expect(await root.tree()).toEqual({ 'red/a.png': 'new a' });
    expect([...root.entries.keys()]).toEqual(['red']);
  });

  it('stops at a cancel and says so, with what was written before it', async () => {
    const root = new MemoryDirectory('sorted');
    const controller = new AbortController();
    const from: FileSource = async (img) => {
      if (img.id === 'b') controller.abort();
      return source()(img);
    };
    const outcome = await save(
      root,
      [place('a', 'red', 'a.png'), place('b', 'red', 'b.png'), place('c', 'red', 'c.png')],
      from,
      controller.signal,
    );
    expect(outcome).toMatchObject({ cancelled: true, written: 1, failed: [] });
    expect(await root.tree()).toEqual({ 'red/a.png': 'new a' });
  });
});

describe('where the save goes', () => {
  const today = new Date(2026, 11, 4);

  it('refuses a library folder and a folder inside one', async () => {
    const photos = new MemoryDirectory('photos');
    const inside = await (
      await photos.getDirectoryHandle('cat', { create: true })
    ).getDirectoryHandle('deep', { create: true });
    const library = [{ name: 'photos', handle: asHandle(photos) }];
    expect(await refusal(asHandle(photos), library)).toEqual({ kind: 'library-folder', folder: 'photos' });
    expect(await refusal(asHandle(inside), library)).toEqual({ kind: 'inside-library-folder', folder: 'photos' });
    expect(await refusal(asHandle(new MemoryDirectory('elsewhere')), library)).toBeNull();
  });

  it('writes into an empty folder, or one holding only this sort’s label folders, as it is', async () => {
    const empty = new MemoryDirectory('sorted');
    expect((await sortTarget(asHandle(empty), ['red'], [], today)).path).toBe('sorted');
    const earlier = new MemoryDirectory('sorted');
    await earlier.put('Red/x.png', 'old');
    expect((await sortTarget(asHandle(earlier), ['red', 'blue'], [], today)).path).toBe('sorted');
  });

  it('makes a new Sorted folder, numbered if taken, where the folder holds anything else', async () => {
    const home = new MemoryDirectory('Pictures');
    await home.put('IMG_1.jpg', 'a photo');
    expect(sortedFolderName(today)).toBe('Sorted 2026-12-04');
    const first = await sortTarget(asHandle(home), ['red'], [], today);
    expect(first.path).toBe('Pictures/Sorted 2026-12-04');
    const second = await sortTarget(asHandle(home), ['red'], [], today);
    expect(second.path).toBe('Pictures/Sorted 2026-12-04 (2)');
  });

  it('never writes straight into a folder that holds a library folder, even one named like a label', async () => {
    const parent = new MemoryDirectory('Pictures');
    const red = await parent.getDirectoryHandle('red', { create: true });
    const target = await sortTarget(asHandle(parent), ['red'], [{ handle: asHandle(red) }], today);
    expect(target.path).toBe('Pictures/Sorted 2026-12-04');
  });
});
