/**
 * Where images come from besides the file picker: dropped folders (walked recursively), the
 * clipboard, and image URLs fetched with CORS. Each returns plain Files for `addImages`.
 */

import type { Messages } from '../i18n/locales.ts';
import type { FileToAdd } from '../session/classifier-session.ts';
import { decodeUriComponentSafely } from '../../shared/uri.ts';

const IMAGE_EXTENSION = /\.(png|jpe?g|jfif|webp|gif|avif|bmp|ico|svg|heic|heif|tiff?)$/i;

/** Whether a file from a folder is worth adding (an image, or one named like an image the browser may not decode). */
export function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || IMAGE_EXTENSION.test(file.name);
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in chunks (100 in Chromium) until it answers with none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((entries) => {
        if (entries.length === 0) resolve(all);
        else {
          all.push(...entries);
          next();
        }
      }, reject);
    next();
  });
}

/** The files under an entry, each with its path from the dropped folder (`holiday/day 1/a.jpg`). */
async function filesOfEntry(entry: FileSystemEntry): Promise<FileToAdd[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path: entry.fullPath ? entry.fullPath.replace(/^\//, '') : null }];
  }
  if (entry.isDirectory) {
    const entries = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    const nested = await Promise.all(entries.map(filesOfEntry));
    return nested.flat().sort((a, b) => a.file.name.localeCompare(b.file.name));
  }
  return [];
}

export interface DroppedFiles {
  files: FileToAdd[];
  /** Dropped folders the browser gave handles for: kept by the library, so they can be rescanned. */
  folders: FileSystemDirectoryHandle[];
  /** Files inside dropped folders that were not images (left out). */
  skipped: number;
}

/**
 * The files of a drop: loose files as they are; folders as handles where the browser gives them
 * (the File System Access API), else walked for their images. Both are asked for during the event.
 */
export async function filesFromDrop(transfer: DataTransfer): Promise<DroppedFiles> {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
  const handles = items.map((item) => item.getAsFileSystemHandle?.().catch(() => null) ?? Promise.resolve(null));
  if (entries.length === 0 || entries.some((entry) => entry === null) || !entries.some((e) => e?.isDirectory)) {
    return { files: [...transfer.files].map((file) => ({ file, path: null })), folders: [], skipped: 0 };
  }
  const files: FileToAdd[] = [];
  const folders: FileSystemDirectoryHandle[] = [];
  let skipped = 0;
  for (const [i, entry] of (entries as FileSystemEntry[]).entries()) {
    const handle = entry.isDirectory ? await handles[i] : null;
    if (handle?.kind === 'directory') {
      folders.push(handle as FileSystemDirectoryHandle);
      continue;
    }
    const found = await filesOfEntry(entry);
    if (entry.isFile) files.push(...found.map(({ file }) => ({ file, path: null })));
    else
      for (const item of found) {
        if (looksLikeImage(item.file)) files.push(item);
        else skipped++;
      }
  }
  return { files, folders, skipped };
}

let pasted = 0;

/** Files on the clipboard (a copied image, or copied image files), named when the clipboard gives no name. */
export function filesFromClipboard(data: DataTransfer): File[] {
  return [...data.files].map((file) => {
    if (file.name && file.name !== 'image.png') return file;
    const extension = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
    return new File([file], `pasted image ${++pasted}.${extension}`, { type: file.type });
  });
}

export class ImageUrlError extends Error {
  override name = 'ImageUrlError';
}

/** How long an image address may take to answer and send the image. */
export const IMAGE_URL_TIMEOUT_MS = 30_000;
/** The largest image taken from an address (a camera's RAW-sized JPEG fits; a disk image does not). */
export const IMAGE_URL_MAX_BYTES = 50 * 1024 * 1024;

export interface ImageUrlLimits {
  timeoutMs?: number;
  maxBytes?: number;
}

/** Reads a body, giving up as soon as it passes `maxBytes` (a declared length larger than that is refused unread). */
async function readCapped(response: Response, maxBytes: number, tooLarge: () => Error): Promise<Blob> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value as Uint8Array<ArrayBuffer>);
  }
  return new Blob(chunks, { type: response.headers.get('content-type') ?? '' });
}

/**
 * Fetches an image by URL (with CORS: the site must allow it) as a File named after the URL. A
 * server that answers too slowly, or sends more than an image should be, is given up on.
 */
export async function fetchImageUrl(
  t: Messages,
  text: string,
  signal?: AbortSignal,
  { timeoutMs = IMAGE_URL_TIMEOUT_MS, maxBytes = IMAGE_URL_MAX_BYTES }: ImageUrlLimits = {},
): Promise<File> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ImageUrlError(t.urlNotAddress(text.trim()));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'data:') {
    throw new ImageUrlError(t.urlNotHttp(url.href));
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const timedOut = () => new ImageUrlError(t.urlTimedOut(url.host || url.href, Math.round(timeoutMs / 1000)));
  try {
    let response: Response;
    try {
      response = await fetch(url, { mode: 'cors', credentials: 'omit', signal: stop });
    } catch (error) {
      if (timeout.aborted) throw timedOut();
      if (signal?.aborted) throw error;
      throw new ImageUrlError(t.urlForbidden(url.host || url.href));
    }
    if (!response.ok) throw new ImageUrlError(t.urlStatus(url.href, `${response.status} ${response.statusText}`));
    const blob = await readCapped(
      response,
      maxBytes,
      () => new ImageUrlError(t.urlTooLarge(url.href, Math.round(maxBytes / (1024 * 1024)))),
    );
    if (blob.type && !blob.type.startsWith('image/')) {
      throw new ImageUrlError(t.urlNotImage(url.href, blob.type.split(';')[0]));
    }
    const name = decodeUriComponentSafely(url.pathname.split('/').pop() || '') || `${url.host} image`;
    return new File([blob], name, { type: blob.type });
  } catch (error) {
    // A timeout that struck while the body was arriving.
    if (timeout.aborted && !(error instanceof ImageUrlError)) throw timedOut();
    throw error;
  }
}
