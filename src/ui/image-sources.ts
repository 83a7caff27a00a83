/**
 * Where images come from besides the file picker: dropped folders (walked recursively), the
 * clipboard, and image URLs fetched with CORS. Each returns plain Files for `addImages`.
 */

import type { Messages } from './locales.ts';

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

async function filesOfEntry(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [file];
  }
  if (entry.isDirectory) {
    const entries = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    const nested = await Promise.all(entries.map(filesOfEntry));
    return nested.flat().sort((a, b) => a.name.localeCompare(b.name));
  }
  return [];
}

export interface DroppedFiles {
  files: File[];
  /** Files inside dropped folders that were not images (left out). */
  skipped: number;
}

/** The files of a drop: loose files as they are, folders walked for their images. */
export async function filesFromDrop(transfer: DataTransfer): Promise<DroppedFiles> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((entry) => entry === null) || !entries.some((e) => e?.isDirectory)) {
    return { files: [...transfer.files], skipped: 0 };
  }
  const files: File[] = [];
  let skipped = 0;
  for (const entry of entries as FileSystemEntry[]) {
    const found = await filesOfEntry(entry);
    if (entry.isFile) files.push(...found);
    else
      for (const file of found) {
        if (looksLikeImage(file)) files.push(file);
        else skipped++;
      }
  }
  return { files, skipped };
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

/** Fetches an image by URL (with CORS: the site must allow it) as a File named after the URL. */
export async function fetchImageUrl(t: Messages, text: string, signal?: AbortSignal): Promise<File> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ImageUrlError(t.urlNotAddress(text.trim()));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'data:') {
    throw new ImageUrlError(t.urlNotHttp(url.href));
  }
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'omit', signal });
  } catch {
    throw new ImageUrlError(t.urlForbidden(url.host || url.href));
  }
  if (!response.ok) throw new ImageUrlError(t.urlStatus(url.href, `${response.status} ${response.statusText}`));
  const blob = await response.blob();
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new ImageUrlError(t.urlNotImage(url.href, blob.type.split(';')[0]));
  }
  const name = decodeURIComponent(url.pathname.split('/').pop() || '') || `${url.host} image`;
  return new File([blob], name, { type: blob.type });
}
