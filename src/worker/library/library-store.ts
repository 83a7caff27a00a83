/**
 * The library's IndexedDB, owned by the worker: image records, thumbnails and kept copies (by
 * content hash, so duplicates are stored once), files waiting to be read, embeddings per model
 * and precision, text embeddings, what each model needs to score without loading (its
 * calibration), and folder handles for rescans.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';
import type { LibraryImage } from '../../shared/library.ts';
import type { Correction } from '../../shared/protocol.ts';
import type { TrashedImage } from '../../shared/trash.ts';
import type { Scoring } from '../../shared/types.ts';
import { DatabaseConnection } from '../storage/idb-connection.ts';
import type { Calibration } from '../model/loaded-model.ts';

export const LIBRARY_DB_NAME = 'zero-shot-classifier-library';
const LIBRARY_DB_VERSION = 3;

/** What a model needs to turn stored embeddings into scores before it has loaded. */
export interface ModelRecord {
  /** What a load was asked for (source, device, precisions), as a key. */
  request: string;
  embeddingKey: string;
  dtype: string;
  calibration: Calibration;
  scoring: Scoring;
  /** The model's embedding of a mid-grey image (see `LoadedModel.neutral`). */
  neutral: Float32Array;
  /** The languages its text tower reads (the generic "no match" prompt is said in one of them). */
  languages: ('en' | 'zh')[];
}

export interface FolderRecord {
  id: string;
  name: string;
  handle: FileSystemDirectoryHandle;
}

interface Schema extends DBSchema {
  images: { key: string; value: LibraryImage; indexes: { byHash: string; byFolder: string } };
  thumbnails: { key: string; value: Blob };
  copies: { key: string; value: Blob };
  /** Loose files as added: kept until read (so an interrupted run goes on after a reload), small ones for good. */
  files: { key: string; value: Blob };
  /** Key `{embedding key}\u0000{content hash}`. */
  embeddings: { key: string; value: Float32Array };
  /** Key `{embedding key}\u0000{prompt}`. */
  texts: { key: string; value: Float32Array };
  models: { key: string; value: ModelRecord };
  folders: { key: string; value: FolderRecord };
  /** Pictures marked as examples of a label, by content hash (version 2). */
  corrections: { key: string; value: Correction };
  /** Removed images waiting to be purged, by id (version 3); their hash's data stays until then. */
  trash: { key: string; value: TrashedImage; indexes: { byHash: string; byTrashedAt: number } };
}

export function libraryConnection(openTimeoutMs = 5000): DatabaseConnection<Schema> {
  return new DatabaseConnection<Schema>({
    name: LIBRARY_DB_NAME,
    version: LIBRARY_DB_VERSION,
    openTimeoutMs,
    upgrade(db, oldVersion) {
      // Each step brings one version to the next; a new version adds a step, never edits one.
      if (oldVersion < 1) {
        const images = db.createObjectStore('images', { keyPath: 'id' });
        images.createIndex('byHash', 'contentHash');
        images.createIndex('byFolder', 'folderId');
        db.createObjectStore('thumbnails');
        db.createObjectStore('copies');
        db.createObjectStore('files');
        db.createObjectStore('embeddings');
        db.createObjectStore('texts');
        db.createObjectStore('models', { keyPath: 'request' });
        db.createObjectStore('folders', { keyPath: 'id' });
      }
      if (oldVersion < 2) {
        db.createObjectStore('corrections', { keyPath: 'contentHash' });
      }
      if (oldVersion < 3) {
        const trash = db.createObjectStore('trash', { keyPath: 'id' });
        trash.createIndex('byHash', 'image.contentHash');
        trash.createIndex('byTrashedAt', 'trashedAt');
      }
    },
  });
}

const SEP = '\u0000';
const prefixRange = (prefix: string) => IDBKeyRange.bound(`${prefix}${SEP}`, `${prefix}${SEP}\uffff`);

/** What one image's reading produced, written in one transaction. */
export interface ReadRecord {
  image: LibraryImage;
  thumbnail: Blob | null;
  copy: Blob | null;
  /** Keep the file as added (a small loose file): it serves as the copy. */
  keepFile: boolean;
  /** Store the record even where it is missing (its add was never stored), rather than take it as removed. */
  create?: boolean;
}

