/**
 * Reads a ZIP of stored (uncompressed) entries, as client-zip writes them, from a Blob without
 * loading it: the central directory first (the Blob is random-access), then each entry's bytes as
 * a slice, checked against its CRC-32 by streaming through it. ZIP64 sizes and offsets are read.
 * Anything else (compression, encryption, overlapping or out-of-range entries) is refused.
 */

/** Why a ZIP could not be read: not a ZIP at all, or one that is cut short or damaged. */
export class ZipError extends Error {
  override name = 'ZipError';
  constructor(
    readonly kind: 'not-zip' | 'damaged' | 'unsupported',
    message: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  size: number;
  crc: number;
  /** Where the entry's bytes start in the ZIP. */
  offset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A central directory larger than this is not one of ours (10,000 photos with copies take about 3 MB). */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the ZIP polynomial), continued from `crc` over `bytes`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

async function bytesAt(blob: Blob, start: number, length: number): Promise<DataView> {
  if (start < 0 || start + length > blob.size) throw new ZipError('damaged', 'a record lies outside the file');
  return new DataView(await blob.slice(start, start + length).arrayBuffer());
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('damaged', 'a 64-bit size is out of range');
  return Number(value);
}

const names = new TextDecoder('utf-8', { fatal: true });

export class ZipReader {
  private constructor(
    private readonly blob: Blob,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Reads the central directory; throws a ZipError when the Blob is not a ZIP this reader takes. */
  static async open(blob: Blob): Promise<ZipReader> {
    if (blob.size < 22) throw new ZipError('not-zip', 'too short for a ZIP');
    const tailLength = Math.min(blob.size, 22 + 0xffff);
    const tailStart = blob.size - tailLength;
    const tail = await bytesAt(blob, tailStart, tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.getUint32(i, true) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      const head = await bytesAt(blob, 0, 4);
      // A local header at the start but no end record: a ZIP cut short.
      throw head.getUint32(0, true) === LOCAL
        ? new ZipError('damaged', 'the end of the ZIP is missing')
        : new ZipError('not-zip', 'no ZIP end record');
    }
    let count = tail.getUint16(eocd + 10, true);
    let directorySize = tail.getUint32(eocd + 12, true);
    let directoryOffset = tail.getUint32(eocd + 16, true);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      const locatorAt = tailStart + eocd - 20;
      const locator = await bytesAt(blob, locatorAt, 20);
      if (locator.getUint32(0, true) !== ZIP64_LOCATOR) throw new ZipError('damaged', 'no ZIP64 locator');
      const record = await bytesAt(blob, u64(locator, 8), 56);
      if (record.getUint32(0, true) !== ZIP64_EOCD) throw new ZipError('damaged', 'no ZIP64 end record');
      count = u64(record, 32);
      directorySize = u64(record, 40);
      directoryOffset = u64(record, 48);
    }
    if (directorySize > MAX_DIRECTORY_BYTES) throw new ZipError('unsupported', 'the directory is too large');
    const directory = await bytesAt(blob, directoryOffset, directorySize);
    const entries = new Map<string, ZipEntry>();
    const ranges: [number, number][] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > directorySize || directory.getUint32(at, true) !== CENTRAL)
        throw new ZipError('damaged', 'a directory record is broken');
      const flags = directory.getUint16(at + 8, true);
      const method = directory.getUint16(at + 10, true);
      const crc = directory.getUint32(at + 16, true);
      let compressed = directory.getUint32(at + 20, true);
      let size = directory.getUint32(at + 24, true);
      const nameLength = directory.getUint16(at + 28, true);
      const extraLength = directory.getUint16(at + 30, true);
      const commentLength = directory.getUint16(at + 32, true);
      let localOffset = directory.getUint32(at + 42, true);
      const end = at + 46 + nameLength + extraLength + commentLength;
      if (end > directorySize) throw new ZipError('damaged', 'a directory record is cut short');
      let name: string;
      try {
        name = names.decode(new Uint8Array(directory.buffer, at + 46, nameLength));
      } catch {
        throw new ZipError('damaged', 'an entry name is not UTF-8');
      }
      // ZIP64: the fields that overflowed, in this order, in extra field 0x0001.
      for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
        const id = directory.getUint16(e, true);
        const length = directory.getUint16(e + 2, true);
        if (id === 0x0001) {
          let field = e + 4;
          const next = () => {
            if (field + 8 > e + 4 + length) throw new ZipError('damaged', 'a ZIP64 field is cut short');
            const value = u64(directory, field);
            field += 8;
            return value;
          };
          if (size === 0xffffffff) size = next();
          if (compressed === 0xffffffff) compressed = next();
          if (localOffset === 0xffffffff) localOffset = next();
        }
        e += 4 + length;
      }
      if (flags & 1) throw new ZipError('unsupported', `${name} is encrypted`);
      if (method !== 0 || compressed !== size) throw new ZipError('unsupported', `${name} is compressed`);
      if (entries.has(name)) throw new ZipError('damaged', `${name} is listed twice`);
      const local = await bytesAt(blob, localOffset, 30);
      if (local.getUint32(0, true) !== LOCAL) throw new ZipError('damaged', `${name} has no local header`);
      const offset = localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
      if (offset + size > directoryOffset) throw new ZipError('damaged', `${name} runs past its place`);
      entries.set(name, { name, size, crc, offset });
      ranges.push([localOffset, offset + size]);
      at = end;
    }
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i][0] < ranges[i - 1][1]) throw new ZipError('damaged', 'two entries overlap');
    }
    return new ZipReader(blob, entries);
  }

  /** An entry's bytes, unread (a slice of the ZIP): check them with `verify` first. */
  slice(entry: ZipEntry, type = ''): Blob {
    return this.blob.slice(entry.offset, entry.offset + entry.size, type);
  }

  /** Streams through an entry and throws a ZipError unless its bytes match its CRC-32. */
  async verify(entry: ZipEntry): Promise<void> {
    let crc = 0;
    let length = 0;
    const reader = this.slice(entry).stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      crc = crc32(value, crc);
      length += value.length;
    }
    if (length !== entry.size || crc !== entry.crc) throw new ZipError('damaged', `${entry.name} is damaged`);
  }

  /** An entry's bytes, checked against its CRC-32 (for the small entries read whole). */
  async bytes(entry: ZipEntry): Promise<Uint8Array> {
    const bytes = new Uint8Array(await this.slice(entry).arrayBuffer());
    if (bytes.length !== entry.size || crc32(bytes) !== entry.crc)
      throw new ZipError('damaged', `${entry.name} is damaged`);
    return bytes;
  }
}
