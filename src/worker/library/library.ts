/**
 * The worker's view of the library: every image record in memory (in the order they came), the
 * files of this visit, the embeddings of the model in use, and the IndexedDB store behind them.
 * Without a usable store it keeps everything in memory for the visit.
 */
import type { ImageFailure } from '../../shared/failures.ts';
import {
  imageKey,
  type LibraryFolder,
  type LibraryImage,
  type LibraryProblem,
  type NewImage,
} from '../../shared/library.ts';
import type { Correction } from '../../shared/protocol.ts';
import {
  TRASH_KEEP_MS,
  type LibraryWriteAction,
  type LibraryWriteFailure,
  type TrashedImage,
} from '../../shared/trash.ts';
import { KEEP_ORIGINAL_BYTES, contentHash } from '../images/read-image.ts';
import type { FolderRecord, LibraryStore } from './library-store.ts';
import { lockedReaders, unmarked, type Readers } from './reading-marks.ts';
import { aloneSync, type LibraryChange, type LibraryNotice, type LibrarySync } from './tab-sync.ts';
import { moveCandidates, pairMoves } from './moves.ts';

/** Files a folder scan takes (HEIC and TIFF get a message; SVG needs the page to draw it, so it is dropped there instead). */
const IMAGE_FILE = /\.(png|jpe?g|jfif|webp|gif|avif|bmp|ico|heic|heif|tiff?)$/i;

/** What identifies a file added again: where it was, its size and its date. */
function identity(file: { name: string; path: string | null; size: number; lastModified: number }): string {
  return JSON.stringify([file.path ?? file.name, file.size, file.lastModified]);
}

/** What another tab's change did to this tab's library, for the page. */
export interface LibraryUpdate {
  /** Records new or changed. */
  images: LibraryImage[];
  /** Records gone from the library. */
  removed: string[];
  /** The corrections changed. */
  corrections: boolean;
}

export class Library {
  private readonly images = new Map<string, LibraryImage>();
  /** Files handed over in this visit (Blobs: handles, not copies). */
  private readonly files = new Map<string, Blob>();
  private readonly folders = new Map<string, FolderRecord>();
  /** Label of each corrected picture, by content hash. */
  private readonly corrections = new Map<string, Correction>();
  private readonly embeddingSets = new Map<string, Promise<Map<string, Float32Array>>>();
  private opened: Promise<void> | null = null;
  private counter = 0;
  /** Images failed on opening because their reader stopped, until `takeStopped` hands them out. */
  private stopped: LibraryImage[] = [];
  /** The trash as last read (names for failures); the trash itself where there is no store. */
  private readonly trashed = new Map<string, TrashedImage>();
  /** Why the library is not (fully) kept across visits, if it is not. */
  problem: LibraryProblem | null = null;
  /** Told at once when a write fails, with what was not kept (the page shows it). */
  onWriteFailed: (failure: LibraryWriteFailure) => void = () => undefined;
  /** When each record was last changed here (`image:`, `folder:`, `correction:` keys), so a notice read earlier does not undo it. */
  private readonly touched = new Map<string, number>();
  private stamp = 0;
  /** Images another tab added (unread when this one heard of them): that tab, and when this one heard. */
  private readonly foreign = new Map<string, { tab: string; at: number }>();
  /** Notices of other tabs, applied one after another. */
  private notices: Promise<unknown> = Promise.resolve();

  /** Who reads images now (see reading-marks.ts). */
  private readonly readers: Readers;
  /** Images whose add was not stored (a failed write): their reading stores the record anew. */
  private readonly unstored = new Set<string>();
  /** The other tabs: their writes' lock and their notices. */
  readonly sync: LibrarySync;
  private readonly now: () => number;

  constructor(
    private store: LibraryStore | null,
    options: {
      /** Who reads images now (see reading-marks.ts). */
      readers?: Readers;
      now?: () => number;
      sync?: LibrarySync;
    } = {},
  ) {
    this.readers = options.readers ?? lockedReaders();
    this.now = options.now ?? Date.now;
    this.sync = options.sync ?? aloneSync();
  }

