/** Page objects and fixtures for the end-to-end tests. */
import { test as base, expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import type { ImageFile } from './images.ts';

export const FIXTURE_URL = '/?host=/models&model=fixtures/clip-colors';

export class ClassifierPage {
  readonly status: Locator;
  readonly fileInput: Locator;
  readonly labels: Locator;
  readonly dropZone: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByRole('status');
    this.fileInput = page.getByLabel('Add images');
    this.labels = page.getByLabel('Candidate labels');
    this.dropZone = page.getByRole('button', { name: /drop zone/i });
  }

  async open(url = FIXTURE_URL): Promise<void> {
    await this.page.goto(url);
  }

  async openReady(url = FIXTURE_URL, { acceptDownload = false } = {}): Promise<void> {
    await this.open(url);
    // A model from another host waits for the person's go-ahead (the consent dialog).
    if (acceptDownload) await this.acceptDownload();
    // A real model load (ONNX Runtime's WASM compiled, sessions created): slow when both test workers load at once.
    await expect(this.status).toContainText('Model ready', { timeout: 45_000 });
  }

  /** The dialog that asks before a download from another host, of a large model, or when saving data. */
  consentDialog(): Locator {
    return this.page.getByRole('dialog');
  }

  /** Presses Download in the consent dialog. */
  async acceptDownload(): Promise<void> {
    await this.consentDialog().getByRole('button', { name: 'Download' }).click();
  }

  async addImages(files: ImageFile[]): Promise<void> {
    await this.fileInput.setInputFiles(files);
  }

  /** A real drop: a DataTransfer holding the files, dispatched on the drop zone. */
  async dropImages(files: ImageFile[]): Promise<void> {
    const payload = files.map((f) => ({ name: f.name, type: f.mimeType, base64: f.buffer.toString('base64') }));
    const dataTransfer = await this.page.evaluateHandle((items) => {
      const transfer = new DataTransfer();
      for (const item of items) {
        const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], item.name, { type: item.type }));
      }
      return transfer;
    }, payload);
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer });
    await this.dropZone.dispatchEvent('dragover', { dataTransfer });
    await this.dropZone.dispatchEvent('drop', { dataTransfer });
  }

  async typeLabels(text: string): Promise<void> {
    await this.labels.fill(text);
  }

  scores(fileName: string): Locator {
    return this.page.getByRole('list', { name: `Scores for ${fileName}` }).getByRole('listitem');
  }

  /** Asserts the exact order of labels for an image, each shown with a one-decimal percentage. */
  async expectRanking(fileName: string, labels: string[]): Promise<void> {
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await expect(this.scores(fileName)).toHaveText(labels.map((l) => new RegExp(`^${escape(l)} \\d{1,3}\\.\\d%$`)));
  }

  async expectTopLabel(fileName: string, label: string): Promise<void> {
    await expect(this.scores(fileName).first()).toHaveText(new RegExp(`^${label} \\d{1,3}\\.\\d%$`));
  }

  cards(): Locator {
    return this.page.getByRole('article');
  }

  /** The page's running count of encoded prompts and images, and of stored embeddings reused. */
  async work(): Promise<{ texts: number; images: number; imagesCached: number }> {
    const summary = this.page.locator('.work-summary');
    if ((await summary.count()) === 0) return { texts: 0, images: 0, imagesCached: 0 };
    return {
      texts: Number(await summary.getAttribute('data-texts-encoded')),
      images: Number(await summary.getAttribute('data-images-encoded')),
      imagesCached: Number(await summary.getAttribute('data-images-cached')),
    };
  }

  /** Classification progress as the page says it: done of total, once all are done ("N of N"). */
  async classifiedAll(count: number): Promise<void> {
    // Polled by count: an unmet expect on a locator snapshots the whole page's accessibility tree at every try
    // (Playwright 1.65), a main-thread task of its own that a long run would pay hundreds of times.
    await expect
      .poll(() => this.page.getByText(`${count} of ${count} images classified.`).count(), { timeout: 120_000 })
      .toBeGreaterThan(0);
  }

  /** What Export JSON saves. */
  async exportJson(): Promise<{
    model: string;
    images: { file: string; scores: { label: string; score: number }[] }[];
  }> {
    const [file] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    return JSON.parse(await readFile(await file.path(), 'utf8')) as Awaited<ReturnType<ClassifierPage['exportJson']>>;
  }

  /** Opens the settings drawer (model, backend, precision, import, storage). */
  async openSettings(): Promise<void> {
    await this.page.getByText('Settings', { exact: true }).click();
  }
}

export const test = base.extend<{ app: ClassifierPage }>({
  app: async ({ page }, use) => {
    await use(new ClassifierPage(page));
  },
});

export { expect };

export const FAULT_PORT = Number(process.env.E2E_FAULT_PORT ?? 4174);
export const FAULT_HOST = `http://localhost:${FAULT_PORT}`;
/** The fault server under another name: written as a link would, `127.0.0.1:PORT`. */
export const OTHER_HOST = `http://127.0.0.1:${FAULT_PORT}`;
/** The same build on plain static hosting: no COOP/COEP from the server. */
export const STATIC_ORIGIN = `http://localhost:${process.env.E2E_STATIC_PORT ?? 4175}`;

