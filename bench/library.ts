/**
 * The bench's library scenario: a thousand generated photos added at once to a fresh library,
 * classified, stored; then one label added, a reload, and a search over ten thousand stored
 * embeddings (the thousand real ones, and nine copies of each moved slightly, written into the
 * library's IndexedDB the way the worker stores them).
 */
import type { Browser, Page } from '@playwright/test';
import sharp from 'sharp';
import { classifiedShown, longestBlock, typeAtEnd, watchMainThread, worstFrame, type AnimationFrame } from './page.ts';

const SEARCH_IMAGES = 10_000;
const QUERIES = ['a dog on a beach', 'a red car at night', 'snow on mountains', 'a bowl of fruit'];

export interface LibraryFigures {
  images: number;
  /** From the file input's change to all announced classified. */
  runMs: number;
  longestTaskMs: number;
  /** The longest animation frame while the photos were classified, with its scripts. */
  worstFrame: AnimationFrame | null;
  reloadReadyMs: number;
  /** From the label list applied (after the debounce) to every image re-ranked on screen. */
  relabelMs: number;
  /** From the new label's last keystroke to the same (debounce included). */
  relabelKeystrokeMs: number;
  bytesPerImage: number;
  /** From the query sent to the worker (after the debounce) to its results on screen. */
  searchMs: number;
  /** From the query's last keystroke to the same (debounce included). */
  searchKeystrokeMs: number;
  /** Where a re-rank and a search spend their time (ms), for the table; not targets. */
  parts: Record<string, number>;
}

/** The duration of the newest User Timing measure of each name in the classifier worker. */
async function workerMeasures(page: Page): Promise<Record<string, number>> {
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  if (!worker) return {};
  const entries = await worker.evaluate(() =>
    performance.getEntriesByType('measure').map((entry) => [entry.name, entry.duration] as const),
  );
  return Object.fromEntries(entries);
}

/** The page time of the first mark of this name after `after`. */
function markAfter(page: Page, name: string, after: number): Promise<number> {
  return page.evaluate(
    ({ name, after }) => performance.getEntriesByName(name).find((mark) => mark.startTime >= after)?.startTime ?? NaN,
    { name, after },
  );
}

/** Small photo-like JPEGs (smooth random colour fields), each different. */
async function photos(count: number): Promise<Buffer[]> {
  let seed = 1234;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 255;
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const small = Buffer.from(Array.from({ length: 8 * 6 * 3 }, random));
    out.push(
      await sharp(small, { raw: { width: 8, height: 6, channels: 3 } })
        .resize(320, 240, { kernel: 'cubic' })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
  }
  return out;
}

/** Bytes the library's IndexedDB holds (blobs, vectors, records), counted from the outside. */
function libraryBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zero-shot-classifier-library');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const size = (value: unknown): number => {
      if (value instanceof Blob) return value.size;
      if (ArrayBuffer.isView(value)) return value.byteLength;
      if (value instanceof ArrayBuffer) return value.byteLength;
      if (typeof value === 'string') return value.length * 2;
      if (typeof value === 'number' || typeof value === 'boolean') return 8;
      if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + size(item), 0);
      if (value && typeof value === 'object') {
        return Object.entries(value).reduce((sum, [key, item]) => sum + key.length * 2 + size(item), 0);
      }
      return 0;
    };
    let total = 0;
    for (const name of [...db.objectStoreNames]) {
      total += await new Promise<number>((resolve, reject) => {
        let sum = 0;
        const request = db.transaction(name).objectStore(name).openCursor();
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve(sum);
          sum += size(cursor.key) + size(cursor.value);
          cursor.continue();
        };
        request.onerror = () => reject(request.error);
      });
    }
    db.close();
    return total;
  });
}

/** Writes `copies` more images per stored image: same record, new id and hash, its embedding moved slightly. */
function seedCopies(page: Page, copies: number): Promise<number> {
  return page.evaluate(async (copies) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('zero-shot-classifier-library');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = <T>(store: string, what: 'getAll' | 'getAllKeys') =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store)[what]();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const images = await all<Record<string, unknown> & { id: string; contentHash: string; name: string }>(
      'images',
      'getAll',
    );
    const keys = await all<string>('embeddings', 'getAllKeys');
    const vectors = await all<Float32Array>('embeddings', 'getAll');
    let seed = 99;
    const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff - 0.5) * 0.05;
    const tx = db.transaction(['images', 'embeddings'], 'readwrite');
    let added = 0;
    for (let k = 1; k <= copies; k++) {
      for (const image of images) {
        const hash = `${image.contentHash}-${k}`;
        tx.objectStore('images').put({
          ...image,
          id: crypto.randomUUID(),
          name: `${k}-${image.name}`,
          contentHash: hash,
        });
        added++;
      }
      keys.forEach((key, i) => {
        const cut = key.lastIndexOf('\u0000');
        const moved = vectors[i].map((x) => x + noise());
        const norm = Math.hypot(...moved);
        tx.objectStore('embeddings').put(
          moved.map((x) => x / norm),
          `${key.slice(0, cut)}\u0000${key.slice(cut + 1)}-${k}`,
        );
      });
    }
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return added;
  }, copies);
}

interface SearchTiming {
  ms: number;
  keystrokeMs: number;
  parts: Record<string, number>;
}

