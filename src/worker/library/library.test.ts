/**
 * The real Library over the real LibraryStore (fake IndexedDB): moves on rescan, and two tabs
 * (two Libraries, two connections, one database, one BroadcastChannel) sharing one library.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import { Library, type LibraryUpdate } from './library.ts';
import { LibraryStore } from './library-store.ts';
import { TabSync } from './tab-sync.ts';
import { contentHash } from '../images/read-image.ts';

/** An in-memory directory, standing in for a handle the directory picker gave. */
class Directory {
  readonly kind = 'directory';
  readonly entries = new Map<string, Directory | FileEntry>();
  constructor(readonly name: string) {}
  async *values() {
    yield* this.entries.values();
  }
  async getDirectoryHandle(name: string) {
    const entry = this.entries.get(name);
    if (entry?.kind !== 'directory') throw new DOMException(name, 'NotFoundError');
    return entry;
  }
  async getFileHandle(name: string) {
    const entry = this.entries.get(name);
    if (entry?.kind !== 'file') throw new DOMException(name, 'NotFoundError');
    return entry;
  }
  async queryPermission() {
    return 'granted';
  }
  put(name: string, bytes: string, lastModified: number) {
    this.entries.set(name, new FileEntry(name, bytes, lastModified));
  }
  handle() {
    return this as unknown as FileSystemDirectoryHandle;
  }
}

class FileEntry {
  readonly kind = 'file';
  constructor(
    readonly name: string,
    readonly bytes: string,
    readonly lastModified: number,
  ) {}
  async getFile() {
    return new File([this.bytes], this.name, { lastModified: this.lastModified });
  }
}

const KEY = 'http://h|fake|q8';

