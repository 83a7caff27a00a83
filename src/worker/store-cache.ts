/**
 * The model store as transformers.js sees it: its custom cache interface (`match`/`put`), so the
 * library's own loading code stays the only path. Reads are verified (length and SHA-256) before
 * use; a damaged file is deleted and left for the library to download again. Writes are refused
 * for anything but a whole, OK, non-HTML body. Storage trouble never fails a load: it becomes a
 * notice, and the model runs from memory.
 */
import type { StorageNotice, StoreAnswer, StoreCall, StoredFileMeta } from '../shared/protocol.ts';
import { repoPath, type DownloadLog } from './download.ts';

export type StoreCaller = (call: StoreCall) => Promise<StoreAnswer>;

export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An ETag that is a SHA-256 (as the Hub gives for large files), without quotes or `W/`. */
function etagDigest(etag: string | null): string | null {
  const value = etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase() ?? '';
  return /^[0-9a-f]{64}$/.test(value) ? value : null;
}

interface VerifiedFile {
  meta: StoredFileMeta;
  bytes: Uint8Array<ArrayBuffer>;
}

export class StoreCache {
  /** One verified read per file and load: the library asks for the same file several times. */
  private readonly reads = new Map<string, Promise<VerifiedFile | undefined>>();
  private readonly repaired = new Set<string>();
  private writeProblem: StorageNotice | null = null;

  constructor(
    private readonly call: StoreCaller,
    private readonly modelId: string,
    private readonly host: string,
    private readonly downloads: DownloadLog,
  ) {}

  get notices(): StorageNotice[] {
    const notices: StorageNotice[] = [];
    if (this.repaired.size > 0) notices.push({ kind: 'repaired', files: [...this.repaired] });
    if (this.writeProblem) notices.push(this.writeProblem);
    return notices;
  }

  async match(url: string): Promise<Response | undefined> {
    let read = this.reads.get(url);
    if (!read) {
      read = this.readVerified(url);
      this.reads.set(url, read);
    }
    const file = await read;
    if (!file) return undefined;
    return new Response(file.bytes, {
      headers: {
        'content-type': file.meta.contentType,
        'content-length': String(file.meta.size),
        ...(file.meta.etag ? { etag: file.meta.etag } : {}),
      },
    });
  }

  private async readVerified(url: string): Promise<VerifiedFile | undefined> {
    const answer = await this.call({ op: 'get', url });
    if (!answer.ok || !answer.file) return undefined;
    const { meta, blob } = answer.file;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (bytes.byteLength === meta.size && (await sha256Hex(bytes)) === meta.sha256) return { meta, bytes };
    this.repaired.add(meta.path);
    await this.call({ op: 'delete', url });
    return undefined;
  }

  async put(url: string, response: Response): Promise<void> {
    // After a full quota, later files would fail too: they run from memory without trying.
    if (!response.ok || this.writeProblem?.kind === 'quota') return;
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    if (/text\/html/i.test(contentType)) return;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const declared = this.downloads.declaredLength(url);
    if (declared !== undefined && declared !== bytes.byteLength) return;
    const sha256 = await sha256Hex(bytes);
    const etag = response.headers.get('etag');
    const expected = etagDigest(etag);
    if (expected !== null && expected !== sha256) return;
    const now = Date.now();
    const meta: StoredFileMeta = {
      url,
      modelKey: `${this.host}|${this.modelId}`,
      modelId: this.modelId,
      host: this.host,
      path: repoPath(url),
      size: bytes.byteLength,
      contentType,
      etag,
      sha256,
      storedAt: now,
      lastUsed: now,
    };
    const answer = await this.call({ op: 'put', meta, blob: new Blob([bytes], { type: contentType }) });
    if (answer.ok) {
      this.reads.set(url, Promise.resolve({ meta, bytes }));
    } else if (answer.error.name === 'QuotaExceededError') {
      this.writeProblem = { kind: 'quota' };
    } else {
      this.writeProblem ??= { kind: 'store-failed', message: answer.error.message };
    }
  }
}