/** One text search typed key by key: from its last keystroke, and from the query going to the worker, to its results on screen. */
async function searchOnce(page: Page, query: string): Promise<SearchTiming> {
  const box = page.getByRole('searchbox', { name: 'Search images' });
  const shown = page.evaluate(
    (query) =>
      new Promise<number>((resolve) => {
        const done = () =>
          (document.querySelector('#search-heading')?.textContent ?? '').includes(query) &&
          document.querySelector('ol[aria-label="Search results"]') !== null &&
          ![...document.querySelectorAll('.search-results .hint')].some((el) => el.textContent === 'Searching…');
        const observer = new MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }),
    query,
  );
  const lastKey = await typeAtEnd(box, query);
  const at = await shown;
  const started = await page.evaluate(() => performance.getEntriesByName('search-started').at(-1)?.startTime ?? NaN);
  const replied = await markAfter(page, 'reply:search-results', started);
  const worker = await workerMeasures(page);
  await box.fill('');
  // The next search starts from the library at rest, not while the page is still drawing it back.
  await page.locator('ol[aria-label="Search results"]').waitFor({ state: 'detached' });
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 })));
  return {
    ms: at - started,
    keystrokeMs: at - lastKey,
    parts: {
      'search: text embeddings (worker)': worker['search: text embeddings'] ?? NaN,
      'search: ranked (worker)': worker['search: ranked'] ?? NaN,
      'search: sent → reply on the page': replied - started,
      'search: reply → results on screen': at - replied,
    },
  };
}

export async function libraryScenario(
  browser: Browser,
  appUrl: string,
  labels: string[],
  extraLabel: string,
  count: number,
  step: (what: string) => void,
): Promise<LibraryFigures> {
  const files = await photos(count);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  await watchMainThread(page);
  try {
    await page.goto(appUrl);
    const status = page.getByRole('status').first();
    await status.filter({ hasText: 'Model ready' }).waitFor({ timeout: 300_000 });
    const labelBox = page.getByLabel('Candidate labels');
    await labelBox.fill(labels.join(', '));
    await page.waitForFunction(
      (n) => performance.getEntriesByName('labels-applied').some((m) => (m as PerformanceMark).detail === n),
      labels.length,
    );

    step('library: adding the photos');
    // A thousand photos at once, from the input's change to all announced classified.
    const input = page.getByLabel('Add images');
    await input.evaluate((el) =>
      el.addEventListener('change', () => ((window as unknown as { added: number }).added = performance.now()), {
        once: true,
      }),
    );
    const classified = classifiedShown(page, count, labels.length);
    await input.setInputFiles(files.map((buffer, i) => ({ name: `lib-${i}.jpg`, mimeType: 'image/jpeg', buffer })));
    const finished = await classified;
    const added = await page.evaluate(() => (window as unknown as { added: number }).added);
    const longestTaskMs = await longestBlock(page, added, finished);
    const worst = await worstFrame(page, added, finished);
    const bytesPerImage = (await libraryBytes(page)) / count;

    step('library: one more label, then a reload');
    // One more label typed: from its last keystroke, and from the label list applied, to every image re-ranked on screen.
    const reranked = classifiedShown(page, count, labels.length + 1, extraLabel);
    const lastKey = await typeAtEnd(labelBox, `, ${extraLabel}`);
    const rerankedAt = await reranked;
    // The last application of 11 labels: a pause in typing may have applied a half-typed one first.
    const applied = await page.evaluate(
      (n) =>
        performance
          .getEntriesByName('labels-applied')
          .filter((m) => (m as PerformanceMark).detail === n)
          .at(-1)?.startTime ?? NaN,
      labels.length + 1,
    );
    const relabelReply = await markAfter(page, 'reply:scores', applied);
    const relabelWorker = await workerMeasures(page);

    // A reload: from navigation to the library shown with its scores (stored embeddings, no file, no vision pass).
    await page.reload();
    const reloadReadyMs = await classifiedShown(page, count, labels.length + 1);

    step('library: search over ten thousand');
    // Ten thousand stored embeddings; the search needs the text model, so it waits for it first.
    const copies = Math.ceil(SEARCH_IMAGES / count) - 1;
    await seedCopies(page, copies);
    await page.reload();
    await classifiedShown(page, count * (copies + 1), labels.length + 1);
    await status.filter({ hasText: 'Model ready' }).waitFor({ timeout: 300_000 });
    await searchOnce(page, 'warm-up query'); // untimed, like every other figure's first run
    const searches: SearchTiming[] = [];
    for (const query of QUERIES.slice(0, 3)) searches.push(await searchOnce(page, query));
    const middle = [...searches].sort((a, b) => a.ms - b.ms)[Math.floor(searches.length / 2)];
    const keystrokes = searches.map((search) => search.keystrokeMs).sort((a, b) => a - b);

    return {
      images: count,
      runMs: finished - added,
      longestTaskMs,
      worstFrame: worst,
      reloadReadyMs,
      relabelMs: rerankedAt - applied,
      relabelKeystrokeMs: rerankedAt - lastKey,
      bytesPerImage,
      searchMs: middle.ms,
      searchKeystrokeMs: keystrokes[Math.floor(keystrokes.length / 2)],
      parts: {
        'relabel: text embeddings (worker)': relabelWorker['classify: text embeddings'] ?? NaN,
        'relabel: … of which text lookup in storage (worker)': relabelWorker['text lookup in storage'] ?? NaN,
        'relabel: … of which waiting for the text model (worker)': relabelWorker['text model ready'] ?? NaN,
        'relabel: … of which the text pass (worker)': relabelWorker['text pass'] ?? NaN,
        'relabel: stored embeddings scored (worker)': relabelWorker['classify: stored embeddings scored'] ?? NaN,
        'relabel: applied → scores on the page': relabelReply - applied,
        'relabel: scores → every image re-ranked on screen': rerankedAt - relabelReply,
        ...middle.parts,
      },
    };
  } finally {
    await context.close();
  }
}
