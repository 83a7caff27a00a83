import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { makeZip } from 'client-zip';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import { BackupError, exportLibrary, importLibrary } from './backup.ts';
import { LibraryStore, libraryConnection, type ModelRecord } from './library-store.ts';

const KEY = 'https://huggingface.co|Xenova/clip-vit-base-patch32|q8';
const hashOf = (n: number) => n.toString(16).padStart(64, '0');

function image(n: number, extra: Partial<LibraryImage> = {}): LibraryImage {
  return {
    id: `image-${n}`,
    name: `IMG_${n}.jpg`,
    path: null,
    folderId: null,
    size: 1000 + n,
    lastModified: 1_700_000_000_000 + n,
    addedAt: n,
    contentHash: hashOf(n),
    width: 640,
    height: 480,
    notes: [],
    failure: null,
    source: 'file',
    ...extra,
  };
}

const vector = (n: number, dim = 8) => Float32Array.from({ length: dim }, (_, i) => Math.sin(n * 31 + i));

const model: ModelRecord = {
  request: '["https://huggingface.co","Xenova/clip-vit-base-patch32","wasm",["q8"]]',
  embeddingKey: KEY,
  dtype: 'q8',
  calibration: { scale: 100, bias: 0 },
  scoring: 'softmax',
  neutral: vector(99),
  languages: ['en'],
};

/** A library of `count` read images, each with a thumbnail, a kept file, an embedding; one correction in three. */
async function fill(store: LibraryStore, count: number, dim = 8): Promise<void> {
  const images = Array.from({ length: count }, (_, i) => image(i + 1));
  await store.addImages(images, new Map(images.map((record) => [record.id, new Blob([`file ${record.id}`])])));
  for (const record of images) {
    await store.saveRead({
      image: record,
      thumbnail: new Blob([`thumb ${record.contentHash}`], { type: 'image/webp' }),
      copy: null,
      keepFile: true,
    });
  }
  await store.putEmbeddings(
    KEY,
    images.map((record, i) => [record.contentHash as string, vector(i + 1, dim)] as const),
  );
  await store.putTexts(KEY, [['a photo of a cat', vector(500)]]);
  await store.putModel(model);
  for (const record of images.filter((_, i) => i % 3 === 0)) {
    await store.putCorrection({ contentHash: record.contentHash as string, label: 'cat', at: record.addedAt });
  }
}

async function backupOf(store: LibraryStore, includeFiles = true): Promise<Blob> {
  return new Response(exportLibrary(store, { includeFiles })).blob();
}

/** Everything a store holds, comparable with toEqual. */
async function snapshot(store: LibraryStore) {
  const images = (await store.images()).sort((a, b) => a.id.localeCompare(b.id));
  const hashes = images.map((record) => record.contentHash as string);
  const embeddings = await store.embeddings(KEY);
  return {
    images,
    corrections: (await store.corrections()).sort((a, b) => a.contentHash.localeCompare(b.contentHash)),
    thumbnails: await Promise.all(hashes.map(async (hash) => (await store.thumbnail(hash))?.text())),
    files: await Promise.all(images.map(async (record) => (await store.file(record.id))?.text())),
    embeddings: [...embeddings].sort(([a], [b]) => a.localeCompare(b)).map(([hash, v]) => [hash, [...v]]),
    texts: (await store.texts(KEY, ['a photo of a cat'])).map((v) => v && [...v]),
    model: await store.model(model.request),
  };
}

async function failureOf(store: LibraryStore, file: Blob): Promise<BackupError> {
  const error = await importLibrary(store, file).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BackupError);
  return error as BackupError;
}

/** The library as `Clear all` then `Empty trash` leave it. */
async function emptied(store: LibraryStore): Promise<void> {
  await store.trashAll(0);
  await store.purge('all');
}

