import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchImageUrl, filesFromDrop, looksLikeImage } from './image-sources.ts';
import { messagesFor } from '../i18n/locales.ts';

/** Just enough of the File and Directory Entries API for a dropped folder. */
function fileEntry(file: File, fullPath = `/${file.name}`) {
  return { isFile: true, isDirectory: false, fullPath, file: (ok: (f: File) => void) => ok(file) };
}

function folderEntry(children: unknown[], fullPath = '/folder') {
  return {
    isFile: false,
    isDirectory: true,
    fullPath,
    createReader: () => {
      // Answers in chunks of two, then with nothing, as readEntries does.
      let offset = 0;
      return {
        readEntries: (ok: (entries: unknown[]) => void) => {
          const chunk = children.slice(offset, offset + 2);
          offset += 2;
          ok(chunk);
        },
      };
    },
  };
}

function transfer(entries: unknown[], files: File[] = []): DataTransfer {
  return {
    items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })),
    files,
  } as unknown as DataTransfer;
}

describe('filesFromDrop', () => {
  it('walks a dropped folder, nested folders included, keeping images and counting the rest', async () => {
    const png = new File(['x'], 'b.png', { type: 'image/png' });
    const heic = new File(['x'], 'IMG_1.HEIC');
    const text = new File(['x'], 'notes.txt', { type: 'text/plain' });
    const nested = new File(['x'], 'a.jpg', { type: 'image/jpeg' });
    const dropped = await filesFromDrop(
      transfer([
        folderEntry([
          fileEntry(png, '/holiday/b.png'),
          fileEntry(text, '/holiday/notes.txt'),
          folderEntry([fileEntry(nested, '/holiday/day 2/a.jpg')], '/holiday/day 2'),
          fileEntry(heic, '/holiday/IMG_1.HEIC'),
        ]),
      ]),
    );
    expect(dropped.files.map((f) => f.path).sort()).toEqual([
      'holiday/IMG_1.HEIC',
      'holiday/b.png',
      'holiday/day 2/a.jpg',
    ]);
    expect(dropped.skipped).toBe(1);
    expect(dropped.folders).toEqual([]);
  });

  it('takes loose files as they are', async () => {
    const file = new File(['x'], 'c.txt');
    const dropped = await filesFromDrop(transfer([fileEntry(file)], [file]));
    expect(dropped).toEqual({ files: [{ file, path: null }], folders: [], skipped: 0 });
  });

  it('knows image files by type or by name', () => {
    expect(looksLikeImage(new File([], 'x', { type: 'image/webp' }))).toBe(true);
    expect(looksLikeImage(new File([], 'photo.JPEG'))).toBe(true);
    expect(looksLikeImage(new File([], 'readme.md'))).toBe(false);
  });
});

describe('fetchImageUrl', () => {
  const t = messagesFor('en');
  afterEach(() => vi.unstubAllGlobals());

  /** A body that sends `chunk` `times` times, then ends. */
  function body(chunk: Uint8Array, times: number): ReadableStream<Uint8Array> {
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent++ < times) controller.enqueue(chunk);
        else controller.close();
      },
    });
  }

  it('names the file after the address, even with a malformed escape in it', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'image/png' } }),
    );
    const file = await fetchImageUrl(t, 'https://example.org/img/100%25%zz.png');
    expect(file.name).toBe('100%%zz.png');
    expect(file.size).toBe(3);
  });

  it('refuses a body larger than the cap, declared or not, without reading it all', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(body(new Uint8Array(1000), 5), { headers: { 'content-length': '5000' } }),
    );
    await expect(fetchImageUrl(t, 'https://example.org/a.png', undefined, { maxBytes: 4000 })).rejects.toThrow(
      /sends more than 0 MB/,
    );
    let pulled = 0;
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              pulled++;
              controller.enqueue(new Uint8Array(1000));
            },
          }),
        ),
    );
    await expect(
      fetchImageUrl(t, 'https://example.org/a.png', undefined, { maxBytes: 3 * 1024 * 1024 }),
    ).rejects.toThrow(/sends more than 3 MB: too large for an image/);
    expect(pulled).toBeLessThan(3200);
  });

  it('gives up on a server that stops sending, saying so', async () => {
    vi.stubGlobal('fetch', async (_url: URL, init: RequestInit) => {
      return new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(10));
            init.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
          },
        }),
      );
    });
    await expect(fetchImageUrl(t, 'https://slow.example.org/a.png', undefined, { timeoutMs: 50 })).rejects.toThrow(
      'slow.example.org did not send the image within 0 s.',
    );
  });

  it('gives up on a server that never answers', async () => {
    vi.stubGlobal(
      'fetch',
      (_url: URL, init: RequestInit) =>
        new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    );
    await expect(fetchImageUrl(t, 'https://slow.example.org/a.png', undefined, { timeoutMs: 50 })).rejects.toThrow(
      /did not send the image/,
    );
  });
});