  /** Loads the records once; a store that cannot be opened leaves an empty, in-memory library. */
  open(): Promise<void> {
    this.opened ??= (async () => {
      if (!this.store) {
        this.problem = 'unavailable';
        return;
      }
      try {
        const [images, folders, corrections] = await Promise.all([
          this.store.images(),
          this.store.folders(),
          this.store.corrections(),
        ]);
        images.sort((a, b) => a.addedAt - b.addedAt);
        const stopped = await this.failStoppedReads(images);
        this.stopped = [...stopped.values()];
        for (const image of images) this.images.set(image.id, stopped.get(image.id) ?? unmarked(image));
        for (const folder of folders) this.folders.set(folder.id, folder);
        for (const correction of corrections) this.corrections.set(correction.contentHash, correction);
        this.counter = images.reduce((max, image) => Math.max(max, image.addedAt), 0);
      } catch {
        // No IndexedDB (private window, blocked site data): the library lives for this visit only.
        this.store = null;
        this.problem = 'unavailable';
        return;
      }
      // Trashed images older than the trash keeps them go for good, on open.
      const expired = await this.write((store) => store.purge({ before: this.now() - TRASH_KEEP_MS }), {
        action: 'purge',
        names: [],
        change: { corrections: 'all' },
      });
      if (expired) this.forget(expired.orphaned);
    })();
    return this.opened;
  }

  /**
   * Reads the records again: a restore wrote to the store (in one transaction) behind this
   * library's back. The other tabs read everything again too.
   */
  async reload(): Promise<void> {
    await this.open();
    this.images.clear();
    this.folders.clear();
    this.corrections.clear();
    this.embeddingSets.clear();
    this.opened = null;
    await this.open();
    this.sync.announce({ images: 'all', folders: true, corrections: 'all' });
  }

  /**
   * Images whose reader stopped while reading them (a crash, a closed tab): failed and stored so,
   * never read again by themselves. Marks of a reader still running (another tab) are left alone.
   */
  private async failStoppedReads(images: readonly LibraryImage[]): Promise<Map<string, LibraryImage>> {
    const marked = images.filter((image) => image.reading !== undefined);
    if (marked.length === 0) return new Map();
    const running = await this.readers.running();
    const stopped = marked
      .filter((image) => !running.has(image.reading as string))
      .map((image): LibraryImage => ({ ...unmarked(image), failure: { code: 'stopped-reading' } }));
    if (stopped.length > 0)
      await this.write((store) => store.putImages(stopped), {
        action: 'read',
        names: stopped.map(imageKey),
        change: { images: stopped.map((image) => image.id) },
      });
    return new Map(stopped.map((image) => [image.id, image]));
  }

