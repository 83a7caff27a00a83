/**
 * Sorting the library into folders: a ZIP laid out `{label}/{file name}` (streamed, never held
 * whole in memory), and the same written into a folder the person picks (File System Access API)
 * without ever replacing a file that is already there.
 */
import { downloadZip } from 'client-zip';
import { cleanName, NameRegister, nameKey, numberedName } from '../../shared/file-names.ts';
import type { LibraryImage } from '../../shared/library.ts';
import { effectiveLabel, type LibraryItem } from './library-view.ts';

/** One file of the library and where it goes. */
export interface Placement {
  image: LibraryImage;
  folder: string;
  name: string;
}

/**
 * Every file of the library in its folder: the label it goes by (its correction, else its top
 * label), or `noMatch` for pictures that fit none. Names are cleaned for every file system; names
 * that meet in a folder (case-folded) get a number.
 */
export function placements(items: readonly LibraryItem[], noMatch: string): Placement[] {
  const taken = new Map<string, NameRegister>();
  const out: Placement[] = [];
  for (const item of items) {
    if (!item.fresh && !item.correction) continue;
    const folder = cleanName(effectiveLabel(item) ?? noMatch, cleanName(noMatch));
    const key = nameKey(folder);
    const names = taken.get(key) ?? new NameRegister();
    taken.set(key, names);
    for (const image of item.images) out.push({ image, folder, name: names.claim(cleanName(image.name)) });
  }
  return out;
}

/** Reads one image's file from the library: the original where it is kept, else the kept copy. */
export type FileSource = (image: LibraryImage) => Promise<{ file: Blob | null; kind: 'original' | 'copy' | null }>;

/** A kept copy is a lossless WebP at the model-input scale: its name says so. */
function copyName(name: string): string {
  return `${name.replace(/\.[^.]+$/, '') || name}.webp`;
}

/** The entries of a ZIP, read one at a time as the ZIP is written (files never all in memory at once). */
async function* zipEntries(
  plan: readonly Placement[],
  source: FileSource,
  counts: { copies: number; missing: number },
  signal?: AbortSignal,
) {
  // A copy renamed `.webp` can meet a real `.webp` of the same folder: entries are named once each.
  const names = new Map<string, NameRegister>();
  for (const { image, folder, name } of plan) {
    signal?.throwIfAborted();
    const { file, kind } = await source(image).catch(() => ({ file: null, kind: null }));
    signal?.throwIfAborted();
    if (!file) {
      counts.missing++;
      continue;
    }
    if (kind === 'copy') counts.copies++;
    const register = names.get(nameKey(folder)) ?? new NameRegister();
    names.set(nameKey(folder), register);
    const entry = register.claim(kind === 'copy' ? copyName(name) : name);
    yield { name: `${folder}/${entry}`, input: file, lastModified: new Date(image.lastModified || Date.now()) };
  }
}

export interface ZipOutcome {
  files: number;
  copies: number;
  missing: number;
}

/**
 * A streamed ZIP of the library sorted into folders. Where the browser can save a stream to a file
 * the person picks (large libraries), it goes straight to disk; otherwise it becomes a download
 * (Chromium keeps large Blobs on disk, not in memory). A cancel stops it and saves nothing.
 */
export async function downloadSortedZip(
  plan: readonly Placement[],
  source: FileSource,
  fileName: string,
  { toDisk, signal }: { toDisk: FileSystemWritableFileStream | null; signal?: AbortSignal },
): Promise<ZipOutcome> {
  const counts = { copies: 0, missing: 0 };
  const response = downloadZip(zipEntries(plan, source, counts, signal));
  if (toDisk && response.body) {
    // An aborted pipe aborts the writable: Chromium then drops the half-written file.
    await response.body.pipeTo(toDisk, { signal });
  } else {
    const blob = await response.blob();
    signal?.throwIfAborted();
    saveBlob(blob, fileName);
  }
  return { files: plan.length - counts.missing, ...counts };
}

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface SaveProgress {
  done: number;
  total: number;
}

/** A file that could not be written, by where it was going, and the browser's reason. */
export interface SaveFailure {
  path: string;
  reason: string;
}

export interface SaveOutcome {
  /** Files written, the renamed ones included. */
  written: number;
  /** Written under a numbered name because their name was already taken on disk. */
  renamed: number;
  /** Not written because the library has no file for them (neither the original nor a copy). */
  skipped: number;
  /** Files that could not be read or written; nothing of them is left behind. */
  failed: SaveFailure[];
  /** Written from the library's kept copies (the originals are not in this browser). */
  copies: number;
  folders: number;
  /** Whether the person cancelled before every file was done. */
  cancelled: boolean;
}

