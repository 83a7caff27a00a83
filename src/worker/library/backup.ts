/**
 * A library backup: one ZIP (stored entries, written by client-zip) with everything needed to
 * rebuild the library without a vision pass: image records, thumbnails, embeddings per model and
 * precision, what scoring needs before a model loads, text embeddings, corrections, folder names,
 * and optionally the kept copies and files. The export is read from the store a page at a time as
 * the ZIP is consumed; the restore checks every entry (CRC-32, shape) before its one transaction.
 *
 * Layout: `images.json`, `folders.json`, `corrections.json`, `models.json`, `thumbnails/{hash}`,
 * `copies/{hash}`, `files/{image id}`, `embeddings/{n}.bin`, `texts/{n}.bin`, and `manifest.json`
 * last (it carries the counts, and the embedding key of each `.bin`). A `.bin` is a run of records:
 * u32 key length, UTF-8 key (content hash or prompt), u32 float count, float32 values, little-endian.
 */
import { makeZip } from 'client-zip';
import type { RestoreOutcome } from '../../shared/backup.ts';
import type { BackupFailure } from '../../shared/failures.ts';
import type { LibraryImage } from '../../shared/library.ts';
import type { Correction } from '../../shared/protocol.ts';
import type { LibraryStore, ModelRecord, RestoreWrites, StoredLibrary, VectorStore } from './library-store.ts';
import { ZipError, ZipReader } from './zip-reader.ts';

export const BACKUP_FORMAT = 'zero-shot-classifier-library';
export const BACKUP_VERSION = 1;
/** Vectors read from the store per transaction while exporting. */
const PAGE = 256;

export class BackupError extends Error {
  override name = 'BackupError';
  constructor(readonly failure: BackupFailure) {
    super(failure.code);
  }
}

interface VectorEntry {
  entry: string;
  key: string;
  count: number;
}

interface Manifest {
  format: string;
  version: number;
  createdAt: string;
  images: number;
  corrections: number;
  includesFiles: boolean;
  embeddings: VectorEntry[];
  texts: VectorEntry[];
}

type Entry = { name: string; lastModified: Date } & ({ input: string | Blob } | { input: AsyncIterable<Uint8Array> });

const encoder = new TextEncoder();

/** One vector record: u32 key length, key, u32 float count, floats. */
function vectorRecord(key: string, vector: Float32Array): Uint8Array {
  const name = encoder.encode(key);
  const bytes = new Uint8Array(8 + name.length + vector.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, name.length, true);
  bytes.set(name, 4);
  view.setUint32(4 + name.length, vector.length, true);
  for (let i = 0; i < vector.length; i++) view.setFloat32(8 + name.length + i * 4, vector[i], true);
  return bytes;
}

/** The library's backup ZIP, written as it is read: nothing waits in memory beyond one page of vectors. */
export function exportLibrary(
  store: LibraryStore,
  { includeFiles }: { includeFiles: boolean },
  now = new Date(),
): ReadableStream<Uint8Array> {
  return makeZip(backupEntries(store, includeFiles, now), { buffersAreUTF8: true });
}

async function* vectorPages(store: LibraryStore, name: VectorStore, key: string, counted: VectorEntry) {
  let after: string | null = null;
  for (;;) {
    const page = await store.vectorPage(name, key, after, PAGE);
    if (page.length === 0) return;
    const records = page.map(([second, vector]) => vectorRecord(second, vector));
    const chunk = new Uint8Array(records.reduce((sum, record) => sum + record.length, 0));
    records.reduce((at, record) => (chunk.set(record, at), at + record.length), 0);
    counted.count += page.length;
    after = page[page.length - 1][0];
    yield chunk;
  }
}

