/**
 * Thumbnails from the worker (the page never decodes an original): asked for in batches for the
 * images on screen, kept as object URLs by content (duplicates share one), a bounded number at a time.
 */
import type { LibraryImage } from '../../shared/library.ts';
import type { ClassifierClient } from './worker-client.ts';

/** Far more than a screen shows, so a visible thumbnail is never revoked under it. */
const KEPT = 1000;

export class Thumbnails {
  private readonly urls = new Map<string, string>();
  /** Image ids asked for, by content hash, not sent yet. */
  private readonly queued = new Map<string, string>();
  private readonly asked = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private flushing = false;

  constructor(
    private readonly client: () => ClassifierClient,
    private readonly objectUrls = {
      create: (blob: Blob) => URL.createObjectURL(blob),
      revoke: (url: string) => URL.revokeObjectURL(url),
    },
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The thumbnail's URL, if it is here. */
  peek(image: LibraryImage): string | undefined {
    return image.contentHash ? this.urls.get(image.contentHash) : undefined;
  }

  /** Asks the worker for an image's thumbnail (batched with the others asked for meanwhile). */
  want(image: LibraryImage): void {
    const hash = image.contentHash;
    if (!hash || this.urls.has(hash) || this.asked.has(hash)) return;
    this.asked.add(hash);
    this.queued.set(hash, image.id);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushing = false;
    const batch = [...this.queued];
    this.queued.clear();
    if (batch.length === 0) return;
    const byId = new Map(batch.map(([hash, id]) => [id, hash]));
    try {
      for (const { id, blob } of await this.client().thumbnails([...byId.keys()])) {
        const hash = byId.get(id);
        if (hash && blob) this.keep(hash, this.objectUrls.create(blob));
      }
    } catch {
      // Asked again when the card is shown next time.
    }
    for (const hash of byId.values()) this.asked.delete(hash);
    for (const listener of this.listeners) listener();
  }

  private keep(hash: string, url: string): void {
    this.urls.set(hash, url);
    while (this.urls.size > KEPT) {
      const [oldest, oldUrl] = this.urls.entries().next().value as [string, string];
      this.urls.delete(oldest);
      this.objectUrls.revoke(oldUrl);
    }
  }

  clear(): void {
    for (const url of this.urls.values()) this.objectUrls.revoke(url);
    this.urls.clear();
  }
}