/**
 * A model host of its own for one test run (repeats and retries included), on the fault server:
 * another origin than the page's, so a load meets the consent dialog first.
 */
export function faultyHost(testInfo: TestInfo, origin = FAULT_HOST) {
  const token = `t${testInfo.testId}-${testInfo.repeatEachIndex}-${testInfo.retry}`;
  const host = `${origin}/${token}/models`;
  return {
    host,
    url: `/?host=${encodeURIComponent(host)}&model=fixtures/clip-colors`,
    async fault(file: string, mode: 'cut' | 'stall' | 'missing' | 'hold' | 'external-data', times = 1): Promise<void> {
      const response = await fetch(`${FAULT_HOST}/${token}/faults`, {
        method: 'POST',
        body: JSON.stringify({ file, mode, times }),
      });
      if (!response.ok) throw new Error(`fault server: ${response.status}`);
    },
    /** How many downloads are held unanswered now ('hold'). */
    async held(): Promise<number> {
      return (await (await fetch(`${FAULT_HOST}/${token}/held`)).json()) as number;
    },
    /** Serves every held download, and holds no more. */
    async release(): Promise<void> {
      const response = await fetch(`${FAULT_HOST}/${token}/release`, { method: 'POST' });
      if (!response.ok) throw new Error(`fault server: ${response.status}`);
    },
    /** How many stalled downloads the app gave up on (closed the connection). */
    async abandoned(): Promise<number> {
      return (await (await fetch(`${FAULT_HOST}/${token}/abandoned`)).json()) as number;
    },
  };
}

export interface StoredFile {
  path: string;
  modelId: string;
  host: string;
  size: number;
  blobSize: number;
  sha256: string;
  /** SHA-256 of the stored bytes, computed now. */
  actualSha256: string;
}

/** Reads the app's model store straight from IndexedDB in the page. */
export async function storedFiles(page: Page): Promise<StoredFile[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zero-shot-classifier-models');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (!db.objectStoreNames.contains('files')) return [];
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const request = db.transaction('blobs').objectStore('blobs').getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const blobs = await all<Blob>('blobs');
    const files = await all<{ url: string; path: string; modelId: string; host: string; size: number; sha256: string }>(
      'files',
    );
    db.close();
    const hex = async (blob: Blob) =>
      Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())), (b) =>
        b.toString(16).padStart(2, '0'),
      ).join('');
    return Promise.all(
      files.map(async (file) => {
        const blob = blobs[keys.indexOf(file.url)];
        return {
          path: file.path,
          modelId: file.modelId,
          host: file.host,
          size: file.size,
          blobSize: blob?.size ?? -1,
          sha256: file.sha256,
          actualSha256: blob ? await hex(blob) : '',
        };
      }),
    );
  });
}

/** Damages one stored file's bytes in place: flips bytes in the middle, or cuts it in half. */
/**
 * Damages a stored model file: 'flip' and 'truncate' change the bytes under their recorded checksum;
 * 'consistent' garbles the file's first bytes and records the new checksum, as a store written by a
 * faulty version would hold it, so only ONNX Runtime itself can find it wrong.
 */
export async function damageStoredFile(
  page: Page,
  path: string,
  how: 'flip' | 'truncate' | 'consistent',
): Promise<void> {
  await page.evaluate(
    async ({ path, how }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('zero-shot-classifier-models');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const files = await new Promise<{ url: string; path: string; sha256: string }[]>((resolve, reject) => {
        const request = db.transaction('files').objectStore('files').getAll();
        request.onsuccess = () => resolve(request.result as { url: string; path: string; sha256: string }[]);
        request.onerror = () => reject(request.error);
      });
      const record = files.find((f) => f.path === path);
      const url = record?.url;
      if (!record || !url) throw new Error(`${path} is not stored`);
      const blob = await new Promise<Blob>((resolve, reject) => {
        const request = db.transaction('blobs').objectStore('blobs').get(url);
        request.onsuccess = () => resolve(request.result as Blob);
        request.onerror = () => reject(request.error);
      });
      let bytes = new Uint8Array(await blob.arrayBuffer());
      if (how === 'truncate') bytes = bytes.slice(0, Math.floor(bytes.length / 2));
      else if (how === 'flip') for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i] ^= 0xff;
      else for (let i = 0; i < 64; i++) bytes[i] ^= 0xa5;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['blobs', 'files'], 'readwrite');
        tx.objectStore('blobs').put(new Blob([bytes]), url);
        if (how === 'consistent') tx.objectStore('files').put({ ...record, sha256 });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { path, how },
  );
}

/** Records the model-file requests of a context (pages and their workers): all, and full downloads. */
export function watchModelRequests(page: Page): { all: string[]; downloads: string[]; reset(): void } {
  const seen = {
    all: [] as string[],
    downloads: [] as string[],
    reset() {
      seen.all.length = 0;
      seen.downloads.length = 0;
    },
  };
  page.context().on('request', (request) => {
    const match = /\/resolve\/main\/(.+)$/.exec(request.url());
    if (!match) return;
    seen.all.push(match[1]);
    // One-byte range requests only probe a file's size.
    if (!request.headers()['range']) seen.downloads.push(match[1]);
  });
  return seen;
}
