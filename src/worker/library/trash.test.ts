import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryImage, NewImage } from '../../shared/library.ts';
import { TRASH_KEEP_MS, type LibraryWriteFailure } from '../../shared/trash.ts';
import { Library } from './library.ts';
import { LibraryStore, libraryConnection } from './library-store.ts';

const KEY = 'host|model|q8';
const DAY = 86_400_000;

const newImage = (id: string, bytes = id): NewImage => ({
  id,
  name: `${id}.png`,
  path: null,
  file: new Blob([bytes]),
  lastModified: 1,
});

/** One tab's library over the shared (fake) IndexedDB, with its own connection and clock. */
function tab(now: () => number = Date.now) {
  const store = new LibraryStore(libraryConnection());
  const library = new Library(store, { now });
  const failures: LibraryWriteFailure[] = [];
  library.onWriteFailed = (failure) => failures.push(failure);
  return { store, library, failures };
}

/** Reads an added image as the service does: its hash, thumbnail and embedding. */
async function read(library: Library, id: string, hash: string): Promise<LibraryImage> {
  const image = library.get(id) as LibraryImage;
  const kept = await library.saveRead(
    { ...image, contentHash: hash, width: 4, height: 3, source: Library.sourceAfterRead(image, false) },
    new Blob(['thumb']),
    null,
  );
  await library.addEmbeddings(KEY, [[hash, Float32Array.of(1, 0)]]);
  return kept;
}

/** What the database keeps of one content hash. */
async function kept(store: LibraryStore, hash: string) {
  return {
    thumbnail: (await store.thumbnail(hash)) !== undefined,
    embedding: (await store.embeddings(KEY)).has(hash),
    correction: (await store.corrections()).some((c) => c.contentHash === hash),
  };
}

const ALL_KEPT = { thumbnail: true, embedding: true, correction: true };
const NONE_KEPT = { thumbnail: false, embedding: false, correction: false };

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe('the trash', () => {
  it('keeps a trashed image with everything of its content across a reload, and restores it', async () => {
    const first = tab();
    await first.library.add([newImage('a')]);
    await read(first.library, 'a', 'H');
    await first.library.correct('H', 'cat');
    expect(await first.library.trash(['a'])).toEqual(['a']);
    expect(first.library.all()).toEqual([]);

    const reload = tab();
    await reload.library.open();
    expect(reload.library.all()).toEqual([]);
    expect((await reload.library.trashList()).map((entry) => entry.id)).toEqual(['a']);
    expect(await kept(reload.store, 'H')).toEqual(ALL_KEPT);
    const [back] = await reload.library.restore(['a']);
    expect(back).toMatchObject({ id: 'a', contentHash: 'H', source: 'file' });
    expect((await reload.library.embeddings(KEY)).has('H')).toBe(true);
    expect(await reload.library.trashList()).toEqual([]);
    expect((await reload.store.file('a')) !== undefined).toBe(true);
  });

  it('purging one of two records sharing a hash keeps the hash’s data; purging the last deletes it', async () => {
    const { store, library } = tab();
    await library.add([newImage('a', 'same'), newImage('b', 'same bytes, other name')]);
    await read(library, 'a', 'H');
    await read(library, 'b', 'H');
    await library.correct('H', 'cat');
    await library.trash(['a']);
    await library.emptyTrash(null);
    expect(await kept(store, 'H')).toEqual(ALL_KEPT);
    expect((await store.images()).map((image) => image.id)).toEqual(['b']);
    expect(await store.file('a')).toBeUndefined();

    await library.trash(['b']);
    await library.emptyTrash(['b']);
    expect(await kept(store, 'H')).toEqual(NONE_KEPT);
    expect(await library.trashList()).toEqual([]);
  });

  it('a hash still used by a trashed record survives the purge of another', async () => {
    const { store, library } = tab();
    await library.add([newImage('a'), newImage('b')]);
    await read(library, 'a', 'H');
    await read(library, 'b', 'H');
    await library.correct('H', 'cat');
    await library.trash(['a', 'b']);
    await library.emptyTrash(['a']);
    expect(await kept(store, 'H')).toEqual(ALL_KEPT);
    expect((await library.trashList()).map((entry) => entry.id)).toEqual(['b']);
  });

  it('decides orphans from the database, not a tab’s memory: a duplicate another tab added keeps its data', async () => {
    const tabB = tab();
    await tabB.library.add([newImage('y')]);
    await read(tabB.library, 'y', 'H');
    // Tab A opens the same library, and adds a duplicate of Y that tab B's memory never hears of.
    const tabA = tab();
    await tabA.library.open();
    await tabA.library.add([newImage('dup')]);
    await read(tabA.library, 'dup', 'H');
    // Tab B removes Y and empties its trash; then also removes Y's record for good the rescan way.
    await tabB.library.trash(['y']);
    await tabB.library.emptyTrash(null);
    expect(await kept(tabB.store, 'H')).toMatchObject({ thumbnail: true, embedding: true });
    const reload = tab();
    await reload.library.open();
    expect(reload.library.all().map((image) => image.id)).toEqual(['dup']);
    expect((await reload.library.embeddings(KEY)).has('H')).toBe(true);
    expect(await reload.library.thumbnail(reload.library.get('dup') as LibraryImage)).not.toBeNull();
  });

  it('a removal for good (rescan, duplicate) also asks the database what is orphaned', async () => {
    const tabB = tab();
    await tabB.library.add([newImage('y')]);
    await read(tabB.library, 'y', 'H');
    const tabA = tab();
    await tabA.library.open();
    await tabA.library.add([newImage('dup')]);
    await read(tabA.library, 'dup', 'H');
    await tabB.library.remove(['y']);
    expect(await kept(tabB.store, 'H')).toMatchObject({ thumbnail: true, embedding: true });
    await tabA.library.remove(['dup']);
    expect(await kept(tabA.store, 'H')).toMatchObject({ thumbnail: false, embedding: false });
  });

  it('purges what has been in the trash for 30 days when the library opens, and keeps younger ones', async () => {
    const start = Date.UTC(2026, 0, 1);
    const first = tab(() => start);
    await first.library.add([newImage('old'), newImage('young')]);
    await read(first.library, 'old', 'OLD');
    await read(first.library, 'young', 'YOUNG');
    await first.library.trash(['old']);
    const later = tab(() => start + 10 * DAY);
    await later.library.trash(['young']);

    const day29 = tab(() => start + 29 * DAY);
    expect((await day29.library.trashList()).map((entry) => entry.id).sort()).toEqual(['old', 'young']);
    expect(await kept(day29.store, 'OLD')).toMatchObject({ thumbnail: true, embedding: true });

    const day31 = tab(() => start + TRASH_KEEP_MS + DAY);
    expect((await day31.library.trashList()).map((entry) => entry.id)).toEqual(['young']);
    expect(await kept(day31.store, 'OLD')).toMatchObject({ thumbnail: false, embedding: false });
    expect(await kept(day31.store, 'YOUNG')).toMatchObject({ thumbnail: true, embedding: true });
  });

  it('Clear all in one tab also trashes (and offers to undo) an image another tab added', async () => {
    const tabB = tab();
    await tabB.library.add([newImage('b')]);
    const tabA = tab();
    await tabA.library.open();
    await tabA.library.add([newImage('a')]);
    expect((await tabB.library.trashAll()).sort()).toEqual(['a', 'b']);
    expect((await tabB.library.restore(['a', 'b'])).map((image) => image.id).sort()).toEqual(['a', 'b']);
    expect((await tabB.store.images()).map((image) => image.id).sort()).toEqual(['a', 'b']);
  });

  it('Clear all moves every image to the trash and forgets the folders; a restored folder image comes back loose', async () => {
    const { store, library } = tab();
    const handle = { name: 'photos' } as FileSystemDirectoryHandle;
    await library.addFolder({ id: 'f', name: 'photos', handle: structuredCloneable(handle) });
    await library.add([newImage('loose')]);
    await library.add([{ ...newImage('inFolder'), path: 'photos/inFolder.png' }], 'f');
    expect((await library.trashAll()).sort()).toEqual(['inFolder', 'loose']);
    expect(library.all()).toEqual([]);
    expect(await store.folders()).toEqual([]);
    const back = await library.restore(['inFolder', 'loose']);
    expect(back.find((image) => image.id === 'inFolder')).toMatchObject({ folderId: null, source: 'none' });
    expect(back.find((image) => image.id === 'loose')).toMatchObject({ source: 'file' });
    expect(library.all().map((image) => image.id)).toEqual(['loose', 'inFolder']);
  });
});

