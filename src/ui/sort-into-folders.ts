/**
 * Sorting the library into folders: a ZIP laid out `{label}/{file name}` (streamed, never held
 * whole in memory), the same written into a folder the person picks (File System Access API), and
 * XMP sidecars that photo managers (digiKam, darktable, Lightroom) read as keywords.
 */
import { downloadZip } from 'client-zip';
import type { LibraryImage } from '../shared/library.ts';
import { effectiveLabel, type LibraryItem } from './library-view.ts';

/** One file of the library and where it goes. */
export interface Placement {
  image: LibraryImage;
  folder: string;
  name: string;
}

/** Characters no file system takes in a name, and names that mean something else. */
function safeName(name: string): string {
  const cleaned = name
    .replace(/[/\\:*?"<>|\p{Cc}]/gu, '_')
    .replace(/^\.+$/, '_')
    .trim();
  return cleaned.slice(0, 120) || '_';
}

/** `IMG.jpg` taken → `IMG (2).jpg`. */
function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Every file of the library in its folder: the label it goes by (its correction, else its top
 * label), or `noMatch` for pictures that fit none. Names that meet in a folder get a number.
 */
export function placements(items: readonly LibraryItem[], noMatch: string): Placement[] {
  const taken = new Map<string, Set<string>>();
  const out: Placement[] = [];
  for (const item of items) {
    if (!item.fresh && !item.correction) continue;
    const folder = safeName(effectiveLabel(item) ?? noMatch);
    const names = taken.get(folder) ?? new Set<string>();
    taken.set(folder, names);
    for (const image of item.images) {
      const base = safeName(image.name);
      let name = base;
      for (let n = 2; names.has(name.toLowerCase()); n++) name = numbered(base, n);
      names.add(name.toLowerCase());
      out.push({ image, folder, name });
    }
  }
  return out;
}

/** Reads one image's file from the library: the original where it is kept, else the kept copy. */
export type FileSource = (image: LibraryImage) => Promise<{ file: Blob | null; kind: 'original' | 'copy' | null }>;

/** The entries of a ZIP, read one at a time as the ZIP is written (files never all in memory at once). */
async function* zipEntries(
  plan: readonly Placement[],
  source: FileSource,
  counts: { copies: number; missing: number },
) {
  for (const { image, folder, name } of plan) {
    const { file, kind } = await source(image);
    if (!file) {
      counts.missing++;
      continue;
    }
    if (kind === 'copy') counts.copies++;
    // A kept copy is a lossless WebP at the model-input scale: its name says so.
    const entry = kind === 'copy' ? `${name.replace(/\.[^.]+$/, '')}.webp` : name;
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
 * (Chromium keeps large Blobs on disk, not in memory).
 */
export async function downloadSortedZip(
  plan: readonly Placement[],
  source: FileSource,
  fileName: string,
  { toDisk }: { toDisk: FileSystemWritableFileStream | null },
): Promise<ZipOutcome> {
  const counts = { copies: 0, missing: 0 };
  const response = downloadZip(zipEntries(plan, source, counts));
  if (toDisk && response.body) {
    await response.body.pipeTo(toDisk);
  } else {
    saveBlob(await response.blob(), fileName);
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

/** Writes copies of the files into `{label}/` folders under a folder the person picked. */
export async function saveIntoFolders(
  root: FileSystemDirectoryHandle,
  plan: readonly Placement[],
  source: FileSource,
  onProgress: (progress: SaveProgress) => void,
  signal?: AbortSignal,
): Promise<ZipOutcome & { folders: number }> {
  const folders = new Map<string, FileSystemDirectoryHandle>();
  const counts = { copies: 0, missing: 0 };
  let done = 0;
  for (const { image, folder, name } of plan) {
    signal?.throwIfAborted();
    const { file, kind } = await source(image);
    if (!file) counts.missing++;
    else {
      if (kind === 'copy') counts.copies++;
      let directory = folders.get(folder);
      if (!directory) {
        directory = await root.getDirectoryHandle(folder, { create: true });
        folders.set(folder, directory);
      }
      const target = kind === 'copy' ? `${name.replace(/\.[^.]+$/, '')}.webp` : name;
      const writable = await (await directory.getFileHandle(target, { create: true })).createWritable();
      await file.stream().pipeTo(writable);
    }
    onProgress({ done: ++done, total: plan.length });
  }
  return { files: plan.length - counts.missing, ...counts, folders: folders.size };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An XMP sidecar with the picture's labels as keywords (`dc:subject`) and under a `Zero-shot`
 * branch of Lightroom's hierarchical keywords.
 */
export function xmpSidecar(keywords: readonly string[]): string {
  const bag = (items: string[]) => items.map((item) => `     <rdf:li>${escapeXml(item)}</rdf:li>`).join('\n');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/">
   <dc:subject>
    <rdf:Bag>
${bag([...keywords])}
    </rdf:Bag>
   </dc:subject>
   <lr:hierarchicalSubject>
    <rdf:Bag>
${bag(keywords.map((keyword) => `Zero-shot|${keyword}`))}
    </rdf:Bag>
   </lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}

/** A ZIP of XMP sidecars named `{path}.xmp`, to unpack next to the photos (digiKam's and darktable's convention). */
export async function downloadTags(
  items: readonly LibraryItem[],
  keywords: (item: LibraryItem) => string[],
  fileName: string,
): Promise<number> {
  const entries = items.flatMap((item) =>
    item.images.map((image) => ({
      name: `${image.path ?? image.name}.xmp`,
      input: xmpSidecar(keywords(item)),
      lastModified: new Date(),
    })),
  );
  saveBlob(await downloadZip(entries).blob(), fileName);
  return entries.length;
}
