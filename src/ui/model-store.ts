/**
 * The model store: model files kept in IndexedDB (through `idb`), owned by the page. The worker
 * reads and writes it through `store-call` messages; the storage panel lists and deletes from it.
 * Metadata and bytes live in two object stores so that listing never loads the bytes, and every
 * write covers both in one transaction, so a file is either stored whole or not at all.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StoreAnswer, StoreCall, StoredFileMeta } from '../shared/protocol.ts';
import { serializeError } from '../shared/protocol.ts';

const DB_NAME = 'zero-shot-classifier-models';
const DB_VERSION = 1;
const OPEN_TIMEOUT_MS = 5000;

interface Schema extends DBSchema {
  files: { key: string; value: StoredFileMeta; indexes: { byModel: string } };
  blobs: { key: string; value: Blob };
}

export interface StoredModel {
  modelKey: string;
  modelId: string;
  host: string;
  size: number;
  files: number;
  lastUsed: number;
}

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

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export class ModelStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  /** Rejects when IndexedDB cannot be used (private windows of some browsers, blocked site data). */
  static async open(): Promise<ModelStore> {
    if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available.');
    const db = await withTimeout(
      openDB<Schema>(DB_NAME, DB_VERSION, {
        upgrade(database) {
          const files = database.createObjectStore('files', { keyPath: 'url' });
          files.createIndex('byModel', 'modelKey');
          database.createObjectStore('blobs');
        },
      }),
      OPEN_TIMEOUT_MS,
      'Opening IndexedDB timed out.',
    );
    return new ModelStore(db);
  }

  /** A stored file with its bytes; marks it as used now. */
  async get(url: string): Promise<{ meta: StoredFileMeta; blob: Blob } | undefined> {
    const tx = this.db.transaction(['files', 'blobs'], 'readwrite');
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

  async put(meta: StoredFileMeta, blob: Blob): Promise<void> {
    const reason = rejectionReason(meta, blob);
    if (reason) throw new StoreRejectedError(`${meta.path} was not stored: ${reason}.`);
    const tx = this.db.transaction(['files', 'blobs'], 'readwrite');
    // Both writes or neither: a transaction that fails (quota, another tab) stores nothing.
    await Promise.all([tx.objectStore('blobs').put(blob, meta.url), tx.objectStore('files').put(meta), tx.done]);
  }

  async delete(url: string): Promise<void> {
    const tx = this.db.transaction(['files', 'blobs'], 'readwrite');
    await Promise.all([tx.objectStore('files').delete(url), tx.objectStore('blobs').delete(url), tx.done]);
  }

  async listModels(): Promise<StoredModel[]> {
    const models = new Map<string, StoredModel>();
    for (const meta of await this.db.getAll('files')) {
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

  async deleteModel(modelKey: string): Promise<void> {
    const tx = this.db.transaction(['files', 'blobs'], 'readwrite');
    const urls = await tx.objectStore('files').index('byModel').getAllKeys(modelKey);
    await Promise.all([
      ...urls.flatMap((url) => [tx.objectStore('files').delete(url), tx.objectStore('blobs').delete(url)]),
      tx.done,
    ]);
  }

  /** Carries out one of the worker's calls; failures (a full quota included) are answers too. */
  async answer(call: StoreCall): Promise<StoreAnswer> {
    try {
      switch (call.op) {
        case 'get':
          return { ok: true, file: await this.get(call.url) };
        case 'put':
          await this.put(call.meta, call.blob);
          return { ok: true };
        case 'delete':
          await this.delete(call.url);
          return { ok: true };
      }
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  }
}