describe('library backup', () => {
  let store: LibraryStore;
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
    store = new LibraryStore(libraryConnection());
  });

  it('restores records, thumbnails, files, embeddings, texts, models and corrections into an empty library', async () => {
    await fill(store, 12);
    const before = await snapshot(store);
    const backup = await backupOf(store);
    await emptied(store);
    await store.deleteCorrections('all');
    expect((await snapshot(store)).images).toEqual([]);

    const outcome = await importLibrary(store, backup);
    expect(outcome).toEqual({ images: 12, duplicates: 0, skipped: 0, corrections: 4, folders: [] });
    const after = await snapshot(store);
    expect(after).toEqual(before);
    expect(after.model?.neutral).toBeInstanceOf(Float32Array);
  });

  it('merges by content hash: a second import adds nothing, and a newer correction wins', async () => {
    await fill(store, 6);
    const backup = await backupOf(store);
    await store.putCorrection({ contentHash: hashOf(2), label: 'dog', at: 1 });
    const outcome = await importLibrary(store, backup);
    expect(outcome.images).toBe(0);
    expect(outcome.duplicates).toBe(6);
    // The backup's correction of image 2 does not exist; image 1's is as old as the one stored: nothing replaced.
    expect(outcome.corrections).toBe(0);
    expect(await store.images()).toHaveLength(6);
    expect((await store.corrections()).find((c) => c.contentHash === hashOf(2))?.label).toBe('dog');
  });

  it('without kept copies, a restored loose image claims no file it does not have', async () => {
    await fill(store, 3);
    const backup = await backupOf(store, false);
    await emptied(store);
    await importLibrary(store, backup);
    const images = await store.images();
    expect(images.map((record) => record.source)).toEqual(['none', 'none', 'none']);
    expect(await store.file(images[0].id)).toBeUndefined();
    expect((await store.embeddings(KEY)).size).toBe(3);
  });

  it('brings back folder images without the folder, and names it', async () => {
    await store.putFolder({ id: 'f1', name: 'Holiday', handle: {} as FileSystemDirectoryHandle });
    await store.addImages([image(1, { folderId: 'f1', path: 'Holiday/IMG_1.jpg', source: 'folder' })], new Map());
    const backup = await backupOf(store);
    await emptied(store);
    const outcome = await importLibrary(store, backup);
    expect(outcome.folders).toEqual(['Holiday']);
    expect((await store.images())[0]).toMatchObject({ folderId: null, path: 'Holiday/IMG_1.jpg', source: 'none' });
  });

  describe('a file that is not a sound backup changes nothing', () => {
    let backup: Blob;
    let before: Awaited<ReturnType<typeof snapshot>>;
    beforeEach(async () => {
      await fill(store, 5);
      backup = await backupOf(store);
      // The library the import would have merged into: one image fewer than the backup.
      await store.removeImages(['image-5']);
      before = await snapshot(store);
    });

    it('a damaged byte inside an entry fails its checksum', async () => {
      const bytes = new Uint8Array(await backup.arrayBuffer());
      // Inside images.json, the first entry (after its 30-byte header and name).
      bytes[60] ^= 0x20;
      const error = await failureOf(store, new Blob([bytes]));
      expect(error.failure.code).toBe('damaged');
      expect(await snapshot(store)).toEqual(before);
    });

    it('a damaged thumbnail fails its checksum before anything is written', async () => {
      const bytes = new Uint8Array(await backup.arrayBuffer());
      const text = new TextDecoder('latin1').decode(bytes);
      const at = text.indexOf(`thumb ${hashOf(5)}`);
      expect(at).toBeGreaterThan(0);
      bytes[at] ^= 0x01;
      const error = await failureOf(store, new Blob([bytes]));
      expect(error.failure).toMatchObject({ code: 'damaged' });
      expect(await snapshot(store)).toEqual(before);
    });

    it('a truncated file is damaged', async () => {
      const error = await failureOf(store, backup.slice(0, Math.floor(backup.size * 0.7)));
      expect(error.failure.code).toBe('damaged');
      expect(await snapshot(store)).toEqual(before);
    });

    it('a foreign ZIP is not a backup', async () => {
      const foreign = await new Response(
        makeZip([{ name: 'holiday/IMG_1.jpg', input: 'not ours', lastModified: new Date() }]),
      ).blob();
      expect((await failureOf(store, foreign)).failure).toEqual({ code: 'not-a-backup' });
      expect(await snapshot(store)).toEqual(before);
    });

    it('a file that is no ZIP at all is not a backup', async () => {
      const error = await failureOf(store, new Blob(['just some text, not a ZIP at all']));
      expect(error.failure).toEqual({ code: 'not-a-backup' });
      expect(await snapshot(store)).toEqual(before);
    });

    it('a backup from a newer format is refused with its version', async () => {
      const newer = await new Response(
        makeZip([
          {
            name: 'manifest.json',
            input: JSON.stringify({ format: 'zero-shot-classifier-library', version: 9 }),
            lastModified: new Date(),
          },
        ]),
      ).blob();
      expect((await failureOf(store, newer)).failure).toEqual({ code: 'newer-format', version: 9 });
      expect(await snapshot(store)).toEqual(before);
    });
  });

  it('measures a larger synthetic library (1,000 images, 512-dimension embeddings)', async () => {
    await fill(store, 1000, 512);
    const started = performance.now();
    const backup = await backupOf(store, false);
    const exportMs = performance.now() - started;
    await emptied(store);
    const restoreStarted = performance.now();
    const outcome = await importLibrary(store, backup);
    const importMs = performance.now() - restoreStarted;
    expect(outcome.images).toBe(1000);
    expect((await store.embeddings(KEY)).size).toBe(1000);
    // Embeddings dominate: 1,000 × (8 + 64 + 2,048) bytes, plus records and thumbnails.
    expect(backup.size).toBeGreaterThan(1000 * 2120);
    console.log(
      `backup of 1,000 images: ${(backup.size / 1e6).toFixed(2)} MB, export ${exportMs.toFixed(0)} ms, import ${importMs.toFixed(0)} ms (fake-indexeddb)`,
    );
  }, 120_000);
});