/** The stores a purge or a removal touches: the records, and the data kept by content hash. */
const PURGE_STORES = ['images', 'trash', 'files', 'thumbnails', 'copies', 'embeddings', 'corrections'] as const;
type PurgeTransaction = IDBPTransaction<Schema, (typeof PURGE_STORES)[number][], 'readwrite'>;

/** What a purge deleted: the trashed images' ids, and the content hashes whose data went with them. */
export interface Purged {
  purged: string[];
  orphaned: string[];
}

/**
 * Deletes the data of the hashes no image record and no trashed record still uses, asked of the
 * database inside the caller's transaction (after its deletes), never of a tab's memory.
 */
async function dropOrphans(tx: PurgeTransaction, hashes: ReadonlySet<string>): Promise<string[]> {
  const orphaned: string[] = [];
  for (const hash of hashes) {
    const users =
      (await tx.objectStore('images').index('byHash').count(hash)) +
      (await tx.objectStore('trash').index('byHash').count(hash));
    if (users === 0) orphaned.push(hash);
  }
  if (orphaned.length === 0) return orphaned;
  const work: Promise<unknown>[] = [];
  for (const hash of orphaned) {
    work.push(
      tx.objectStore('thumbnails').delete(hash),
      tx.objectStore('copies').delete(hash),
      tx.objectStore('corrections').delete(hash),
    );
  }
  const gone = new Set(orphaned);
  let cursor = await tx.objectStore('embeddings').openCursor();
  while (cursor) {
    if (gone.has(String(cursor.key).split(SEP)[1])) work.push(cursor.delete());
    cursor = await cursor.continue();
  }
  await Promise.all(work);
  return orphaned;
}

/** The stores keyed `{embedding key}\0{content hash or prompt}`. */
export type VectorStore = 'embeddings' | 'texts';

/** What a restore needs to know of the library before it decides what to write. */
export interface StoredLibrary {
  images: LibraryImage[];
  corrections: Correction[];
  /** Model records' keys (their load requests). */
  models: string[];
  folders: string[];
}

/** What a restore writes (nothing is deleted). */
export interface RestoreWrites {
  images: LibraryImage[];
  thumbnails: [hash: string, blob: Blob][];
  copies: [hash: string, blob: Blob][];
  files: [id: string, blob: Blob][];
  embeddings: [embeddingKey: string, hash: string, vector: Float32Array][];
  texts: [embeddingKey: string, prompt: string, vector: Float32Array][];
  models: ModelRecord[];
  corrections: Correction[];
}

export class LibraryStore {
  constructor(private readonly connection: DatabaseConnection<Schema> = libraryConnection()) {}

  private db(): Promise<IDBPDatabase<Schema>> {
    return this.connection.get();
  }

  async ready(): Promise<void> {
    await this.db();
  }

  async images(): Promise<LibraryImage[]> {
    return (await this.db()).getAll('images');
  }

  /** New images and their files (kept until read), in one transaction: all of them or none. */
  async addImages(images: readonly LibraryImage[], files: ReadonlyMap<string, Blob>): Promise<void> {
    const tx = (await this.db()).transaction(['images', 'files'], 'readwrite');
    await Promise.all([
      ...images.map((image) => tx.objectStore('images').put(image)),
      ...[...files].map(([id, file]) => tx.objectStore('files').put(file, id)),
      tx.done,
    ]);
  }

  /** Some records by id (undefined where there is none), for a tab that heard another one changed them. */
  async imagesById(ids: readonly string[]): Promise<(LibraryImage | undefined)[]> {
    const tx = (await this.db()).transaction('images');
    const records = await Promise.all(ids.map((id) => tx.store.get(id)));
    await tx.done;
    return records;
  }

  /** Updates records that are still there: one another tab removed meanwhile stays removed. */
  async putImages(images: readonly LibraryImage[]): Promise<void> {
    const tx = (await this.db()).transaction('images', 'readwrite');
    const present = await Promise.all(images.map((image) => tx.store.getKey(image.id)));
    await Promise.all([
      ...images.filter((_, i) => present[i] !== undefined).map((image) => tx.store.put(image)),
      tx.done,
    ]);
  }

  async file(id: string): Promise<Blob | undefined> {
    return (await this.db()).get('files', id);
  }

