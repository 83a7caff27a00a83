/**
 * Where "Save into folders" writes: never into a folder of the library (its originals), and by
 * default into a new `Sorted YYYY-MM-DD` folder inside the one the person picked.
 */
import { nameKey, numberedName } from '../../shared/file-names.ts';
import type { LibraryFolder } from '../../shared/library.ts';

/** Why a picked folder is refused: it is a folder of the library, or inside one. */
export interface DestinationRefusal {
  kind: 'library-folder' | 'inside-library-folder';
  /** The library folder's name. */
  folder: string;
}

/** A folder of the library the picked one is, or is inside; null if none. */
export async function refusal(
  picked: FileSystemDirectoryHandle,
  library: readonly Pick<LibraryFolder, 'name' | 'handle'>[],
): Promise<DestinationRefusal | null> {
  for (const folder of library) {
    try {
      if (await folder.handle.isSameEntry(picked)) return { kind: 'library-folder', folder: folder.name };
      if ((await folder.handle.resolve(picked)) !== null) return { kind: 'inside-library-folder', folder: folder.name };
    } catch {
      // A kept handle whose folder is gone cannot contain the picked one.
    }
  }
  return null;
}

/** `Sorted 2026-12-04`, in the person's own calendar day. */
export function sortedFolderName(today: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Sorted ${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
}

async function holdsLibraryFolder(
  picked: FileSystemDirectoryHandle,
  library: readonly Pick<LibraryFolder, 'handle'>[],
): Promise<boolean> {
  for (const folder of library) {
    if (await picked.resolve(folder.handle).catch(() => null)) return true;
  }
  return false;
}

/** Whether anything (file or folder) holds `name` in `parent`. */
async function taken(parent: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await parent.getDirectoryHandle(name);
    return true;
  } catch (error) {
    // TypeMismatchError: a file holds the name. Only NotFoundError makes it free.
    return !(error instanceof DOMException && error.name === 'NotFoundError');
  }
}

/**
 * The folder the label folders go into. The picked folder itself when it is empty, or when it
 * holds nothing but folders named like this sort's labels (an earlier sort into the same place:
 * new files join them, numbered where a name is taken). Anything else (photos, other folders, a
 * folder of the library somewhere inside) gets a new `Sorted YYYY-MM-DD` folder, numbered if taken.
 */
export async function sortTarget(
  picked: FileSystemDirectoryHandle,
  labelFolders: readonly string[],
  library: readonly Pick<LibraryFolder, 'handle'>[],
  today: Date,
): Promise<{ handle: FileSystemDirectoryHandle; path: string }> {
  const labels = new Set(labelFolders.map(nameKey));
  let earlierSort = true;
  for await (const entry of picked.values()) {
    if (entry.kind !== 'directory' || !labels.has(nameKey(entry.name))) {
      earlierSort = false;
      break;
    }
  }
  if (earlierSort && !(await holdsLibraryFolder(picked, library))) return { handle: picked, path: picked.name };
  const base = sortedFolderName(today);
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : numberedName(base, n);
    if (await taken(picked, name)) continue;
    return { handle: await picked.getDirectoryHandle(name, { create: true }), path: `${picked.name}/${name}` };
  }
}
