/**
 * An in-memory stand-in for a `FileSystemDirectoryHandle`, for unit tests of the save logic in
 * Node (which has no File System Access API). It answers like Chromium: NotFoundError for a
 * missing entry, TypeMismatchError for the wrong kind, and a write lands only on close.
 */
type Entry = MemoryDirectory | MemoryFile;

const domError = (name: string) => new DOMException(name, name);

export class MemoryFile {
  readonly kind = 'file';
  bytes = new Uint8Array();
  /** Set by a test: the next write fails with this error name after its first chunk. */
  failWith: string | null = null;

  constructor(readonly name: string) {}

  async getFile(): Promise<Blob> {
    return new Blob([this.bytes]);
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }

  async createWritable(): Promise<WritableStream<Uint8Array>> {
    const chunks: Uint8Array[] = [];
    return new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (this.failWith) throw domError(this.failWith);
        chunks.push(chunk);
      },
      close: () => {
        this.bytes = new Uint8Array(chunks.flatMap((chunk) => [...chunk]));
      },
    });
  }
}

export class MemoryDirectory {
  readonly kind = 'directory';
  readonly entries = new Map<string, Entry>();

  /**
   * @param failing File names whose writes fail, with the error's name; shared with the folders below.
   */
  constructor(
    readonly name: string,
    readonly failing = new Map<string, string>(),
  ) {}

  private entry(name: string, kind: Entry['kind'], create: boolean, make: () => Entry): Entry {
    if (!name || name === '.' || name === '..' || /[/\\]/.test(name)) throw new TypeError(`bad name ${name}`);
    const found = this.entries.get(name);
    if (found && found.kind !== kind) throw domError('TypeMismatchError');
    if (found) return found;
    if (!create) throw domError('NotFoundError');
    const made = make();
    this.entries.set(name, made);
    return made;
  }

  async getFileHandle(name: string, options?: { create?: boolean }): Promise<MemoryFile> {
    return this.entry(name, 'file', !!options?.create, () => {
      const file = new MemoryFile(name);
      file.failWith = this.failing.get(name) ?? null;
      return file;
    }) as MemoryFile;
  }

  async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<MemoryDirectory> {
    return this.entry(
      name,
      'directory',
      !!options?.create,
      () => new MemoryDirectory(name, this.failing),
    ) as MemoryDirectory;
  }

  async removeEntry(name: string): Promise<void> {
    if (!this.entries.delete(name)) throw domError('NotFoundError');
  }

  async *values(): AsyncIterableIterator<Entry> {
    yield* this.entries.values();
  }

  async isSameEntry(other: unknown): Promise<boolean> {
    return other === this;
  }

  async resolve(descendant: unknown): Promise<string[] | null> {
    if (descendant === this) return [];
    for (const [name, entry] of this.entries) {
      if (entry === descendant) return [name];
      if (entry instanceof MemoryDirectory) {
        const below = await entry.resolve(descendant);
        if (below) return [name, ...below];
      }
    }
    return null;
  }

  /** Writes a text file at a path below this folder, making its folders. */
  async put(path: string, text: string): Promise<MemoryFile> {
    const [first, ...rest] = path.split('/');
    if (rest.length > 0) return (await this.getDirectoryHandle(first, { create: true })).put(rest.join('/'), text);
    const file = await this.getFileHandle(first, { create: true });
    file.bytes = new TextEncoder().encode(text);
    return file;
  }

  /** Every file below this folder, as `path → text`. */
  async tree(prefix = ''): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, entry] of this.entries) {
      if (entry instanceof MemoryDirectory) Object.assign(out, await entry.tree(`${prefix}${name}/`));
      else out[`${prefix}${name}`] = new TextDecoder().decode(entry.bytes);
    }
    return out;
  }
}

/** The stand-in typed as the browser's handle (the save code uses only what it implements). */
export const asHandle = (directory: MemoryDirectory) => directory as unknown as FileSystemDirectoryHandle;
