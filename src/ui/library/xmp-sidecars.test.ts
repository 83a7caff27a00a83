import { describe, expect, it } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import type { LibraryItem } from './library-view.ts';
import { tagEntries, xmpSidecar } from './xmp-sidecars.ts';

function item(...images: { name: string; path?: string }[]): LibraryItem {
  return {
    id: images[0].name,
    images: images.map(({ name, path }, i): LibraryImage => ({
      id: `${name}-${i}`,
      name,
      path: path ?? null,
      // A folder the page does not have: it cannot look for an existing sidecar there.
      folderId: path ? 'gone' : null,
      size: 1,
      lastModified: 0,
      addedAt: 0,
      contentHash: null,
      width: 1,
      height: 1,
      notes: [],
      failure: null,
      source: 'file',
    })),
    result: undefined,
    fresh: true,
    failure: null,
    correction: null,
    noMatch: false,
  };
}

const names = async (...items: LibraryItem[]) =>
  (await tagEntries(items, () => ['cat'], [])).entries.map((entry) => entry.name);

describe('the tags ZIP names every sidecar within the folder it is unpacked into', () => {
  it('keeps a name taken from a URL in one segment: no ../ can climb out', async () => {
    const entries = await names(item({ name: '../../Startup/evil.png' }), item({ name: '..\\..\\x.png' }));
    expect(entries).toEqual(['__.._Startup_evil.png.xmp', '__.._x.png.xmp']);
    for (const entry of entries) expect(entry.split('/')).not.toContain('..');
  });

  it('cleans every segment of a folder path, dropping . and ..', async () => {
    expect(await names(item({ name: 'IMG.jpg', path: 'holiday/../../day 2/CON/IMG.jpg' }))).toEqual([
      'holiday/day 2/CON_/IMG.jpg.xmp',
    ]);
  });

  it('numbers sidecars whose names meet, case-folded', async () => {
    expect(await names(item({ name: 'IMG.jpg' }, { name: 'img.JPG' }), item({ name: 'IMG.jpg' }))).toEqual([
      'IMG.jpg.xmp',
      'img.JPG (2).xmp',
      'IMG.jpg (3).xmp',
    ]);
  });

  it('counts the sidecars it could not check for an existing one', async () => {
    const { outcome } = await tagEntries(
      [item({ name: 'a.png' }, { name: 'b.png', path: 'f/b.png' })],
      () => ['x'],
      [],
    );
    expect(outcome).toEqual({ files: 2, merged: 0, leftOut: 0, unchecked: 2 });
  });

  it('escapes keywords in a new sidecar', () => {
    expect(xmpSidecar(['a<b&"c"'])).toContain('<rdf:li>a&#60;b&#38;&#34;c&#34;</rdf:li>');
  });
});