/** fake-indexeddb clones values: a plain object stands in for a directory handle. */
function structuredCloneable(handle: FileSystemDirectoryHandle): FileSystemDirectoryHandle {
  return { name: handle.name } as FileSystemDirectoryHandle;
}

describe('failed writes', () => {
  const originalPut = IDBObjectStore.prototype.put;
  afterEach(() => {
    IDBObjectStore.prototype.put = originalPut;
  });

  /**
   * Storage that is full for one object store: its puts fail as a browser's do, asynchronously, with
   * a QuotaExceededError that aborts the whole transaction (fake-indexeddb's request queue, used as is).
   */
  function fillStore(name: string) {
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name !== name) return originalPut.apply(this, args);
      const transaction = this.transaction as IDBTransaction & {
        _execRequestAsync(request: { operation(): never; source: IDBObjectStore }): IDBRequest<IDBValidKey>;
      };
      return transaction._execRequestAsync({
        operation: () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
        source: this,
      });
    };
  }

  it('says at once which files were not kept when storing them fails, and keeps nothing half-written', async () => {
    const { store, library, failures } = tab();
    await library.open();
    fillStore('files');
    await library.add([newImage('a'), newImage('b')]);
    expect(failures).toEqual([expect.objectContaining({ action: 'add', reason: 'quota', names: ['a.png', 'b.png'] })]);
    expect(library.problem).toBe('quota');
    expect(await store.images()).toEqual([]);
  });

  it('a record whose file was never stored does not claim it after its reading is stored', async () => {
    const { store, library, failures } = tab();
    await library.open();
    fillStore('files');
    await library.add([newImage('a')]);
    IDBObjectStore.prototype.put = originalPut;
    const stored = await read(library, 'a', 'H');
    expect(failures.map((failure) => failure.action)).toEqual(['add']);
    expect(stored.source).toBe('none');
    expect((await store.images())[0]).toMatchObject({ id: 'a', source: 'none', contentHash: 'H' });
    expect(library.get('a')?.source).toBe('none');
  });

  it('names the image whose reading (thumbnail, copy) could not be stored', async () => {
    const { library, failures } = tab();
    await library.add([newImage('a')]);
    fillStore('thumbnails');
    await read(library, 'a', 'H');
    expect(failures[0]).toMatchObject({ action: 'read', reason: 'quota', names: ['a.png'] });
  });

  it('a failed move to the trash is said, naming the images', async () => {
    const { library, failures } = tab();
    await library.add([newImage('a')]);
    fillStore('trash');
    await library.trash(['a']);
    expect(failures[0]).toMatchObject({ action: 'trash', reason: 'quota', names: ['a.png'] });
  });
});