  /**
   * An image has been read: its record, thumbnail and copy are stored; its file dropped unless kept.
   * Returns the record as stored: one whose file was never stored (its add failed) does not claim it;
   * null, with nothing stored, for a record another tab removed meanwhile.
   */
  async saveRead({ image, thumbnail, copy, keepFile, create }: ReadRecord): Promise<LibraryImage | null> {
    const tx = (await this.db()).transaction(['images', 'thumbnails', 'copies', 'files'], 'readwrite');
    if (!create && (await tx.objectStore('images').getKey(image.id)) === undefined) {
      await tx.done;
      return null;
    }
    const hash = image.contentHash;
    const fileStored = !keepFile || image.source !== 'file' || (await tx.objectStore('files').count(image.id)) > 0;
    const record: LibraryImage = fileStored ? image : { ...image, source: hash && copy ? 'copy' : 'none' };
    await Promise.all([
      tx.objectStore('images').put(record),
      hash && thumbnail ? tx.objectStore('thumbnails').put(thumbnail, hash) : undefined,
      hash && copy ? tx.objectStore('copies').put(copy, hash) : undefined,
      keepFile ? undefined : tx.objectStore('files').delete(image.id),
      tx.done,
    ]);
    return record;
  }

  async thumbnail(contentHash: string): Promise<Blob | undefined> {
    return (await this.db()).get('thumbnails', contentHash);
  }

  async copy(contentHash: string): Promise<Blob | undefined> {
    return (await this.db()).get('copies', contentHash);
  }

  /**
   * Removes images for good (a folder's file gone on rescan, a duplicate record). Returns the content
   * hashes whose data went with them: decided here, in the transaction, from the database.
   */
  async removeImages(ids: readonly string[]): Promise<string[]> {
    const tx = (await this.db()).transaction([...PURGE_STORES], 'readwrite');
    const hashes = new Set<string>();
    const work: Promise<unknown>[] = [];
    for (const id of ids) {
      const image = await tx.objectStore('images').get(id);
      if (image?.contentHash) hashes.add(image.contentHash);
      work.push(tx.objectStore('images').delete(id), tx.objectStore('files').delete(id));
    }
    const orphaned = await dropOrphans(tx, hashes);
    await Promise.all([...work, tx.done]);
    return orphaned;
  }

  /** Moves images into the trash (their files, thumbnails, embeddings and corrections stay). */
  async trashImages(ids: readonly string[], at: number): Promise<TrashedImage[]> {
    const tx = (await this.db()).transaction(['images', 'trash'], 'readwrite');
    const moved: TrashedImage[] = [];
    const work: Promise<unknown>[] = [];
    for (const id of ids) {
      const image = await tx.objectStore('images').get(id);
      if (!image) continue;
      const entry = { id, trashedAt: at, image };
      moved.push(entry);
      work.push(tx.objectStore('trash').put(entry), tx.objectStore('images').delete(id));
    }
    await Promise.all([...work, tx.done]);
    return moved;
  }

  /** Moves every image into the trash and forgets the folders (the library is cleared). */
  async trashAll(at: number): Promise<TrashedImage[]> {
    const tx = (await this.db()).transaction(['images', 'trash', 'folders'], 'readwrite');
    const images = await tx.objectStore('images').getAll();
    const moved = images.map((image) => ({ id: image.id, trashedAt: at, image }));
    await Promise.all([
      ...moved.map((entry) => tx.objectStore('trash').put(entry)),
      tx.objectStore('images').clear(),
      tx.objectStore('folders').clear(),
      tx.done,
    ]);
    return moved;
  }

  async trash(): Promise<TrashedImage[]> {
    return (await this.db()).getAll('trash');
  }

  /**
   * Brings images back from the trash (those still there: another tab may have restored or purged
   * them). An image of a folder no longer in the library comes back as a loose image without a file.
   */
  async restoreImages(ids: readonly string[]): Promise<LibraryImage[]> {
    const tx = (await this.db()).transaction(['images', 'trash', 'folders', 'files'], 'readwrite');
    const restored: LibraryImage[] = [];
    const work: Promise<unknown>[] = [];
    for (const id of ids) {
      const entry = await tx.objectStore('trash').get(id);
      if (!entry) continue;
      let { image } = entry;
      if (image.folderId && (await tx.objectStore('folders').count(image.folderId)) === 0) {
        const hasFile = (await tx.objectStore('files').count(id)) > 0;
        image = { ...image, folderId: null, source: hasFile ? 'file' : 'none' };
      }
      restored.push(image);
      work.push(tx.objectStore('images').put(image), tx.objectStore('trash').delete(id));
    }
    await Promise.all([...work, tx.done]);
    return restored;
  }

