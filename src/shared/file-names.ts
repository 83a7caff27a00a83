/**
 * File and folder names that every major file system takes (NTFS/FAT, APFS/HFS+, ext4), for the
 * names the app writes into a person's folder or a ZIP: labels, file names, paths from URLs.
 */

/** The longest name most file systems take, in UTF-8 bytes (ext4, APFS; NTFS counts 255 UTF-16 units, which is more). */
export const NAME_BYTES = 255;

/** Room kept free for a ` (n)` that numbers a name already taken (up to ` (99999)`). */
const NUMBER_ROOM = 8;

/** An extension is kept through truncation when it is this short (`.jpeg`, `.xmp`, `.webp`). */
const LONGEST_EXTENSION = 16;

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Characters Windows refuses (`/\:*?"<>|`), control characters, and bidi overrides that disguise an extension. */
const FORBIDDEN = /[/\\:*?"<>|\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** Windows' device names, with or without an extension (`aux.txt` is the device too), in any case. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/** `IMG.tar.gz` → [`IMG`, `.tar.gz`]'s last part: the stem and the extension after the last dot, if any. */
function splitExtension(name: string): [stem: string, extension: string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || utf8Bytes(name.slice(dot)) > LONGEST_EXTENSION) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

/** The longest start of `text` within `bytes` UTF-8 bytes, never splitting a character. */
function truncateBytes(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = utf8Bytes(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Trailing dots and spaces: Windows drops them silently, so `photo.` and `photo` would meet. */
function trimEnd(text: string): string {
  return text.replace(/[. ]+$/u, '');
}

/**
 * A name safe to create in any folder: forbidden characters become `_`, trailing dots and spaces go,
 * a leading dot becomes `_` (no hidden files), reserved device names get a `_` after their base
 * (`CON` → `CON_`, `aux.txt` → `aux_.txt`), and the whole fits {@link NAME_BYTES} with room for a
 * number, keeping the extension. `.`, `..` and empty names become `fallback`.
 */
export function cleanName(name: string, fallback = '_', limit = NAME_BYTES - NUMBER_ROOM): string {
  let cleaned = trimEnd(name.normalize('NFC').replace(FORBIDDEN, '_').trim()).replace(/^\.+/, '_');
  if (!cleaned) cleaned = fallback;
  if (utf8Bytes(cleaned) > limit) {
    const [stem, extension] = splitExtension(cleaned);
    cleaned = trimEnd(truncateBytes(stem, limit - utf8Bytes(extension))) + extension;
    if (cleaned === extension) cleaned = truncateBytes(fallback, limit - utf8Bytes(extension)) + extension;
  }
  const firstDot = cleaned.indexOf('.');
  const base = firstDot < 0 ? cleaned : cleaned.slice(0, firstDot);
  // Windows ignores spaces before the extension too: `CON .txt` is the console.
  if (RESERVED.test(base.trimEnd())) cleaned = `${base.trimEnd()}_${firstDot < 0 ? '' : cleaned.slice(firstDot)}`;
  return cleaned;
}

/** `IMG.jpg` taken → `IMG (2).jpg`; a name without an extension gets the number at its end. Stays within {@link NAME_BYTES}. */
export function numberedName(name: string, n: number): string {
  const [stem, extension] = splitExtension(name);
  const suffix = ` (${n})`;
  const room = NAME_BYTES - utf8Bytes(suffix) - utf8Bytes(extension);
  return `${truncateBytes(stem, room)}${suffix}${extension}`;
}

/**
 * The key two names meet under: case-folded and Unicode-normalised, as NTFS and APFS compare them
 * (folding more than a file system does only numbers a name that did not need it).
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * A relative path (`holiday/day 2/IMG.jpg`, or a name taken from a URL) as clean segments: empty,
 * `.` and `..` segments are dropped, so the result can never leave the folder it is written into.
 */
export function cleanPath(path: string, fallback = '_'): string[] {
  const segments = path
    .split(/[/\\]/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .map((segment) => cleanName(segment, fallback));
  return segments.length > 0 ? segments : [fallback];
}

/** Hands out names within one folder: each name once, case-folded, numbered where taken. */
export class NameRegister {
  private readonly taken = new Set<string>();

  has(name: string): boolean {
    return this.taken.has(nameKey(name));
  }

  /** The name itself if free, else the first free `name (n)`; it is then taken. */
  claim(name: string): string {
    let candidate = name;
    for (let n = 2; this.taken.has(nameKey(candidate)); n++) candidate = numberedName(name, n);
    this.taken.add(nameKey(candidate));
    return candidate;
  }
}
