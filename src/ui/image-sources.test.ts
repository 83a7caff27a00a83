import { describe, expect, it } from 'vitest';
import { filesFromDrop, looksLikeImage } from './image-sources.ts';

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