  /**
   * Deletes trashed images for good: these ids, those trashed before a time (expired), or all.
   * Their hashes' thumbnails, copies, embeddings and corrections go only where no image and no
   * other trashed image uses them, decided in this transaction from the database.
   */
  async purge(which: { ids: readonly string[] } | { before: number } | 'all'): Promise<Purged> {
    const tx = (await this.db()).transaction([...PURGE_STORES], 'readwrite');
    const trash = tx.objectStore('trash');
    let entries: TrashedImage[];
    if (which === 'all') entries = await trash.getAll();
    else if ('before' in which)
      entries = await trash.index('byTrashedAt').getAll(IDBKeyRange.upperBound(which.before, true));
    else {
      entries = [];
      for (const id of which.ids) {
        const entry = await trash.get(id);
        if (entry) entries.push(entry);
      }
    }
    const work: Promise<unknown>[] = [];
    const hashes = new Set<string>();
    for (const { id, image } of entries) {
      if (image.contentHash) hashes.add(image.contentHash);
      work.push(trash.delete(id), tx.objectStore('files').delete(id));
    }
    const orphaned = await dropOrphans(tx, hashes);
    await Promise.all([...work, tx.done]);
    return { purged: entries.map((entry) => entry.id), orphaned };
  }

  /** Every stored embedding of one model and precision, by content hash. */
  async embeddings(embeddingKey: string): Promise<Map<string, Float32Array>> {
    const tx = (await this.db()).transaction('embeddings');
    const range = prefixRange(embeddingKey);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range)]);
    return new Map(keys.map((key, i) => [String(key).slice(embeddingKey.length + 1), values[i]]));
  }

  /** Some stored embeddings of one model and precision, by content hash (those there are). */
  async embeddingsOf(embeddingKey: string, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
    const tx = (await this.db()).transaction('embeddings');
    const vectors = await Promise.all(hashes.map((hash) => tx.store.get(`${embeddingKey}${SEP}${hash}`)));
    await tx.done;
    const found = new Map<string, Float32Array>();
    hashes.forEach((hash, i) => {
      const vector = vectors[i];
      if (vector) found.set(hash, vector);
    });
    return found;
  }

  async putEmbeddings(embeddingKey: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    const tx = (await this.db()).transaction('embeddings', 'readwrite');
    await Promise.all([
      ...entries.map(([hash, vector]) => tx.store.put(vector, `${embeddingKey}${SEP}${hash}`)),
      tx.done,
    ]);
  }

  async texts(embeddingKey: string, prompts: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const tx = (await this.db()).transaction('texts');
    return Promise.all(prompts.map((prompt) => tx.store.get(`${embeddingKey}${SEP}${prompt}`)));
  }

  async putTexts(embeddingKey: string, entries: readonly (readonly [string, Float32Array])[]): Promise<void> {
    const tx = (await this.db()).transaction('texts', 'readwrite');
    await Promise.all([
      ...entries.map(([prompt, vector]) => tx.store.put(vector, `${embeddingKey}${SEP}${prompt}`)),
      tx.done,
    ]);
  }

  async model(request: string): Promise<ModelRecord | undefined> {
    return (await this.db()).get('models', request);
  }

  async putModel(record: ModelRecord): Promise<void> {
    await (await this.db()).put('models', record);
  }

  async corrections(): Promise<Correction[]> {
    return (await this.db()).getAll('corrections');
  }

  async putCorrection(correction: Correction): Promise<void> {
    await (await this.db()).put('corrections', correction);
  }

  async deleteCorrections(hashes: readonly string[] | 'all'): Promise<void> {
    const tx = (await this.db()).transaction('corrections', 'readwrite');
    await Promise.all([
      ...(hashes === 'all' ? [tx.store.clear()] : hashes.map((hash) => tx.store.delete(hash))),
      tx.done,
    ]);
  }

  async folders(): Promise<FolderRecord[]> {
    return (await this.db()).getAll('folders');
  }

  async putFolder(folder: FolderRecord): Promise<void> {
    await (await this.db()).put('folders', folder);
  }

  async deleteFolder(id: string): Promise<void> {
    await (await this.db()).delete('folders', id);
  }

  // --- Backup: read in pages (an export never holds the library whole), restored in one transaction.

  async modelRecords(): Promise<ModelRecord[]> {
    return (await this.db()).getAll('models');
  }

  /** The distinct first parts (embedding keys) of a vector store's keys, one lookup per part. */
  async vectorKeys(name: VectorStore): Promise<string[]> {
    const db = await this.db();
    const found: string[] = [];
    let range = IDBKeyRange.lowerBound('');
    for (;;) {
      const key = await db.getKey(name, range);
      if (key === undefined) return found;
      const prefix = String(key).split(SEP)[0];
      found.push(prefix);
      // Every `{prefix}\0…` key sorts below `{prefix}\u0001`.
      range = IDBKeyRange.lowerBound(`${prefix}\u0001`);
    }
  }

  /** Up to `count` vectors of one embedding key, by second part, after `after` (null: from the start). */
  async vectorPage(
    name: VectorStore,
    key: string,
    after: string | null,
    count: number,
  ): Promise<[string, Float32Array][]> {
    const tx = (await this.db()).transaction(name);
    const lower = `${key}${SEP}${after ?? ''}`;
    const range = IDBKeyRange.bound(lower, `${key}\u0001`, after !== null, true);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(range, count), tx.store.getAll(range, count)]);
    return keys.map((full, i) => [String(full).slice(key.length + 1), values[i]]);
  }

  /**
   * Writes a restore in one transaction, all of it or nothing: `plan` decides what to write from
   * what the database holds inside that same transaction (so nothing changes between the two).
   */
  async restore<T extends RestoreWrites>(plan: (stored: StoredLibrary) => T): Promise<T> {
    const names = [
      'images',
      'thumbnails',
      'copies',
      'files',
      'embeddings',
      'texts',
      'models',
      'folders',
      'corrections',
    ] as const;
    const tx = (await this.db()).transaction([...names], 'readwrite');
    const [images, corrections, models, folders] = await Promise.all([
      tx.objectStore('images').getAll(),
      tx.objectStore('corrections').getAll(),
      tx.objectStore('models').getAllKeys(),
      tx.objectStore('folders').getAllKeys(),
    ]);
    let writes: T;
    try {
      writes = plan({ images, corrections, models, folders });
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    const put = <N extends (typeof names)[number]>(name: N, value: Schema[N]['value'], key?: string) =>
      tx.objectStore(name).put(value, key);
    await Promise.all([
      ...writes.images.map((image) => put('images', image)),
      ...writes.thumbnails.map(([hash, blob]) => put('thumbnails', blob, hash)),
      ...writes.copies.map(([hash, blob]) => put('copies', blob, hash)),
      ...writes.files.map(([id, blob]) => put('files', blob, id)),
      ...writes.embeddings.map(([key, hash, vector]) => put('embeddings', vector, `${key}${SEP}${hash}`)),
      ...writes.texts.map(([key, prompt, vector]) => put('texts', vector, `${key}${SEP}${prompt}`)),
      ...writes.models.map((record) => put('models', record)),
      ...writes.corrections.map((correction) => put('corrections', correction)),
      tx.done,
    ]);
    return writes;
  }

  /** Bytes the library keeps (thumbnails, copies, waiting files, embeddings), for the storage panel. */
  async size(): Promise<number> {
    const db = await this.db();
    let bytes = 0;
    for (const name of ['thumbnails', 'copies', 'files'] as const) {
      let cursor = await db.transaction(name).store.openCursor();
      while (cursor) {
        bytes += cursor.value.size;
        cursor = await cursor.continue();
      }
    }
    for (const name of ['embeddings', 'texts'] as const) {
      let cursor = await db.transaction(name).store.openCursor();
      while (cursor) {
        bytes += cursor.value.byteLength;
        cursor = await cursor.continue();
      }
    }
    return bytes;
  }
}
