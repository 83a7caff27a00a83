/**
 * The model store as transformers.js sees it: its custom cache interface (`match`/`put`), so the
 * library's own loading code stays the only path. A file's SHA-256 is checked when it is stored
 * (downloaded or imported); a later load checks its length only, so that the model is ready without
 * hashing hundreds of MB first, and `verifyStored` hashes what was read once the model is ready. A
 * damaged file is deleted and left for the library to download again. Writes are refused for
 * anything but a whole, OK, non-HTML body. Storage trouble never fails a load: it becomes a notice,
 * and the model runs from memory. Stored bytes stay Blobs: a match hands out a Response over the
 * Blob (streamed from IndexedDB's file into the library's one buffer), so no copy is held here.
 */
import type { ModelSource, StorageNotice, StoredFileMeta } from '../../shared/types.ts';
import { modelKey } from '../../shared/types.ts';
import { repoPath, type DownloadLog } from './download.ts';
import { HashMismatchError } from '../model/model-errors.ts';
import type { ModelStore } from './model-store.ts';
import { sha256Hex } from './sha256.ts';

/** An ETag that is a SHA-256 (as the Hub gives for large files), without quotes or `W/`. */
function etagDigest(etag: string | null): string | null {
  const value = etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase() ?? '';
  return /^[0-9a-f]{64}$/.test(value) ? value : null;
}

interface StoredFile {
  meta: StoredFileMeta;
  blob: Blob;
}

function isQuotaError(error: unknown): boolean {
  return error instanceof Error || error instanceof DOMException ? error.name === 'QuotaExceededError' : false;
}

export class StoreCache {
  /** One checked read per file and load: the library asks for the same file several times. */
  private readonly reads = new Map<string, Promise<StoredFile | undefined>>();
  /** Files read with their length checked but not yet their hash. */
  private readonly unverified = new Map<string, StoredFile>();
  private readonly repaired = new Set<string>();
  /** Files this load took from the store (not downloaded): the suspects when a session cannot be made. */
  private readonly served = new Map<string, string>();
  private writeProblem: StorageNotice | null = null;
  /** A downloaded file whose bytes are not what its host's checksum says: the load must not run it. */
  private mismatch: HashMismatchError | null = null;
  /** Downloads of this load still being hashed. */
  private readonly checks = new Set<Promise<unknown>>();

  constructor(
    private readonly store: ModelStore,
    private readonly source: ModelSource,
    private readonly downloads: DownloadLog,
  ) {}

  /**
   * Forgets the verified reads once the sessions exist: a file downloaded in this load is a Blob
   * over its bytes, which ONNX Runtime has copied into its own memory by then.
   */
  release(): void {
    this.reads.clear();
  }

  /** Paths of the stored files found damaged in this load (deleted, to be downloaded again). */
  get repairedFiles(): string[] {
    return [...this.repaired];
  }

  get notices(): StorageNotice[] {
    const notices: StorageNotice[] = [];
    if (this.repaired.size > 0) notices.push({ kind: 'repaired', files: [...this.repaired] });
    if (this.writeProblem) notices.push(this.writeProblem);
    return notices;
  }

  /** Whether a file is stored whole (checked as a load would check it). */
  async has(url: string): Promise<boolean> {
    return (await this.read(url)) !== undefined;
  }

  async match(url: string): Promise<Response | undefined> {
    const file = await this.read(url);
    if (!file) return undefined;
    this.served.set(url, file.meta.path);
    return new Response(file.blob, {
      headers: {
        'content-type': file.meta.contentType,
        'content-length': String(file.meta.size),
        ...(file.meta.etag ? { etag: file.meta.etag } : {}),
      },
    });
  }

  private read(url: string): Promise<StoredFile | undefined> {
    let read = this.reads.get(url);
    if (!read) {
      read = this.readChecked(url);
      this.reads.set(url, read);
    }
    return read;
  }

  /** A stored file whose length is right (its hash is checked later, by `verifyStored`). */
  private async readChecked(url: string): Promise<StoredFile | undefined> {
    let file: StoredFile | undefined;
    try {
      file = await this.store.get(url);
    } catch {
      return undefined; // Unreadable storage: the file is downloaded instead.
    }
    if (!file) return undefined;
    if (file.blob.size === file.meta.size) {
      this.unverified.set(url, file);
      return file;
    }
    await this.discard(url, file.meta.path);
    return undefined;
  }