async function* backupEntries(store: LibraryStore, includeFiles: boolean, now: Date): AsyncGenerator<Entry> {
  const [images, folders, corrections, models] = await Promise.all([
    store.images(),
    store.folders(),
    store.corrections(),
    store.modelRecords(),
  ]);
  const json = (name: string, value: unknown): Entry => ({ name, input: JSON.stringify(value), lastModified: now });
  yield json('images.json', images);
  yield json(
    'folders.json',
    folders.map(({ id, name }) => ({ id, name })),
  );
  yield json('corrections.json', corrections);
  yield json(
    'models.json',
    models.map((model) => ({ ...model, neutral: Array.from(model.neutral) })),
  );
  const hashes = [...new Set(images.map((image) => image.contentHash).filter((hash) => hash !== null))];
  for (const hash of hashes) {
    const thumbnail = await store.thumbnail(hash);
    if (thumbnail) yield { name: `thumbnails/${hash}`, input: thumbnail, lastModified: now };
  }
  if (includeFiles) {
    for (const hash of hashes) {
      const copy = await store.copy(hash);
      if (copy) yield { name: `copies/${hash}`, input: copy, lastModified: now };
    }
    for (const image of images) {
      const file = await store.file(image.id);
      if (file) yield { name: `files/${image.id}`, input: file, lastModified: new Date(image.lastModified || now) };
    }
  }
  const vectors: Record<VectorStore, VectorEntry[]> = { embeddings: [], texts: [] };
  for (const name of ['embeddings', 'texts'] as const) {
    for (const key of await store.vectorKeys(name)) {
      const counted: VectorEntry = { entry: `${name}/${vectors[name].length}.bin`, key, count: 0 };
      vectors[name].push(counted);
      yield { name: counted.entry, input: vectorPages(store, name, key, counted), lastModified: now };
    }
  }
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: now.toISOString(),
    images: images.length,
    corrections: corrections.length,
    includesFiles: includeFiles,
    ...vectors,
  };
  yield json('manifest.json', manifest);
}

// --- Reading a backup: everything is checked before anything is written -----------------------------

const HASH = /^[0-9a-f]{64}$/;
const damaged = (detail: string) => new BackupError({ code: 'damaged', detail });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isHash = (value: unknown): value is string => isString(value) && HASH.test(value);
const orNull =
  <T>(check: (value: unknown) => value is T) =>
  (value: unknown): value is T | null =>
    value === null || check(value);

const FAILURE_FIELDS: Record<string, string[]> = {
  empty: [],
  'unsupported-format': ['format'],
  'not-an-image': [],
  damaged: ['format'],
  'file-needed': [],
  'folder-access': ['folder'],
  'request-failed': ['detail'],
  failed: ['detail'],
};

function isFailure(value: unknown): boolean {
  if (!isObject(value) || !isString(value.code) || !Object.hasOwn(FAILURE_FIELDS, value.code)) return false;
  return FAILURE_FIELDS[value.code].every((field) => isString(value[field]));
}

function isNote(value: unknown): boolean {
  if (!isObject(value)) return false;
  return value.kind === 'animated' || (value.kind === 'downscaled' && isNumber(value.width) && isNumber(value.height));
}

function isImage(value: unknown): value is LibraryImage {
  return (
    isObject(value) &&
    isString(value.id) &&
    isString(value.name) &&
    orNull(isString)(value.path) &&
    orNull(isString)(value.folderId) &&
    [value.size, value.lastModified, value.addedAt, value.width, value.height].every(isNumber) &&
    orNull(isHash)(value.contentHash) &&
    Array.isArray(value.notes) &&
    value.notes.every(isNote) &&
    (value.failure === null || isFailure(value.failure)) &&
    ['file', 'copy', 'folder', 'none'].includes(value.source as string)
  );
}

function isCorrection(value: unknown): value is Correction {
  return isObject(value) && isHash(value.contentHash) && isString(value.label) && isNumber(value.at);
}

function isFolder(value: unknown): value is { id: string; name: string } {
  return isObject(value) && isString(value.id) && isString(value.name);
}

function toModel(value: unknown): ModelRecord | null {
  if (!isObject(value)) return null;
  const { request, embeddingKey, dtype, calibration, scoring, neutral, languages } = value;
  const valid =
    isString(request) &&
    isString(embeddingKey) &&
    isString(dtype) &&
    isObject(calibration) &&
    isNumber(calibration.scale) &&
    isNumber(calibration.bias) &&
    (scoring === 'softmax' || scoring === 'sigmoid') &&
    Array.isArray(neutral) &&
    neutral.every(isNumber) &&
    Array.isArray(languages) &&
    languages.every((language) => language === 'en' || language === 'zh');
  if (!valid) return null;
  return {
    request,
    embeddingKey,
    dtype,
    calibration: { scale: calibration.scale as number, bias: calibration.bias as number },
    scoring,
    neutral: Float32Array.from(neutral),
    languages,
  };
}

function isVectorEntry(value: unknown, name: VectorStore, index: number): value is VectorEntry {
  return isObject(value) && value.entry === `${name}/${index}.bin` && isString(value.key) && isNumber(value.count);
}