  /**
   * Runs a write; a full quota or a failing store leaves the library in memory, and says so at once,
   * naming what was not kept. Resolves with the write's result, or undefined when it failed.
   */
  private async write<T>(
    work: (store: LibraryStore) => Promise<T>,
    /** `names` may be a function: worked out only when the write fails. */
    what: {
      action: LibraryWriteAction;
      names: readonly string[] | (() => string[]);
      /** What the other tabs must read again. */
      change?: LibraryChange;
    },
  ): Promise<T | undefined> {
    const store = this.store;
    if (!store) return undefined;
    try {
      return await this.sync.exclusive(() => work(store));
    } catch (error) {
      const quota = isQuotaError(error);
      this.problem = quota ? 'quota' : 'store-failed';
      this.onWriteFailed({
        action: what.action,
        reason: quota ? 'quota' : 'store-failed',
        names: [...new Set(typeof what.names === 'function' ? what.names() : what.names)],
        detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return undefined;
    } finally {
      // Said even after a failure: the other tabs re-read, and find what was really kept.
      this.sync.announce(what.change ?? {});
    }
  }

  /** Marks records changed here now (see `touched`). */
  private touch(kind: 'image' | 'folder' | 'correction', keys: Iterable<string>): void {
    const stamp = ++this.stamp;
    for (const key of keys) this.touched.set(`${kind}:${key}`, stamp);
  }

  /** Whether a record changed here after `since` (a notice read before that must not overwrite it). */
  private changedSince(kind: 'image' | 'folder' | 'correction', key: string, since: number): boolean {
    return (this.touched.get(`${kind}:${key}`) ?? 0) > since || (this.touched.get(`${kind}:*`) ?? 0) > since;
  }

  /** The tab that added an image, and when this one heard of it (null: added or read here). */
  addedBy(id: string): { tab: string; at: number } | null {
    return this.foreign.get(id) ?? null;
  }

  /**
   * Another tab changed the library: what it touched is read again from the store (under the
   * write lock, so no write is half-done) and replaces this tab's copy. Resolves with what changed
   * for the page, or null when the page need not hear of it (only embeddings, say).
   */
  receive(notice: LibraryNotice): Promise<LibraryUpdate | null> {
    const applied = this.notices.then(() => this.apply(notice));
    this.notices = applied.catch(() => undefined);
    return applied;
  }

  private async apply(notice: LibraryNotice): Promise<LibraryUpdate | null> {
    await this.open();
    const store = this.store;
    if (!store) return null;
    const since = this.stamp;
    const { images: imageIds, corrections: hashes, embeddings } = notice;
    const read = await this.sync.exclusive(async () => {
      const all = imageIds === 'all' ? new Map((await store.images()).map((image) => [image.id, image])) : null;
      const ids: string[] = all
        ? [...new Set([...this.images.keys(), ...all.keys()])]
        : imageIds === 'all' || imageIds === undefined
          ? []
          : imageIds;
      const records = all ? ids.map((id) => all.get(id)) : await store.imagesById(ids);
      return {
        ids,
        records,
        folders: notice.folders ? await store.folders() : null,
        corrections: hashes ? await store.corrections() : null,
        vectors: embeddings ? await store.embeddingsOf(embeddings.key, embeddings.hashes) : null,
      };
    });
    const update: LibraryUpdate = { images: [], removed: [], corrections: false };
    // Everything may have changed (a restore, say): embeddings are read from the store again when asked for.
    if (imageIds === 'all') this.embeddingSets.clear();
    read.ids.forEach((id, i) => {
      if (this.changedSince('image', id, since)) return;
      const record = read.records[i];
      const known = this.images.get(id);
      if (!record) {
        if (!known) return;
        this.images.delete(id);
        this.files.delete(id);
        this.foreign.delete(id);
        update.removed.push(id);
        return;
      }
      this.images.set(id, unmarked(record));
      this.counter = Math.max(this.counter, record.addedAt);
      // Unread when heard of: that tab's (kept after it reads it: its embedding follows the read).
      if (record.width === 0 && !this.foreign.has(id)) this.foreign.set(id, { tab: notice.from, at: Date.now() });
      update.images.push(unmarked(record));
    });
    if (update.removed.length > 0) this.dropUnusedEmbeddings();
    if (read.folders) {
      const present = new Set(read.folders.map((folder) => folder.id));
      for (const id of this.folders.keys()) {
        if (!present.has(id) && !this.changedSince('folder', id, since)) this.folders.delete(id);
      }
      for (const folder of read.folders) {
        if (!this.changedSince('folder', folder.id, since)) this.folders.set(folder.id, folder);
      }
    }
    if (read.corrections && hashes) {
      const stored = new Map(read.corrections.map((correction) => [correction.contentHash, correction]));
      const keys = hashes === 'all' ? new Set([...this.corrections.keys(), ...stored.keys()]) : hashes;
      for (const hash of keys) {
        if (this.changedSince('correction', hash, since)) continue;
        const correction = stored.get(hash);
        if (correction) this.corrections.set(hash, correction);
        else this.corrections.delete(hash);
      }
      update.corrections = true;
    }
    if (embeddings && read.vectors) {
      const set = this.embeddingSets.get(embeddings.key);
      // A set not read yet will find them in the store when it is.
      if (set) {
        const vectors = read.vectors;
        await set.then((known) => vectors.forEach((vector, hash) => known.set(hash, vector)));
      }
    }
    const changed = update.images.length > 0 || update.removed.length > 0 || read.folders || update.corrections;
    return changed ? update : null;
  }

  /** Embeddings in memory of pictures no longer in the library (the store dropped them with the last record). */
  private dropUnusedEmbeddings(): void {
    const used = new Set([...this.images.values()].map((image) => image.contentHash));
    for (const set of this.embeddingSets.values()) {
      void set.then((embeddings) => {
        for (const hash of embeddings.keys()) if (!used.has(hash)) embeddings.delete(hash);
      });
    }
  }

  all(): LibraryImage[] {
    return [...this.images.values()];
  }

  get(id: string): LibraryImage | undefined {
    return this.images.get(id);
  }

  /** An image in the trash as last listed (for its thumbnail in the trash view). */
  trashedImage(id: string): LibraryImage | undefined {
    return this.trashed.get(id)?.image;
  }

  folderList(): LibraryFolder[] {
    const counts = new Map<string, number>();
    for (const image of this.images.values()) {
      if (image.folderId) counts.set(image.folderId, (counts.get(image.folderId) ?? 0) + 1);
    }
    return [...this.folders.values()].map(({ id, name, handle }) => ({
      id,
      name,
      handle,
      images: counts.get(id) ?? 0,
    }));
  }

  folder(id: string): FolderRecord | undefined {
    return this.folders.get(id);
  }

  async addFolder(folder: FolderRecord): Promise<void> {
    this.folders.set(folder.id, folder);
    this.touch('folder', [folder.id]);
    await this.write((store) => store.putFolder(folder), {
      action: 'folder',
      names: [folder.name],
      change: { folders: true },
    });
  }

  /**
   * Adds images. Loose files are stored with them until they have been read (so an interrupted run
   * goes on after a reload); small ones stay stored, as the copy another model will read. A file
   * added again (same name or path, size and date) whose record lost its file gets it back.
   */
  async add(news: readonly NewImage[], folderId: string | null = null): Promise<LibraryImage[]> {
    await this.open();
    const lost = new Map<string, LibraryImage>();
    const present = new Set<string>();
    for (const image of this.images.values()) {
      if (image.source === 'none') lost.set(identity(image), image);
      else present.add(identity(image));
    }
    const records: LibraryImage[] = [];
    const kept = new Map<string, Blob>();
    for (const { id, name, path, file, lastModified } of news) {
      // Sent again to a fresh worker after a crash, when the old one had stored it already: answered as stored.
      const stored = this.images.get(id);
      if (stored) {
        records.push(stored);
        this.files.set(id, file);
        continue;
      }
      const key = identity({ name, path, size: file.size, lastModified });
      // The same file added again is already in the library.
      if (present.has(key)) continue;
      present.add(key);
      const found = lost.get(key);
      const source = folderId ? 'folder' : 'file';
      const record: LibraryImage = found
        ? { ...found, folderId: folderId ?? found.folderId, source, failure: null }
        : {
            id,
            name,
            path,
            folderId,
            size: file.size,
            lastModified,
            addedAt: ++this.counter,
            contentHash: null,
            width: 0,
            height: 0,
            notes: [],
            failure: null,
            source,
          };
      records.push(record);
      this.images.set(record.id, record);
      this.files.set(record.id, file);
      if (!folderId) kept.set(record.id, file);
    }
    const ids = records.map((record) => record.id);
    this.touch('image', ids);
    const added = await this.write(
      async (store) => {
        await store.addImages(records, kept);
        return true;
      },
      {
        action: 'add',
        names: records.map(imageKey),
        change: { images: ids },
      },
    );
    if (!added) for (const id of ids) this.unstored.add(id);
    return records;
  }

  /** Every image file in a folder (recursively), with its path starting at the folder's own name. */
  static async scan(handle: FileSystemDirectoryHandle): Promise<NewImage[]> {
    const found: NewImage[] = [];
    const walk = async (directory: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      const entries: (FileSystemFileHandle | FileSystemDirectoryHandle)[] = [];
      for await (const entry of directory.values()) entries.push(entry);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = `${prefix}/${entry.name}`;
        if (entry.kind === 'directory') await walk(entry as FileSystemDirectoryHandle, path);
        else if (IMAGE_FILE.test(entry.name)) {
          const file = await (entry as FileSystemFileHandle).getFile();
          found.push({ id: crypto.randomUUID(), name: file.name, path, file, lastModified: file.lastModified });
        }
      }
    };
    await walk(handle, handle.name);
    return found;
  }

  /**
   * A folder's files against what the library has of it: new or changed files (by size and date,
   * then by content) are added, removed ones dropped, and a file that vanished from one path and
   * appeared at another with the same content is moved (it keeps its record). Returns what changed.
   */
  async rescan(folderId: string): Promise<{ added: LibraryImage[]; removed: string[]; moved: LibraryImage[] }> {
    const folder = this.folders.get(folderId);
    if (!folder) return { added: [], removed: [], moved: [] };
    const files = await Library.scan(folder.handle);
    const known = new Map<string, LibraryImage>();
    for (const image of this.images.values())
      if (image.folderId === folderId && image.path) known.set(image.path, image);
    const fresh: NewImage[] = [];
    const changed: string[] = [];
    for (const file of files) {
      const existing = known.get(file.path ?? '');
      known.delete(file.path ?? '');
      if (!existing) fresh.push(file);
      else if (existing.size !== file.file.size || existing.lastModified !== file.lastModified) {
        // Touched but the same bytes: only its date changes.
        if (existing.contentHash && (await contentHash(file.file)) === existing.contentHash) {
          const touched = { ...existing, lastModified: file.lastModified };
          this.images.set(touched.id, touched);
          this.touch('image', [touched.id]);
          await this.write((store) => store.putImages([touched]), {
            action: 'add',
            names: [imageKey(touched)],
            change: { images: [touched.id] },
          });
        } else {
          changed.push(existing.id);
          fresh.push(file);
        }
      }
    }
    // Moved before anything is removed: the record, its embeddings and its correction follow the file.
    const moved = await this.move([...known.values()], fresh);
    const movedIds = new Set(moved.map((image) => image.id));
    const movedPaths = new Set(moved.map((image) => image.path));
    const removed = [...known.values()]
      .filter((image) => !movedIds.has(image.id))
      .map((image) => image.id)
      .concat(changed);
    await this.remove(removed);
    const added = await this.add(
      fresh.filter((file) => !movedPaths.has(file.path)),
      folderId,
    );
    return { added, removed, moved };
  }

  /** Vanished records that reappear among the new files (same content): each takes its file's name, path and date. */
  private async move(vanished: readonly LibraryImage[], fresh: readonly NewImage[]): Promise<LibraryImage[]> {
    const records = vanished.map(({ id, contentHash, size, path }) => ({ id, contentHash, size, path: path ?? '' }));
    const arrived = fresh.map((file) => ({ path: file.path ?? '', size: file.file.size, file }));
    const hashed: ((typeof arrived)[number] & { contentHash: string })[] = [];
    // One file read at a time: only files of a vanished record's size are hashed at all.
    for (const candidate of moveCandidates(records, arrived)) {
      hashed.push({ ...candidate, contentHash: await contentHash(candidate.file.file) });
    }
    const pairs = pairMoves(records, hashed);
    const moved: LibraryImage[] = [];
    for (const { path, file } of hashed) {
      const record = this.images.get(pairs.get(path) ?? '');
      if (!record) continue;
      moved.push({ ...record, name: file.name, path: file.path, lastModified: file.lastModified, source: 'folder' });
    }
    if (moved.length === 0) return [];
    for (const image of moved) this.images.set(image.id, image);
    const ids = moved.map((image) => image.id);
    this.touch('image', ids);
    await this.write((store) => store.putImages(moved), {
      action: 'add',
      names: moved.map(imageKey),
      change: { images: ids },
    });
    return moved;
  }

  /** The file an image can be read from now, or null when it must be added again. */
  async source(image: LibraryImage): Promise<Blob | null> {
    const inMemory = this.files.get(image.id);
    if (inMemory) return inMemory;
    const stored = await this.store?.file(image.id).catch(() => undefined);
    if (stored) return stored;
    if (image.contentHash) {
      const copy = await this.store?.copy(image.contentHash).catch(() => undefined);
      if (copy) return copy;
    }
    if (image.folderId && image.path) return this.folderFile(image.folderId, image.path);
    return null;
  }

  /** An image's file for a ZIP or a folder: the original where it is here, else the kept copy. */
  async fileOf(image: LibraryImage): Promise<{ file: Blob; kind: 'original' | 'copy' } | null> {
    const original =
      this.files.get(image.id) ??
      (await this.store?.file(image.id).catch(() => undefined)) ??
      (image.folderId && image.path ? await this.folderFile(image.folderId, image.path) : null);
    if (original) return { file: original, kind: 'original' };
    const copy = image.contentHash ? await this.store?.copy(image.contentHash).catch(() => undefined) : undefined;
    return copy ? { file: copy, kind: 'copy' } : null;
  }

  private async folderFile(folderId: string, path: string): Promise<Blob | null> {
    const folder = this.folders.get(folderId);
    if (!folder) return null;
    try {
      if ((await folder.handle.queryPermission({ mode: 'read' })) !== 'granted') return null;
      const parts = path.split('/');
      let directory = folder.handle;
      // The path starts with the folder's own name.
      for (const part of parts.slice(1, -1)) directory = await directory.getDirectoryHandle(part);
      return await (await directory.getFileHandle(parts[parts.length - 1])).getFile();
    } catch {
      return null;
    }
  }

  /** Another record of the same file (same name or path, same content): this one was added again. */
  sameFile(image: LibraryImage, hash: string): LibraryImage | undefined {
    const key = image.path ?? image.name;
    for (const other of this.images.values()) {
      if (other.id !== image.id && other.contentHash === hash && (other.path ?? other.name) === key) return other;
    }
    return undefined;
  }

  /** The first other image with this content that has been read, if any (a duplicate). */
  readTwin(image: LibraryImage, hash: string): LibraryImage | undefined {
    for (const other of this.images.values()) {
      if (other.id !== image.id && other.contentHash === hash && other.width > 0) return other;
    }
    return undefined;
  }

  /** Whether a read file is kept as it is (small loose files) rather than as a copy. */
  static keepsOriginal(image: LibraryImage): boolean {
    return image.folderId === null && image.size <= KEEP_ORIGINAL_BYTES;
  }

  /** Where an image can be read again once its file has been read (and, if loose and large, dropped). */
  static sourceAfterRead(image: LibraryImage, copied: boolean): LibraryImage['source'] {
    if (image.folderId) return 'folder';
    if (Library.keepsOriginal(image)) return 'file';
    return copied ? 'copy' : 'none';
  }

  /** Bytes the library keeps, for the storage panel. */
  async size(): Promise<number> {
    return (await this.store?.size().catch(() => 0)) ?? 0;
  }

  /** The images failed on opening because their reader stopped, once (a page that restarted its worker has not heard). */
  takeStopped(): LibraryImage[] {
    const stopped = this.stopped;
    this.stopped = [];
    return stopped;
  }

  /**
   * Marks images as being read by this worker, in one write, before any of them is decoded: if one
   * stops the page, the next visit fails it (see reading-marks.ts). The write that ends each
   * reading (`saveRead`, `fail`, `endReading`) clears its mark.
   */
  async markReading(images: readonly LibraryImage[]): Promise<void> {
    if (images.length === 0) return;
    const reading = this.readers.self;
    await this.write((store) => store.putImages(images.map((image) => ({ ...unmarked(image), reading }))), {
      action: 'read',
      names: images.map(imageKey),
    });
  }

  /** Clears the marks of images whose reading ended without a record to save (no file, a read for another model). */
  async endReading(images: readonly LibraryImage[]): Promise<void> {
    const current = images.map((image) => this.images.get(image.id)).filter((image) => image !== undefined);
    if (current.length > 0)
      await this.write((store) => store.putImages(current.map(unmarked)), {
        action: 'read',
        names: current.map(imageKey),
      });
  }

  /**
   * Records what reading found; thumbnails and copies are stored with it. Returns the record as
   * kept: one whose file the store never got no longer claims it.
   */
  async saveRead(read: LibraryImage, thumbnail: Blob | null, copy: Blob | null): Promise<LibraryImage> {
    const image = unmarked(read);
    this.images.set(image.id, image);
    this.files.delete(image.id);
    this.foreign.delete(image.id);
    this.touch('image', [image.id]);
    const stored = await this.write(
      (store) =>
        store.saveRead({
          image,
          thumbnail,
          copy,
          keepFile: Library.keepsOriginal(image),
          create: this.unstored.has(image.id),
        }),
      { action: 'read', names: [imageKey(image)], change: { images: [image.id] } },
    );
    if (stored) this.unstored.delete(image.id);
    // Removed meanwhile (by another tab): it stays removed.
    if (stored === null) this.images.delete(image.id);
    else if (stored && stored !== image && this.images.get(image.id) === image) this.images.set(image.id, stored);
    return stored ?? image;
  }

  async fail(image: LibraryImage, failure: ImageFailure): Promise<LibraryImage> {
    const failed = { ...unmarked(image), failure };
    this.images.set(image.id, failed);
    this.touch('image', [image.id]);
    await this.write((store) => store.putImages([failed]), {
      action: 'read',
      names: [imageKey(image)],
      change: { images: [image.id] },
    });
    return failed;
  }

  async thumbnail(image: LibraryImage): Promise<Blob | null> {
    if (!image.contentHash) return null;
    return (await this.store?.thumbnail(image.contentHash).catch(() => undefined)) ?? null;
  }

  /**
   * Removes images for good (a folder's file gone, a duplicate record); the data of their content
   * goes only where nothing else uses it, as the store decides in its transaction.
   */
  async remove(ids: readonly string[]): Promise<void> {
    const removed = ids.map((id) => this.images.get(id)).filter((image) => image !== undefined);
    for (const { id } of removed) {
      this.images.delete(id);
      this.files.delete(id);
    }
    this.touch('image', ids);
    const orphaned = this.store
      ? await this.write((store) => store.removeImages(ids), {
          action: 'purge',
          names: removed.map(imageKey),
          change: { images: [...ids], corrections: 'all' },
        })
      : this.orphansInMemory(removed);
    this.forget(orphaned ?? []);
  }

  /** Without a store, the only library is this memory: what no image or trashed image still uses. */
  private orphansInMemory(gone: readonly LibraryImage[]): string[] {
    const used = new Set(
      [...this.images.values(), ...[...this.trashed.values()].map((entry) => entry.image)].map(
        (image) => image.contentHash,
      ),
    );
    return [...new Set(gone.map((image) => image.contentHash))].filter(
      (hash): hash is string => hash !== null && !used.has(hash),
    );
  }

  /** Drops what memory holds of hashes whose data was deleted. */
  private forget(orphaned: readonly string[]): void {
    if (orphaned.length === 0) return;
    for (const set of this.embeddingSets.values()) {
      void set.then((embeddings) => orphaned.forEach((hash) => embeddings.delete(hash)));
    }
    for (const hash of orphaned) this.corrections.delete(hash);
  }

  /** Moves images to the trash: everything of theirs stays until the trash is emptied or they expire. */
  async trash(ids: readonly string[]): Promise<string[]> {
    await this.open();
    const moved = ids.map((id) => this.images.get(id)).filter((image) => image !== undefined);
    const at = this.now();
    for (const image of moved) {
      this.images.delete(image.id);
      this.trashed.set(image.id, { id: image.id, trashedAt: at, image });
    }
    const movedIds = moved.map((image) => image.id);
    this.touch('image', movedIds);
    await this.write((store) => store.trashImages(movedIds, at), {
      action: 'trash',
      names: moved.map(imageKey),
      change: { images: movedIds },
    });
    return movedIds;
  }

  /** Clear all: every image goes to the trash, and the folders are forgotten. */
  async trashAll(): Promise<string[]> {
    await this.open();
    const moved = this.all();
    const at = this.now();
    for (const image of moved) this.trashed.set(image.id, { id: image.id, trashedAt: at, image });
    this.images.clear();
    this.folders.clear();
    this.foreign.clear();
    this.touch('image', ['*']);
    this.touch('folder', ['*']);
    const stored = await this.write((store) => store.trashAll(at), {
      action: 'trash',
      names: moved.map(imageKey),
      change: { images: 'all', folders: true },
    });
    // The store's list: it also holds images another tab added that this one has not heard of.
    for (const entry of stored ?? []) this.trashed.set(entry.id, entry);
    return [...new Set([...moved.map((image) => image.id), ...(stored ?? []).map((entry) => entry.id)])];
  }

  /** The trash, most recently removed first (read from the store: another tab may have changed it). */
  async trashList(): Promise<TrashedImage[]> {
    await this.open();
    if (this.store) {
      const entries = await this.store.trash().catch(() => null);
      if (entries) {
        this.trashed.clear();
        for (const entry of entries) this.trashed.set(entry.id, entry);
      }
    }
    return [...this.trashed.values()].sort((a, b) => b.trashedAt - a.trashedAt || b.image.addedAt - a.image.addedAt);
  }

  /** Brings images back from the trash, with everything they had; returns those restored. */
  async restore(ids: readonly string[]): Promise<LibraryImage[]> {
    await this.open();
    const names = ids.map((id) => this.trashed.get(id)).flatMap((entry) => (entry ? [imageKey(entry.image)] : []));
    let restored: LibraryImage[];
    if (this.store) {
      this.touch('image', ids);
      restored =
        (await this.write((store) => store.restoreImages(ids), {
          action: 'restore',
          names,
          change: { images: [...ids] },
        })) ?? [];
    } else {
      restored = ids.flatMap((id) => {
        const entry = this.trashed.get(id);
        if (!entry) return [];
        const { image } = entry;
        if (!image.folderId || this.folders.has(image.folderId)) return [image];
        return [{ ...image, folderId: null, source: this.files.has(id) ? ('file' as const) : ('none' as const) }];
      });
    }
    for (const image of restored) {
      this.trashed.delete(image.id);
      this.images.set(image.id, image);
    }
    // Back in their place in the order they came.
    const ordered = [...this.images.values()].sort((a, b) => a.addedAt - b.addedAt);
    this.images.clear();
    for (const image of ordered) this.images.set(image.id, image);
    return restored;
  }

  /** Deletes trashed images for good (these, or all); their content's data goes where nothing else uses it. */
  async emptyTrash(ids: readonly string[] | null): Promise<void> {
    await this.open();
    const chosen = ids ?? [...this.trashed.keys()];
    const names = chosen.flatMap((id) => {
      const entry = this.trashed.get(id);
      return entry ? [imageKey(entry.image)] : [];
    });
    if (this.store) {
      const result = await this.write((store) => store.purge(ids ? { ids } : 'all'), {
        action: 'purge',
        names,
        change: { corrections: 'all' },
      });
      if (!result) return;
      for (const id of result.purged) {
        this.trashed.delete(id);
        this.files.delete(id);
      }
      this.forget(result.orphaned);
      return;
    }
    const gone = chosen.flatMap((id) => {
      const entry = this.trashed.get(id);
      this.trashed.delete(id);
      this.files.delete(id);
      return entry ? [entry.image] : [];
    });
    this.forget(this.orphansInMemory(gone));
  }

  /** Every correction, oldest first. */
  correctionList(): Correction[] {
    return [...this.corrections.values()].sort((a, b) => a.at - b.at);
  }

  /** Makes a picture an example of `label`, or (null) undoes its correction. */
  async correct(contentHash: string, label: string | null): Promise<void> {
    if (label === null) {
      this.corrections.delete(contentHash);
      this.touch('correction', [contentHash]);
      await this.write((store) => store.deleteCorrections([contentHash]), {
        action: 'correction',
        names: [],
        change: { corrections: [contentHash] },
      });
      return;
    }
    const correction = { contentHash, label, at: Date.now() };
    this.corrections.set(contentHash, correction);
    this.touch('correction', [contentHash]);
    await this.write((store) => store.putCorrection(correction), {
      action: 'correction',
      change: { corrections: [contentHash] },
      names: () => this.all().flatMap((image) => (image.contentHash === contentHash ? [imageKey(image)] : [])),
    });
  }

  async forgetCorrections(): Promise<void> {
    this.corrections.clear();
    this.touch('correction', ['*']);
    await this.write((store) => store.deleteCorrections('all'), {
      action: 'correction',
      names: [],
      change: { corrections: 'all' },
    });
  }

  /** The embeddings of one model and precision, by content hash (read from the store once). */
  embeddings(key: string): Promise<Map<string, Float32Array>> {
    let set = this.embeddingSets.get(key);
    if (!set) {
      set = this.store
        ? this.store.embeddings(key).catch(() => new Map<string, Float32Array>())
        : Promise.resolve(new Map());
      this.embeddingSets.set(key, set);
    }
    return set;
  }

  async addEmbeddings(key: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    const set = await this.embeddings(key);
    for (const [hash, vector] of entries) set.set(hash, vector);
    const hashes = new Set(entries.map(([hash]) => hash));
    await this.write((store) => store.putEmbeddings(key, entries), {
      action: 'embeddings',
      change: { embeddings: { key, hashes: entries.map(([hash]) => hash) } },
      names: () =>
        this.all().flatMap((image) => (image.contentHash && hashes.has(image.contentHash) ? [imageKey(image)] : [])),
    });
  }
}

/** A full disk or quota, as IndexedDB says it (directly, or as the abort of the transaction). */
function isQuotaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'QuotaExceededError';
}