/** What classifying an image stores: its record as read, its embedding. */
async function read(library: Library, image: LibraryImage, bytes: string, vector = [1, 0]): Promise<string> {
  const hash = await contentHash(new Blob([bytes]));
  await library.saveRead({ ...image, contentHash: hash, width: 4, height: 4 }, null, null);
  await library.addEmbeddings(KEY, [[hash, Float32Array.from(vector)]]);
  return hash;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('Library rescan', () => {
  async function folderWithCorrectedPhoto() {
    const dir = new Directory('holiday');
    dir.put('IMG_1.png', 'beach bytes', 1);
    dir.put('IMG_2.png', 'sea bytes', 2);
    const library = new Library(new LibraryStore());
    await library.open();
    await library.addFolder({ id: 'f', name: 'holiday', handle: dir.handle() });
    const images = await library.add(await Library.scan(dir.handle()), 'f');
    const beach = images.find((image) => image.name === 'IMG_1.png') as LibraryImage;
    const hash = await read(library, beach, 'beach bytes');
    await read(library, images.find((image) => image.name === 'IMG_2.png') as LibraryImage, 'sea bytes', [0, 1]);
    await library.correct(hash, 'tomato');
    return { dir, library, beach, hash };
  }

  it('a renamed file keeps its record, correction and embedding, after a reload too', async () => {
    const { dir, library, beach, hash } = await folderWithCorrectedPhoto();
    dir.entries.delete('IMG_1.png');
    dir.put('beach.png', 'beach bytes', 5);

    const { added, removed, moved } = await library.rescan('f');
    expect(added).toEqual([]);
    expect(removed).toEqual([]);
    expect(moved.map(({ id, name, path, lastModified }) => ({ id, name, path, lastModified }))).toEqual([
      { id: beach.id, name: 'beach.png', path: 'holiday/beach.png', lastModified: 5 },
    ]);
    expect(library.correctionList()).toMatchObject([{ contentHash: hash, label: 'tomato' }]);

    // A new visit reads what was stored.
    const reloaded = new Library(new LibraryStore());
    await reloaded.open();
    expect(reloaded.get(beach.id)).toMatchObject({ name: 'beach.png', path: 'holiday/beach.png', contentHash: hash });
    expect(reloaded.all()).toHaveLength(2);
    expect(reloaded.correctionList()).toMatchObject([{ contentHash: hash, label: 'tomato' }]);
    expect([...((await reloaded.embeddings(KEY)).get(hash) ?? [])]).toEqual([1, 0]);
  });

  it('a file moved into a subfolder keeps its record', async () => {
    const { dir, library, beach } = await folderWithCorrectedPhoto();
    dir.entries.delete('IMG_1.png');
    const sub = new Directory('2026');
    sub.put('IMG_1.png', 'beach bytes', 1);
    dir.entries.set('2026', sub);
    const { moved, removed } = await library.rescan('f');
    expect(removed).toEqual([]);
    expect(moved.map((image) => [image.id, image.path])).toEqual([[beach.id, 'holiday/2026/IMG_1.png']]);
  });

  it('a file whose content changed is not a move: its correction goes with the old picture', async () => {
    const { dir, library, beach } = await folderWithCorrectedPhoto();
    dir.entries.delete('IMG_1.png');
    dir.put('beach.png', 'other bytes', 5);
    const { added, removed, moved } = await library.rescan('f');
    expect(moved).toEqual([]);
    expect(removed).toEqual([beach.id]);
    expect(added.map((image) => image.name)).toEqual(['beach.png']);
    expect(library.correctionList()).toEqual([]);
  });
});

describe('Library across tabs', () => {
  const channels: TabSync[] = [];
  const NAME = 'library-test';
  afterEach(() => {
    for (const sync of channels.splice(0)) sync.close();
  });

  /** A tab: its own connection to the one database, its own channel, what it heard. */
  async function tab(name: string) {
    const sync = new TabSync(undefined, new BroadcastChannel(NAME), name);
    channels.push(sync);
    const library = new Library(new LibraryStore(), { sync });
    await library.open();
    const heard: Promise<LibraryUpdate | null>[] = [];
    sync.listen((notice) => heard.push(library.receive(notice)));
    /** Waits for `count` notices heard after `mark` (a past `heard.length`), and what they changed. */
    const since = async (mark: number, count = 1) => {
      await expect.poll(() => heard.length, { timeout: 2000, interval: 5 }).toBeGreaterThanOrEqual(mark + count);
      return Promise.all(heard.slice(mark, mark + count));
    };
    return { sync, library, heard, since };
  }

  const image = (id: string, bytes: string) => ({
    id,
    name: `${id}.png`,
    path: null,
    file: new Blob([bytes]),
    lastModified: 1,
  });

  it('an image added in one tab is in the other, then its reading and embedding, then its removal', async () => {
    const a = await tab('A');
    const b = await tab('B');
    const stored = await b.library.embeddings(KEY);

    let mark = b.heard.length;
    const [x] = await a.library.add([image('x', 'x bytes')]);
    const [added] = await b.since(mark);
    expect(added?.images.map((record) => record.id)).toEqual(['x']);
    expect(b.library.get('x')).toMatchObject({ name: 'x.png', contentHash: null });
    // Tab A added it and will read it: tab B knows whose it is.
    expect(b.library.addedBy('x')).toMatchObject({ tab: 'A' });

    mark = b.heard.length;
    const hash = await read(a.library, x, 'x bytes');
    const [readThere, embedded] = await b.since(mark, 2);
    expect(readThere?.images.map((record) => record.contentHash)).toEqual([hash]);
    expect(b.library.get('x')?.contentHash).toBe(hash);
    // Only embeddings: nothing for the page, but B's copy of the set has it.
    expect(embedded).toBeNull();
    expect([...(stored.get(hash) ?? [])]).toEqual([1, 0]);

    mark = b.heard.length;
    await a.library.remove(['x']);
    expect((await b.since(mark))[0]).toMatchObject({ images: [], removed: ['x'] });
    expect(b.library.all()).toEqual([]);
    expect(stored.has(hash)).toBe(false);
  });

  it('corrections, folders and clear-all reach the other tab', async () => {
    const a = await tab('A');
    const b = await tab('B');
    let mark = b.heard.length;
    await a.library.addFolder({ id: 'f', name: 'holiday', handle: new Directory('holiday').handle() });
    await b.since(mark);
    expect(b.library.folderList().map((folder) => folder.name)).toEqual(['holiday']);

    mark = b.heard.length;
    const [x] = await a.library.add([image('x', 'x bytes')]);
    const hash = await read(a.library, x, 'x bytes');
    await b.since(mark, 3);
    mark = b.heard.length;
    await a.library.correct(hash, 'tomato');
    expect((await b.since(mark))[0]).toMatchObject({ corrections: true });
    expect(b.library.correctionList()).toMatchObject([{ contentHash: hash, label: 'tomato' }]);

    mark = b.heard.length;
    await a.library.trashAll();
    expect((await b.since(mark))[0]).toMatchObject({ removed: ['x'] });
    expect(b.library.all()).toEqual([]);
    expect(b.library.folderList()).toEqual([]);
    // In the trash, a picture keeps its correction; emptying the trash drops it in every tab.
    expect(b.library.correctionList()).toHaveLength(1);
    mark = b.heard.length;
    await a.library.emptyTrash(null);
    expect((await b.since(mark))[0]).toMatchObject({ corrections: true });
    expect(b.library.correctionList()).toEqual([]);
  });

  it('a picture read in one tab after another removed it stays removed', async () => {
    const a = await tab('A');
    const b = await tab('B');
    const mark = b.heard.length;
    const [y] = await a.library.add([image('y', 'y bytes')]);
    await b.since(mark);
    // Tab B reads y while tab A removes it: B's late write must not bring it back.
    await a.library.remove(['y']);
    await b.library.saveRead({ ...y, contentHash: 'h', width: 4, height: 4 }, new Blob(['thumb']), null);
    expect(b.library.get('y')).toBeUndefined();
    const reloaded = new Library(new LibraryStore());
    await reloaded.open();
    expect(reloaded.all()).toEqual([]);
    expect(await reloaded.thumbnail({ ...y, contentHash: 'h' })).toBeNull();
  });

  it('a notice read before a change made here does not undo it', async () => {
    const a = await tab('A');
    const b = await tab('B');
    const mark = b.heard.length;
    await a.library.add([image('z', 'z bytes')]);
    await b.since(mark);
    // A notice about z reaches B, whose lock is busy; B removes z meanwhile: the notice reads z
    // (its read queued before B's write), but B's newer change stands.
    let release: () => void = () => undefined;
    const busy = b.sync.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    const late = b.library.receive({ from: 'A', images: ['z'] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const removal = b.library.remove(['z']);
    release();
    await Promise.all([busy, late, removal]);
    expect(b.library.get('z')).toBeUndefined();
  });
});
