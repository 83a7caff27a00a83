/**
 * The worker's view of the library: every image record in memory (in the order they came), the
 * files of this visit, the embeddings of the model in use, and the IndexedDB store behind them.
 * Without a usable store it keeps everything in memory for the visit.
 */
import type { ImageFailure } from '../shared/failures.ts';
import type { LibraryFolder, LibraryImage, LibraryProblem, NewImage } from '../shared/library.ts';
import type { Correction } from '../shared/protocol.ts';
import { KEEP_ORIGINAL_BYTES, contentHash } from './read-image.ts';
import type { FolderRecord, LibraryStore } from './library-store.ts';

/** Files a folder scan takes (HEIC and TIFF get a message; SVG needs the page to draw it, so it is dropped there instead). */
const IMAGE_FILE = /\.(png|jpe?g|jfif|webp|gif|avif|bmp|ico|heic|heif|tiff?)$/i;

/** What identifies a file added again: where it was, its size and its date. */
function identity(file: { name: string; path: string | null; size: number; lastModified: number }): string {
  return JSON.stringify([file.path ?? file.name, file.size, file.lastModified]);
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
  /** Why the library is not (fully) kept across visits, if it is not. */
  problem: LibraryProblem | null = null;

  constructor(private store: LibraryStore | null) {}

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
        for (const image of images) this.images.set(image.id, image);
        for (const folder of folders) this.folders.set(folder.id, folder);
        for (const correction of corrections) this.corrections.set(correction.contentHash, correction);
        this.counter = images.reduce((max, image) => Math.max(max, image.addedAt), 0);
      } catch {
        // No IndexedDB (private window, blocked site data): the library lives for this visit only.
        this.store = null;
        this.problem = 'unavailable';
      }
    })();
    return this.opened;
  }

  /** Reads the records again: a restore wrote to the store (in one transaction) behind this library's back. */
  async reload(): Promise<void> {
    await this.open();
    this.images.clear();
    this.folders.clear();
    this.corrections.clear();
    this.embeddingSets.clear();
    this.opened = null;
    await this.open();
  }

  /** Runs a write; a full quota or a failing store leaves the library in memory, and says so. */
  private async write(work: (store: LibraryStore) => Promise<void>): Promise<void> {
    if (!this.store) return;
    try {
      await work(this.store);
    } catch (error) {
      this.problem = error instanceof Error && error.name === 'QuotaExceededError' ? 'quota' : 'store-failed';
    }
  }

  all(): LibraryImage[] {
    return [...this.images.values()];
  }

  get(id: string): LibraryImage | undefined {
    return this.images.get(id);
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
    await this.write((store) => store.putFolder(folder));
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
    await this.write((store) => store.addImages(records, kept));
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
   * then by content) are added, removed ones dropped. Returns what changed.
   */
  async rescan(folderId: string): Promise<{ added: LibraryImage[]; removed: string[] }> {
    const folder = this.folders.get(folderId);
    if (!folder) return { added: [], removed: [] };
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
          await this.write((store) => store.putImages([touched]));
        } else {
          changed.push(existing.id);
          fresh.push(file);
        }
      }
    }
    const removed = [...known.values()].map((image) => image.id).concat(changed);
    await this.remove(removed);
    return { added: await this.add(fresh, folderId), removed };
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

  /** Records what reading found; thumbnails and copies are stored with it. */
  async saveRead(image: LibraryImage, thumbnail: Blob | null, copy: Blob | null): Promise<void> {
    this.images.set(image.id, image);
    this.files.delete(image.id);
    await this.write((store) => store.saveRead({ image, thumbnail, copy, keepFile: Library.keepsOriginal(image) }));
  }

  async fail(image: LibraryImage, failure: ImageFailure): Promise<LibraryImage> {
    const failed = { ...image, failure };
    this.images.set(image.id, failed);
    await this.write((store) => store.putImages([failed]));
    return failed;
  }

  async thumbnail(image: LibraryImage): Promise<Blob | null> {
    if (!image.contentHash) return null;
    return (await this.store?.thumbnail(image.contentHash).catch(() => undefined)) ?? null;
  }

  async remove(ids: readonly string[]): Promise<void> {
    const removed = ids.map((id) => this.images.get(id)).filter((image) => image !== undefined);
    for (const { id } of removed) {
      this.images.delete(id);
      this.files.delete(id);
    }
    const remaining = new Set([...this.images.values()].map((image) => image.contentHash));
    const orphaned = [...new Set(removed.map((image) => image.contentHash))].filter(
      (hash): hash is string => hash !== null && !remaining.has(hash),
    );
    for (const set of this.embeddingSets.values()) {
      void set.then((embeddings) => orphaned.forEach((hash) => embeddings.delete(hash)));
    }
    for (const hash of orphaned) this.corrections.delete(hash);
    await this.write(async (store) => {
      await store.removeImages(ids, orphaned);
      if (orphaned.length > 0) await store.deleteCorrections(orphaned);
    });
  }

  /** Every correction, oldest first. */
  correctionList(): Correction[] {
    return [...this.corrections.values()].sort((a, b) => a.at - b.at);
  }

  /** Makes a picture an example of `label`, or (null) undoes its correction. */
  async correct(contentHash: string, label: string | null): Promise<void> {
    if (label === null) {
      this.corrections.delete(contentHash);
      await this.write((store) => store.deleteCorrections([contentHash]));
      return;
    }
    const correction = { contentHash, label, at: Date.now() };
    this.corrections.set(contentHash, correction);
    await this.write((store) => store.putCorrection(correction));
  }

  async forgetCorrections(): Promise<void> {
    this.corrections.clear();
    await this.write((store) => store.deleteCorrections('all'));
  }

  async clear(): Promise<void> {
    this.images.clear();
    this.files.clear();
    this.folders.clear();
    this.corrections.clear();
    this.embeddingSets.clear();
    await this.write((store) => store.clear());
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
    await this.write((store) => store.putEmbeddings(key, entries));
  }
}