/** Parses a `.bin` of vector records; throws on any record that does not fit. */
export function parseVectors(bytes: Uint8Array, entry: string): [string, Float32Array][] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: [string, Float32Array][] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw damaged(`${entry} is cut short`);
    const keyLength = view.getUint32(at, true);
    if (at + 8 + keyLength > bytes.length) throw damaged(`${entry} is cut short`);
    let key: string;
    try {
      key = decoder.decode(bytes.subarray(at + 4, at + 4 + keyLength));
    } catch {
      throw damaged(`${entry} has a key that is not UTF-8`);
    }
    const length = view.getUint32(at + 4 + keyLength, true);
    const start = at + 8 + keyLength;
    if (length === 0 || start + length * 4 > bytes.length) throw damaged(`${entry} is cut short`);
    const vector = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      vector[i] = view.getFloat32(start + i * 4, true);
      if (!Number.isFinite(vector[i])) throw damaged(`${entry} holds a value that is not a number`);
    }
    out.push([key, vector]);
    at = start + length * 4;
  }
  return out;
}

/** A backup read and checked whole (blobs as unread slices of the file). */
export interface Backup {
  images: LibraryImage[];
  folders: { id: string; name: string }[];
  corrections: Correction[];
  models: ModelRecord[];
  thumbnails: Map<string, Blob>;
  copies: Map<string, Blob>;
  files: Map<string, Blob>;
  embeddings: [key: string, hash: string, vector: Float32Array][];
  texts: [key: string, prompt: string, vector: Float32Array][];
}

function parseJson(bytes: Uint8Array, entry: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw damaged(`${entry} does not parse`);
  }
}

function list<T>(value: unknown, check: (item: unknown) => item is T, entry: string): T[] {
  if (!Array.isArray(value) || !value.every(check)) throw damaged(`${entry} holds something unexpected`);
  return value;
}

/** Reads and checks a whole backup without writing anything; throws a BackupError when it is not one. */
export async function readBackup(file: Blob): Promise<Backup> {
  let zip: ZipReader;
  try {
    zip = await ZipReader.open(file);
  } catch (error) {
    if (error instanceof ZipError && error.kind === 'not-zip') throw new BackupError({ code: 'not-a-backup' });
    throw error instanceof ZipError ? damaged(error.message) : error;
  }
  try {
    return await readEntries(zip);
  } catch (error) {
    throw error instanceof ZipError ? damaged(error.message) : error;
  }
}

async function readEntries(zip: ZipReader): Promise<Backup> {
  const entry = (name: string) => {
    const found = zip.entries.get(name);
    if (!found) throw damaged(`${name} is missing`);
    return found;
  };
  const manifestEntry = zip.entries.get('manifest.json');
  if (!manifestEntry) throw new BackupError({ code: 'not-a-backup' });
  const manifest = parseJson(await zip.bytes(manifestEntry), 'manifest.json');
  if (!isObject(manifest) || manifest.format !== BACKUP_FORMAT || !isNumber(manifest.version))
    throw new BackupError({ code: 'not-a-backup' });
  if (manifest.version > BACKUP_VERSION) throw new BackupError({ code: 'newer-format', version: manifest.version });
  const read = async (name: string) => parseJson(await zip.bytes(entry(name)), name);
  const images = list(await read('images.json'), isImage, 'images.json');
  const folders = list(await read('folders.json'), isFolder, 'folders.json');
  const corrections = list(await read('corrections.json'), isCorrection, 'corrections.json');
  const models = await read('models.json');
  const modelRecords = (Array.isArray(models) ? models : [null]).map(toModel);
  if (!modelRecords.every((model) => model !== null)) throw damaged('models.json holds something unexpected');
  if (images.length !== manifest.images || corrections.length !== manifest.corrections)
    throw damaged('the counts in manifest.json do not match');

  const vectors = async (name: VectorStore) => {
    const listed = manifest[name];
    if (!Array.isArray(listed)) throw damaged(`manifest.json lists no ${name}`);
    const out: [string, string, Float32Array][] = [];
    for (const [index, item] of listed.entries()) {
      if (!isVectorEntry(item, name, index)) throw damaged(`manifest.json lists ${name} wrongly`);
      const records = parseVectors(await zip.bytes(entry(item.entry)), item.entry);
      if (records.length !== item.count) throw damaged(`${item.entry} is cut short`);
      for (const [second, vector] of records) {
        if (name === 'embeddings' && !isHash(second)) throw damaged(`${item.entry} holds a key that is not a hash`);
        out.push([item.key, second, vector]);
      }
    }
    return out;
  };
  const embeddings = await vectors('embeddings');
  const texts = await vectors('texts');

  const blobs = {
    thumbnails: new Map<string, Blob>(),
    copies: new Map<string, Blob>(),
    files: new Map<string, Blob>(),
  };
  const ids = new Set(images.map((image) => image.id));
  for (const [name, found] of zip.entries) {
    const [folder, key, ...rest] = name.split('/');
    if (rest.length > 0 || !key || !(folder === 'thumbnails' || folder === 'copies' || folder === 'files')) continue;
    if (folder === 'files' ? !ids.has(key) : !isHash(key)) throw damaged(`${name} belongs to nothing`);
    // Streamed through its checksum now; stored later as a slice of the file, never read whole.
    await zip.verify(found);
    blobs[folder].set(key, zip.slice(found, folder === 'files' ? '' : 'image/webp'));
  }
  return { images, folders, corrections, models: modelRecords as ModelRecord[], ...blobs, embeddings, texts };
}

