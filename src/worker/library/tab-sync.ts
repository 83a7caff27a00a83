/**
 * One library across tabs. Every tab's worker writes the same IndexedDB: writes take one Web Lock
 * (so two tabs' writes never interleave), and each write is announced on a BroadcastChannel with
 * what it touched (ids and hashes, never blobs), for the other tabs' workers to re-read. A worker
 * also holds a lock of its own while it classifies, so another tab can tell that an image added
 * here will be encoded here, and wait for its embedding instead of encoding it twice.
 */
import { Turns } from '../../shared/turns.ts';

/** The Web Lock every library write takes. */
export const LIBRARY_WRITE_LOCK = 'zero-shot-classifier-library-write';
/** The BroadcastChannel library changes are announced on. */
export const LIBRARY_CHANNEL = 'zero-shot-classifier-library';
/** Held by a tab's worker while it classifies: `{prefix}{tab}`. */
export const CLASSIFYING_LOCK_PREFIX = 'zero-shot-classifier-classifying:';

/** What a write touched, for other tabs to re-read ('all': every record of that kind). */
export interface LibraryChange {
  /** Image records (one missing from the store now is gone from the library). */
  images?: string[] | 'all';
  folders?: true;
  /** Corrections, by content hash. */
  corrections?: string[] | 'all';
  /** Embeddings stored for one model and precision, by content hash. */
  embeddings?: { key: string; hashes: string[] };
}

/** A change as broadcast: which tab (worker) made it. */
export interface LibraryNotice extends LibraryChange {
  from: string;
}

export interface LibrarySync {
  /** This worker's name among the tabs. */
  readonly tab: string;
  /** Runs a write while no other tab writes the library. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Tells the other tabs what a write touched. */
  announce(change: LibraryChange): void;
  /** Receives the other tabs' changes; returns a function that stops listening. */
  listen(onNotice: (notice: LibraryNotice) => void): () => void;
  /** Runs a classification, marked as running for the other tabs. */
  whileClassifying<T>(work: () => Promise<T>): Promise<T>;
  /** The other tabs classifying now. */
  othersClassifying(): Promise<ReadonlySet<string>>;
}

/** Whether a change touches anything. */
export function isEmptyChange(change: LibraryChange): boolean {
  return (
    (change.images === undefined || change.images.length === 0) &&
    !change.folders &&
    (change.corrections === undefined || change.corrections.length === 0) &&
    (change.embeddings === undefined || change.embeddings.hashes.length === 0)
  );
}

/** The library shared with other tabs through Web Locks and a BroadcastChannel (each optional: without them, alone). */
export class TabSync implements LibrarySync {
  readonly tab: string;
  /** The lock of a single worker where the Web Locks API is missing. */
  private readonly local = new Turns();
  private readonly listeners = new Set<(notice: LibraryNotice) => void>();

  constructor(
    private locks: LockManager | undefined,
    private readonly channel: BroadcastChannel | null,
    tab: string = crypto.randomUUID(),
  ) {
    this.tab = tab;
    channel?.addEventListener('message', (event: MessageEvent<LibraryNotice>) => {
      const notice = event.data;
      // Only notices of other tabs; anything else on the channel is ignored.
      if (typeof notice?.from !== 'string' || notice.from === this.tab) return;
      for (const listener of this.listeners) listener(notice);
    });
  }

  /** This worker's sync: the browser's locks and channel where the worker has them. */
  static forWorker(): TabSync {
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(LIBRARY_CHANNEL) : null;
    return new TabSync(locks, channel);
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.locked(LIBRARY_WRITE_LOCK, work, () => this.local.run(work));
  }

  /** Runs `work` under a Web Lock; where the browser refuses locks (site data blocked), as `alone` does. */
  private async locked<T>(name: string, work: () => Promise<T>, alone: () => Promise<T>): Promise<T> {
    const locks = this.locks;
    if (!locks) return alone();
    let granted = false;
    try {
      return await locks.request(name, () => {
        granted = true;
        return work();
      });
    } catch (error) {
      if (granted) throw error;
      // Refused before running (a SecurityError where storage is blocked): no other tab can share this library.
      this.locks = undefined;
      return alone();
    }
  }

  announce(change: LibraryChange): void {
    if (isEmptyChange(change)) return;
    try {
      this.channel?.postMessage({ ...change, from: this.tab } satisfies LibraryNotice);
    } catch {
      // A closed channel: this tab is going away, nobody is left to tell.
    }
  }

  listen(onNotice: (notice: LibraryNotice) => void): () => void {
    this.listeners.add(onNotice);
    return () => this.listeners.delete(onNotice);
  }

  whileClassifying<T>(work: () => Promise<T>): Promise<T> {
    // Runs of this worker follow one another; the lock only tells other tabs that one is running.
    return this.locked(`${CLASSIFYING_LOCK_PREFIX}${this.tab}`, work, work);
  }

  async othersClassifying(): Promise<ReadonlySet<string>> {
    if (!this.locks) return new Set();
    const { held = [] } = await this.locks.query().catch(() => ({ held: [] as LockInfo[] }));
    const tabs = new Set<string>();
    for (const { name } of held) {
      if (name?.startsWith(CLASSIFYING_LOCK_PREFIX)) tabs.add(name.slice(CLASSIFYING_LOCK_PREFIX.length));
    }
    tabs.delete(this.tab);
    return tabs;
  }

  close(): void {
    this.channel?.close();
    this.listeners.clear();
  }
}

/** A library no other tab shares (tests, and where neither API exists). */
export function aloneSync(): LibrarySync {
  return new TabSync(undefined, null);
}
