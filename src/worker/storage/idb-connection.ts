/**
 * One IndexedDB connection that looks after itself: opened lazily with a timeout (retried before
 * giving up), closed when a newer version of the app asks for the database, and reopened on the
 * next use after that or after the browser terminated it.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

export interface ConnectionOptions<S extends DBSchema> {
  name: string;
  version: number;
  /** Brings a database of `oldVersion` (0: new) up to `version`. */
  upgrade(
    db: IDBPDatabase<S>,
    oldVersion: number,
    transaction: IDBPTransaction<S, StoreNames<S>[], 'versionchange'>,
  ): void;
  openTimeoutMs?: number;
  /** Opens tried before the database counts as unavailable. */
  attempts?: number;
}

export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}

export class DatabaseConnection<S extends DBSchema> {
  private opening: Promise<IDBPDatabase<S>> | null = null;

  constructor(private readonly options: ConnectionOptions<S>) {}

  /** The open database; rejects with a StorageUnavailableError when IndexedDB cannot be used. */
  get(): Promise<IDBPDatabase<S>> {
    if (!this.opening) {
      const opening = this.openWithRetries();
      this.opening = opening;
      // A failed open is not remembered: storage may come back (another tab closed, space freed).
      opening.catch(() => {
        if (this.opening === opening) this.opening = null;
      });
    }
    return this.opening;
  }

  close(): void {
    const opening = this.opening;
    this.opening = null;
    void opening?.then((db) => db.close()).catch(() => undefined);
  }

  private async openWithRetries(): Promise<IDBPDatabase<S>> {
    const attempts = this.options.attempts ?? 2;
    let last: unknown = null;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return await this.openOnce();
      } catch (error) {
        last = error;
        // A version or security error will not change by trying again.
        if (
          error instanceof DOMException &&
          ['VersionError', 'SecurityError', 'InvalidStateError'].includes(error.name)
        )
          break;
      }
    }
    throw new StorageUnavailableError(
      `IndexedDB could not be opened (${last instanceof Error ? last.message : String(last)}).`,
    );
  }

  private openOnce(): Promise<IDBPDatabase<S>> {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available.'));
    const { name, version, upgrade, openTimeoutMs = 5000 } = this.options;
    let timedOut = false;
    const request = openDB<S>(name, version, {
      upgrade: (db, oldVersion, _newVersion, transaction) => upgrade(db, oldVersion, transaction),
      // A newer version of the app (in another tab) needs the database: let it go, reopen later.
      blocking: () => this.close(),
      terminated: () => {
        this.opening = null;
      },
    });
    return new Promise<IDBPDatabase<S>>((resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new Error('opening IndexedDB timed out'));
      }, openTimeoutMs);
      request.then(
        (db) => {
          clearTimeout(timer);
          // An open that finishes after its timeout must not keep blocking other connections.
          if (timedOut) db.close();
          else resolve(db);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