/** Whether the browser says this entry is not there (the only answer that makes a name free). */
function notFound(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotFoundError';
}

function reasonOf(error: unknown): string {
  if (error instanceof DOMException) return error.name;
  return error instanceof Error ? error.message : String(error);
}

/** Whether `name` is free in `directory`: nothing there by that name, file or folder. */
export async function isFree(directory: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await directory.getFileHandle(name);
    return false;
  } catch (error) {
    // TypeMismatchError: a folder has that name. Anything else: do not risk it.
    return notFound(error);
  }
}

/** The first of `name`, `name (2)`, … that is free on disk and not yet given out in this save. */
async function freeName(directory: FileSystemDirectoryHandle, name: string, given: NameRegister): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : numberedName(name, n);
    if (given.has(candidate)) continue;
    if (await isFree(directory, candidate)) {
      given.claim(candidate);
      return candidate;
    }
  }
}

/** A folder to write into: the one named so if it is a folder, else the first free `name (n)` (a file holds the name). */
export async function folderIn(
  parent: FileSystemDirectoryHandle,
  name: string,
): Promise<{ handle: FileSystemDirectoryHandle; name: string; created: boolean }> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : numberedName(name, n);
    try {
      return { handle: await parent.getDirectoryHandle(candidate), name: candidate, created: false };
    } catch (error) {
      if (notFound(error)) {
        return { handle: await parent.getDirectoryHandle(candidate, { create: true }), name: candidate, created: true };
      }
      if (!(error instanceof DOMException && error.name === 'TypeMismatchError')) throw error;
    }
  }
}

/** Writes one file under a name known to be free; on failure, removes what it created. */
async function writeNew(directory: FileSystemDirectoryHandle, name: string, file: Blob, signal?: AbortSignal) {
  const handle = await directory.getFileHandle(name, { create: true });
  try {
    // Chromium writes to a swap file and moves it into place on close: an abort leaves an empty file.
    await file.stream().pipeTo(await handle.createWritable({ keepExistingData: false }), { signal });
  } catch (error) {
    await directory.removeEntry(name).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes copies of the files into `{label}/` folders under `root`. A name already taken on disk
 * (any file or folder, looked up without creating) gets a number: nothing there is ever replaced.
 * A file that cannot be read or written is reported by its path and the others still go.
 */
export async function saveIntoFolders(
  root: FileSystemDirectoryHandle,
  plan: readonly Placement[],
  source: FileSource,
  onProgress: (progress: SaveProgress) => void,
  signal?: AbortSignal,
): Promise<SaveOutcome> {
  const folders = new Map<
    string,
    { handle: FileSystemDirectoryHandle; name: string; created: boolean; given: NameRegister; files: number }
  >();
  const outcome: SaveOutcome = {
    written: 0,
    renamed: 0,
    skipped: 0,
    failed: [],
    copies: 0,
    folders: 0,
    cancelled: false,
  };
  let done = 0;
  for (const { image, folder, name } of plan) {
    if (signal?.aborted) {
      outcome.cancelled = true;
      break;
    }
    let target = `${folder}/${name}`;
    try {
      const { file, kind } = await source(image);
      signal?.throwIfAborted();
      if (!file) outcome.skipped++;
      else {
        let directory = folders.get(nameKey(folder));
        if (!directory) {
          directory = { ...(await folderIn(root, folder)), given: new NameRegister(), files: 0 };
          folders.set(nameKey(folder), directory);
        }
        const wanted = kind === 'copy' ? copyName(name) : name;
        const free = await freeName(directory.handle, wanted, directory.given);
        target = `${directory.name}/${free}`;
        await writeNew(directory.handle, free, file, signal);
        outcome.written++;
        directory.files++;
        if (free !== wanted) outcome.renamed++;
        if (kind === 'copy') outcome.copies++;
      }
    } catch (error) {
      if (signal?.aborted) {
        outcome.cancelled = true;
        break;
      }
      outcome.failed.push({ path: target, reason: reasonOf(error) });
    }
    onProgress({ done: ++done, total: plan.length });
  }
  for (const { name, created, files } of folders.values()) {
    // A folder this save made and then could not fill goes again (removeEntry refuses a folder that is not empty).
    if (created && files === 0) await root.removeEntry(name).catch(() => undefined);
  }
  outcome.folders = [...folders.values()].filter(({ files }) => files > 0).length;
  return outcome;
}