/** What identifies a file without content hash: where it was, its size and its date (as the library does). */
function identity(image: LibraryImage): string {
  return JSON.stringify([image.path ?? image.name, image.size, image.lastModified]);
}

/**
 * What a restore writes into a library holding `stored`: images whose content it lacks (by hash;
 * never read ones by name, size and date), with their thumbnails, copies and files; embeddings of
 * every image it then has; models it lacks; corrections it lacks or holds older ones of.
 */
export function planRestore(
  backup: Backup,
  stored: StoredLibrary,
  newId: () => string = () => crypto.randomUUID(),
): RestoreWrites & { outcome: RestoreOutcome } {
  const storedHashes = new Set(stored.images.map((image) => image.contentHash));
  const storedIdentities = new Set(stored.images.map(identity));
  const ids = new Set(stored.images.map((image) => image.id));
  const folders = new Set(stored.folders);
  const folderNames = new Map(backup.folders.map(({ id, name }) => [id, name]));
  const hashes = new Set([...storedHashes].filter((hash) => hash !== null));
  const lostFolders = new Set<string>();
  const writes: RestoreWrites = {
    images: [],
    thumbnails: [],
    copies: [],
    files: [],
    embeddings: [],
    texts: backup.texts,
    models: [],
    corrections: [],
  };
  const outcome: RestoreOutcome = { images: 0, duplicates: 0, skipped: 0, corrections: 0, folders: [] };
  let addedAt = stored.images.reduce((max, image) => Math.max(max, image.addedAt), 0);
  for (const image of [...backup.images].sort((a, b) => a.addedAt - b.addedAt)) {
    const hash = image.contentHash;
    if (hash ? storedHashes.has(hash) : storedIdentities.has(identity(image))) {
      outcome.duplicates++;
      continue;
    }
    const file = backup.files.get(image.id);
    const copy = hash ? backup.copies.get(hash) : undefined;
    if (!hash && !file) {
      outcome.skipped++;
      continue;
    }
    const keepsFolder = image.folderId !== null && folders.has(image.folderId);
    if (image.folderId !== null && !keepsFolder) lostFolders.add(folderNames.get(image.folderId) ?? image.folderId);
    const id = ids.has(image.id) ? newId() : image.id;
    ids.add(id);
    const source = keepsFolder ? 'folder' : file ? 'file' : copy ? 'copy' : 'none';
    writes.images.push({ ...image, id, folderId: keepsFolder ? image.folderId : null, addedAt: ++addedAt, source });
    if (file) writes.files.push([id, file]);
    if (hash) {
      hashes.add(hash);
      const thumbnail = backup.thumbnails.get(hash);
      if (thumbnail) writes.thumbnails.push([hash, thumbnail]);
      if (copy) writes.copies.push([hash, copy]);
    }
  }
  // Thumbnails and copies once per content, even when two restored images share it.
  writes.thumbnails = [...new Map(writes.thumbnails)];
  writes.copies = [...new Map(writes.copies)];
  writes.embeddings = backup.embeddings.filter(([, hash]) => hashes.has(hash));
  const models = new Set(stored.models);
  writes.models = backup.models.filter((model) => !models.has(model.request));
  const corrections = new Map(stored.corrections.map((correction) => [correction.contentHash, correction]));
  for (const correction of backup.corrections) {
    const current = corrections.get(correction.contentHash);
    if (!hashes.has(correction.contentHash) || (current && current.at >= correction.at)) continue;
    writes.corrections.push(correction);
    corrections.set(correction.contentHash, correction);
  }
  outcome.images = writes.images.length;
  outcome.corrections = writes.corrections.length;
  outcome.folders = [...lostFolders];
  return { ...writes, outcome };
}

/** Restores a backup into the store: checked whole first, then written in one transaction. */
export async function importLibrary(store: LibraryStore, file: Blob): Promise<RestoreOutcome> {
  const backup = await readBackup(file);
  const { outcome } = await store.restore((stored) => planRestore(backup, stored));
  return outcome;
}