  /**
   * Deletes the stored ONNX files this load read from the store, so a second try downloads them:
   * for a file whose checksum held but that ONNX Runtime could not parse. Returns their paths.
   */
  async discardServedGraphs(): Promise<string[]> {
    const graphs = [...this.served].filter(([, path]) => path.endsWith('.onnx'));
    for (const [url, path] of graphs) {
      this.served.delete(url);
      await this.discard(url, path);
    }
    return graphs.map(([, path]) => path);
  }

  private async discard(url: string, path: string): Promise<void> {
    this.repaired.add(path);
    this.unverified.delete(url);
    this.reads.delete(url);
    await this.store.delete(url).catch(() => undefined);
  }

  /** Whether files were read whose hash has not been checked yet. */
  get hasUnverified(): boolean {
    return this.unverified.size > 0;
  }

  /**
   * Hashes the files read since the last call, one at a time; deletes those whose SHA-256 is not
   * the one stored with them (the next load downloads them again). Returns their paths.
   */
  async verifyStored(): Promise<string[]> {
    const damaged: string[] = [];
    for (const [url, { meta, blob }] of [...this.unverified]) {
      this.unverified.delete(url);
      let digest: string;
      try {
        digest = await sha256Hex(await blob.arrayBuffer());
      } catch {
        continue; // Unreadable now: the next load's read will tell.
      }
      if (digest === meta.sha256) continue;
      damaged.push(meta.path);
      await this.discard(url, meta.path);
    }
    return damaged;
  }

  /**
   * Throws when a file downloaded in this load did not match its host's checksum. transformers.js
   * swallows errors of `put` (and uses the bytes anyway), so the load checks here before every
   * session is created, and once more when it ends: after every download handed to `put` is hashed
   * (transformers.js does not wait for `put`, so a session could otherwise beat the hash).
   */
  async assertIntact(): Promise<void> {
    await Promise.allSettled([...this.checks]);
    if (this.mismatch) throw this.mismatch;
  }

  async put(url: string, response: Response): Promise<void> {
    this.served.delete(url); // Downloaded in this load, not read from the store.
    const check = this.checked(url, response);
    this.checks.add(check);
    const checked = await check.finally(() => this.checks.delete(check));
    if (!checked) return;
    const { bytes, sha256, contentType, etag } = checked;
    // After a full quota, later files would fail too: they run from memory without trying.
    if (this.writeProblem?.kind === 'quota') return;
    const now = Date.now();
    const meta: StoredFileMeta = {
      url,
      modelKey: modelKey(this.source),
      modelId: this.source.modelId,
      host: this.source.host,
      path: repoPath(url),
      size: bytes.byteLength,
      contentType,
      etag,
      sha256,
      storedAt: now,
      lastUsed: now,
    };
    const blob = new Blob([bytes], { type: contentType });
    try {
      // Not kept in `reads`: the load has its bytes already, and keeping them would hold a copy.
      await this.store.put(meta, blob);
      // Hashed just now: nothing left to verify.
      this.reads.set(url, Promise.resolve({ meta, blob }));
      this.unverified.delete(url);
    } catch (error) {
      if (isQuotaError(error)) this.writeProblem = { kind: 'quota' };
      else
        this.writeProblem ??= { kind: 'store-failed', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** A download's bytes and digest, or null when they must not be kept (a mismatch is recorded). */
  private async checked(
    url: string,
    response: Response,
  ): Promise<{ bytes: ArrayBuffer; sha256: string; contentType: string; etag: string | null } | null> {
    if (!response.ok) return null;
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    if (/text\/html/i.test(contentType)) return null;
    const bytes = await response.arrayBuffer();
    const declared = this.downloads.declaredLength(url);
    if (declared !== undefined && declared !== bytes.byteLength) return null;
    const sha256 = await sha256Hex(bytes);
    const etag = response.headers.get('etag');
    const expected = etagDigest(etag);
    if (expected !== null && expected !== sha256) {
      this.mismatch ??= new HashMismatchError(repoPath(url));
      return null;
    }
    return { bytes, sha256, contentType, etag };
  }
}
