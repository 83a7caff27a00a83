/**
 * The model store: model files kept in IndexedDB (through `idb`), owned by the worker. Metadata and
 * bytes live in two object stores so that listing never loads the bytes, and every write covers
 * both in one transaction, so a file is either stored whole or not at all.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import type { StoredFileMeta, StoredModel } from '../../shared/types.ts';
import { DatabaseConnection } from './idb-connection.ts';

export const MODEL_DB_NAME = 'zero-shot-classifier-models';
const MODEL_DB_VERSION = 1;

interface Schema extends DBSchema {
  files: { key: string; value: StoredFileMeta; indexes: { byModel: string } };
  blobs: { key: string; value: Blob };
}

/** Files being written by an import, under a key of their own until the whole model is in (see `commitStaged`). */
export const STAGING_PREFIX = 'staging:';

export class StoreRejectedError extends Error {
  override name = 'StoreRejectedError';
}

/** Why a file must not be stored, or null when it may be. */
export function rejectionReason(meta: StoredFileMeta, blob: Blob): string | null {
  if (/text\/html/i.test(meta.contentType)) return 'it is an HTML page, not a model file';
  if (blob.size !== meta.size) return `it holds ${blob.size} bytes, not the ${meta.size} declared`;
  if (!/^[0-9a-f]{64}$/.test(meta.sha256)) return 'it has no checksum';
  return null;
}

export function modelDbConnection(openTimeoutMs = 5000): DatabaseConnection<Schema> {
  return new DatabaseConnection<Schema>({
    name: MODEL_DB_NAME,
    version: MODEL_DB_VERSION,
    openTimeoutMs,
    upgrade(db, oldVersion) {
      // Each step brings one version to the next; a new version adds a step, never edits one.
      if (oldVersion < 1) {
        const files = db.createObjectStore('files', { keyPath: 'url' });
        files.createIndex('byModel', 'modelKey');
        db.createObjectStore('blobs');
      }
    },
  });
}

export class ModelStore {
  constructor(private readonly connection: DatabaseConnection<Schema> = modelDbConnection()) {}

  private db(): Promise<IDBPDatabase<Schema>> {
    return this.connection.get();
  }

  /** Resolves once the database is open; rejects when IndexedDB cannot be used. */
  async ready(): Promise<void> {
    await this.db();
  }

  /** A stored file with its bytes (a Blob: read lazily, never copied here); marks it as used now. */
  async get(url: string): Promise<{ meta: StoredFileMeta; blob: Blob } | undefined> {
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    const [meta, blob] = await Promise.all([tx.objectStore('files').get(url), tx.objectStore('blobs').get(url)]);
    if (!meta || !blob) {
      await tx.done;
      return undefined;
    }
    const used = { ...meta, lastUsed: Date.now() };
    await tx.objectStore('files').put(used);
    await tx.done;
    return { meta: used, blob };
  }

  /** Whether a file is stored, without reading its bytes. */
  async has(url: string): Promise<boolean> {
    return (await (await this.db()).getKey('files', url)) !== undefined;
  }

  async put(meta: StoredFileMeta, blob: Blob): Promise<void> {
    const reason = rejectionReason(meta, blob);
    if (reason) throw new StoreRejectedError(`${meta.path} was not stored: ${reason}.`);
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    // Both writes or neither: a transaction that fails (quota, another tab) stores nothing.
    await Promise.all([tx.objectStore('blobs').put(blob, meta.url), tx.objectStore('files').put(meta), tx.done]);
  }

  async delete(url: string): Promise<void> {
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    await Promise.all([tx.objectStore('files').delete(url), tx.objectStore('blobs').delete(url), tx.done]);
  }

  async listModels(): Promise<StoredModel[]> {
    const models = new Map<string, StoredModel>();
    for (const meta of await (await this.db()).getAll('files')) {
      // An import still being written is not a model yet.
      if (meta.modelKey.startsWith(STAGING_PREFIX)) continue;
      const model = models.get(meta.modelKey) ?? {
        modelKey: meta.modelKey,
        modelId: meta.modelId,
        host: meta.host,
        size: 0,
        files: 0,
        lastUsed: 0,
      };
      model.size += meta.size;
      model.files += 1;
      model.lastUsed = Math.max(model.lastUsed, meta.lastUsed);
      models.set(meta.modelKey, model);
    }
    return [...models.values()].sort((a, b) => b.lastUsed - a.lastUsed);
  }

  /**
   * Swaps staged files in for a model, in one transaction: the model's files before are deleted
   * and the staged ones take their place under `urlOf(meta)`, or (the transaction failing) nothing
   * changes and the model before stays as it was.
   */
  async commitStaged(
    stagingKey: string,
    modelKey: string,
    expected: number,
    urlOf: (meta: StoredFileMeta) => string,
  ): Promise<void> {
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    const files = tx.objectStore('files');
    const blobs = tx.objectStore('blobs');
    try {
      const [before, staged] = await Promise.all([
        files.index('byModel').getAllKeys(modelKey),
        files.index('byModel').getAll(stagingKey),
      ]);
      const moved = await Promise.all(staged.map(async (meta) => ({ meta, blob: await blobs.get(meta.url) })));
      // Checked before anything changes: a staged file missing (another tab discarded it) keeps the model before.
      if (moved.length !== expected || moved.some(({ blob }) => !blob)) {
        throw new StoreRejectedError(`the import was not stored whole (${moved.length} of ${expected} files).`);
      }
      for (const url of before) await Promise.all([files.delete(url), blobs.delete(url)]);
      for (const { meta, blob } of moved) {
        const url = urlOf(meta);
        await Promise.all([
          files.delete(meta.url),
          blobs.delete(meta.url),
          blobs.put(blob as Blob, url),
          files.put({ ...meta, url, modelKey }),
        ]);
      }
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    await tx.done;
  }

  /** Deletes every import left half-written (a tab closed mid-import). */
  async discardStaged(): Promise<void> {
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    const range = IDBKeyRange.bound(STAGING_PREFIX, `${STAGING_PREFIX}\uffff`);
    const urls = await tx.objectStore('files').index('byModel').getAllKeys(range);
    await Promise.all([
      ...urls.flatMap((url) => [tx.objectStore('files').delete(url), tx.objectStore('blobs').delete(url)]),
      tx.done,
    ]);
  }

  async deleteModel(modelKey: string): Promise<void> {
    const tx = (await this.db()).transaction(['files', 'blobs'], 'readwrite');
    const urls = await tx.objectStore('files').index('byModel').getAllKeys(modelKey);
    await Promise.all([
      ...urls.flatMap((url) => [tx.objectStore('files').delete(url), tx.objectStore('blobs').delete(url)]),
      tx.done,
    ]);
  }
}
