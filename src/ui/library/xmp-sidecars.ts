/**
 * XMP sidecars that photo managers (digiKam, darktable, Lightroom) read as keywords, in a ZIP laid
 * out like the library's folders. Where a sidecar already sits next to a photo (a kept folder the
 * page may read), the ZIP holds that sidecar with our keywords added, so unpacking keeps its content
 * (darktable's edit history, other tools' keywords) instead of replacing it.
 */
import { downloadZip } from 'client-zip';
import { cleanPath, NameRegister, nameKey } from '../../shared/file-names.ts';
import type { LibraryFolder, LibraryImage } from '../../shared/library.ts';
import type { LibraryItem } from './library-view.ts';
import { saveBlob } from './sort-into-folders.ts';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const DC = 'http://purl.org/dc/elements/1.1/';
const LR = 'http://ns.adobe.com/lightroom/1.0/';

/** An existing sidecar larger than this is not read (none of the tools writes one near it). */
const LARGEST_SIDECAR_BYTES = 8 * 1024 * 1024;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const hierarchical = (keyword: string) => `Zero-shot|${keyword}`;

/**
 * An XMP sidecar with the picture's labels as keywords (`dc:subject`) and under a `Zero-shot`
 * branch of Lightroom's hierarchical keywords.
 */
export function xmpSidecar(keywords: readonly string[]): string {
  const bag = (items: string[]) => items.map((item) => `     <rdf:li>${escapeXml(item)}</rdf:li>`).join('\n');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="${RDF}">
  <rdf:Description rdf:about=""
    xmlns:dc="${DC}"
    xmlns:lr="${LR}">
   <dc:subject>
    <rdf:Bag>
${bag([...keywords])}
    </rdf:Bag>
   </dc:subject>
   <lr:hierarchicalSubject>
    <rdf:Bag>
${bag(keywords.map(hierarchical))}
    </rdf:Bag>
   </lr:hierarchicalSubject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}

/** Adds `values` missing from the bag of property `{namespace}{name}`, creating it in the first description if absent. */
function addToBag(document: Document, namespace: string, name: string, values: readonly string[]): void {
  let property = document.getElementsByTagNameNS(namespace, name)[0];
  if (!property) {
    const description = document.getElementsByTagNameNS(RDF, 'Description')[0];
    if (!description) throw new Error('no rdf:Description');
    const prefix = namespace === DC ? 'dc' : 'lr';
    property = description.appendChild(document.createElementNS(namespace, `${prefix}:${name}`));
  }
  let bag = property.getElementsByTagNameNS(RDF, 'Bag')[0];
  if (!bag) bag = property.appendChild(document.createElementNS(RDF, 'rdf:Bag'));
  const present = new Set([...bag.getElementsByTagNameNS(RDF, 'li')].map((li) => li.textContent ?? ''));
  for (const value of values) {
    if (present.has(value)) continue;
    const li = bag.appendChild(document.createElementNS(RDF, 'rdf:li'));
    li.textContent = value;
  }
}

/**
 * An existing sidecar with our keywords added to its `dc:subject` and `lr:hierarchicalSubject`
 * bags, everything else kept; null when it is not XMP the page can read (then it is left alone).
 */
export function mergeSidecar(existing: string, keywords: readonly string[]): string | null {
  const document = new DOMParser().parseFromString(existing, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0) return null;
  try {
    addToBag(document, DC, 'subject', keywords);
    addToBag(document, LR, 'hierarchicalSubject', keywords.map(hierarchical));
  } catch {
    return null;
  }
  return new XMLSerializer().serializeToString(document);
}

/** The sidecar already next to a kept folder's photo (`IMG.jpg.xmp`): its text, null if none, undefined if the page cannot look. */
async function existingSidecar(
  image: LibraryImage,
  folders: readonly LibraryFolder[],
): Promise<string | null | undefined> {
  const folder = folders.find((f) => f.id === image.folderId);
  if (!folder || !image.path) return undefined;
  try {
    if ((await folder.handle.queryPermission({ mode: 'read' })) !== 'granted') return undefined;
    const parts = image.path.split('/');
    let directory = folder.handle;
    // The path starts with the folder's own name.
    for (const part of parts.slice(1, -1)) directory = await directory.getDirectoryHandle(part);
    const file = await (await directory.getFileHandle(`${parts[parts.length - 1]}.xmp`)).getFile();
    return file.size > LARGEST_SIDECAR_BYTES ? undefined : await file.text();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return null;
    return undefined;
  }
}

export interface TagsOutcome {
  /** Sidecars in the ZIP. */
  files: number;
  /** Of them, existing sidecars with our keywords added (unpacking keeps their content). */
  merged: number;
  /** Existing sidecars the page could not read as XMP: left out of the ZIP, so unpacking cannot replace them. */
  leftOut: number;
  /** Sidecars for photos the page cannot look next to (loose files, folders without permission). */
  unchecked: number;
}

export interface TagEntry {
  name: string;
  input: string;
  lastModified: Date;
}

/**
 * The sidecars of a tags ZIP, named `{path}.xmp` (digiKam's and darktable's convention), every
 * path segment cleaned (no `..`, no reserved names), names that meet numbered.
 */
export async function tagEntries(
  items: readonly LibraryItem[],
  keywords: (item: LibraryItem) => string[],
  folders: readonly LibraryFolder[],
): Promise<{ entries: TagEntry[]; outcome: TagsOutcome }> {
  const outcome: TagsOutcome = { files: 0, merged: 0, leftOut: 0, unchecked: 0 };
  const names = new Map<string, NameRegister>();
  const entries: TagEntry[] = [];
  for (const item of items) {
    for (const image of item.images) {
      // A loose file's name is one segment even if it holds a slash (a name taken from a URL).
      const segments = image.path
        ? cleanPath(`${image.path}.xmp`)
        : cleanPath(`${image.name}.xmp`.replace(/[/\\]/g, '_'));
      const parent = segments.slice(0, -1).join('/');
      const register = names.get(nameKey(parent)) ?? new NameRegister();
      names.set(nameKey(parent), register);
      const existing = await existingSidecar(image, folders);
      let input = xmpSidecar(keywords(item));
      if (existing === undefined) outcome.unchecked++;
      else if (existing !== null) {
        const merged = mergeSidecar(existing, keywords(item));
        if (merged === null) {
          outcome.leftOut++;
          continue;
        }
        input = merged;
        outcome.merged++;
      }
      const name = register.claim(segments[segments.length - 1]);
      entries.push({ name: parent ? `${parent}/${name}` : name, input, lastModified: new Date() });
    }
  }
  outcome.files = entries.length;
  return { entries, outcome };
}

/** Downloads the tags ZIP; see {@link tagEntries}. */
export async function downloadTags(
  items: readonly LibraryItem[],
  keywords: (item: LibraryItem) => string[],
  folders: readonly LibraryFolder[],
  fileName: string,
): Promise<TagsOutcome> {
  const { entries, outcome } = await tagEntries(items, keywords, folders);
  saveBlob(await downloadZip(entries).blob(), fileName);
  return outcome;
}
