/**
 * Writing into a person's folder never replaces a file, never writes into the library's own
 * folders, and never stops halfway silently: "Save into folders" driven with real directory
 * handles from the origin-private file system, returned where the picker would return one.
 */
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures.ts';
import { COLOURS, solidImage, type ImageFile } from './images.ts';
import { readZip } from './zip.ts';

/** The picker answers with the OPFS folder at `window.pickedPath` (set with {@link pick}), made if missing. */
async function pickerAnswersOpfs(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { pickedPath: string; showDirectoryPicker(): Promise<FileSystemDirectoryHandle> };
    w.showDirectoryPicker = async () => {
      let folder = await navigator.storage.getDirectory();
      for (const part of w.pickedPath.split('/')) folder = await folder.getDirectoryHandle(part, { create: true });
      return folder;
    };
  });
}

const pick = (page: Page, path: string) =>
  page.evaluate((p) => ((window as unknown as { pickedPath: string }).pickedPath = p), path);

/** Writes files into OPFS at `{path}` (folders made as needed). */
async function putFiles(page: Page, files: Record<string, Buffer | string>): Promise<void> {
  const payload = Object.entries(files).map(([path, data]) => ({
    path,
    base64: Buffer.from(data).toString('base64'),
  }));
  await page.evaluate(async (entries) => {
    for (const { path, base64 } of entries) {
      const parts = path.split('/');
      let folder = await navigator.storage.getDirectory();
      for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part, { create: true });
      const writable = await (await folder.getFileHandle(parts[parts.length - 1], { create: true })).createWritable();
      await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      await writable.close();
    }
  }, payload);
}

/** Every file below an OPFS folder, as `path → bytes`. */
async function opfsTree(page: Page, root: string): Promise<Record<string, Buffer>> {
  const tree = await page.evaluate(async (rootPath) => {
    let folder = await navigator.storage.getDirectory();
    for (const part of rootPath.split('/')) folder = await folder.getDirectoryHandle(part);
    const out: Record<string, string> = {};
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const entry of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
        if (entry.kind === 'directory') await walk(entry as FileSystemDirectoryHandle, `${prefix}${entry.name}/`);
        else {
          const bytes = new Uint8Array(await (await (entry as FileSystemFileHandle).getFile()).arrayBuffer());
          let binary = '';
          for (const byte of bytes) binary += String.fromCharCode(byte);
          out[`${prefix}${entry.name}`] = btoa(binary);
        }
      }
    };
    await walk(folder, '');
    return out;
  }, root);
  return Object.fromEntries(Object.entries(tree).map(([path, base64]) => [path, Buffer.from(base64, 'base64')]));
}

const saveButton = (page: Page) => page.getByRole('button', { name: 'Save into folders' });

test('"Save into folders" into a folder that already holds {label}/{file name} leaves its bytes and writes the new file under another name', async ({
  app,
  page,
}) => {
  await pickerAnswersOpfs(page);
  await app.openReady();
  const old = await solidImage('rose', COLOURS.blue, 'png', { width: 20, height: 20 });
  await putFiles(page, { 'sorted/red/rose.png': old.buffer });
  await pick(page, 'sorted');
  await app.typeLabels('red, green, blue, yellow');
  const rose = await solidImage('rose', COLOURS.red);
  await app.addImages([rose]);
  await app.expectTopLabel('rose.png', 'red');

  await saveButton(page).click();
  await expect(page.getByText(/Saved 1 file into 1 folder in sorted; 1 under a numbered name/)).toBeVisible();
  let tree = await opfsTree(page, 'sorted');
  expect(tree['red/rose.png'].equals(old.buffer)).toBe(true);
  expect(tree['red/rose (2).png']?.equals(rose.buffer)).toBe(true);
  // Whatever folder the save chose, the new file is there under a name other than the taken one.
  const others = Object.entries(tree).filter(([path]) => path !== 'red/rose.png');
  expect(others.some(([, bytes]) => bytes.equals(rose.buffer))).toBe(true);

  // Again: a third name, and still nothing replaced.
  await saveButton(page).click();
  await expect(page.getByText(/Saved 1 file .* 1 under a numbered name/)).toBeVisible();
  tree = await opfsTree(page, 'sorted');
  expect(Object.keys(tree).sort()).toEqual(['red/rose (2).png', 'red/rose (3).png', 'red/rose.png']);
  expect(tree['red/rose.png'].equals(old.buffer)).toBe(true);

  // A folder holding anything else (here a photo) gets a new "Sorted YYYY-MM-DD" folder; the photo is untouched.
  await putFiles(page, { 'Pictures/IMG_1.png': old.buffer });
  await pick(page, 'Pictures');
  await saveButton(page).click();
  const day = await page.evaluate(() => {
    const now = new Date();
    return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  });
  await expect(page.getByText(`Saved 1 file into 1 folder in Pictures/Sorted ${day}.`)).toBeVisible();
  tree = await opfsTree(page, 'Pictures');
  expect(Object.keys(tree).sort()).toEqual(['IMG_1.png', `Sorted ${day}/red/rose.png`]);
  expect(tree['IMG_1.png'].equals(old.buffer)).toBe(true);
});

test('a library folder, or a folder inside one, is refused with a message; its sidecars are merged, not replaced, in the tags ZIP', async ({
  app,
  page,
}) => {
  await pickerAnswersOpfs(page);
  await app.openReady();
  const beach = await solidImage('beach', COLOURS.yellow);
  const sidecar = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:darktable="http://darktable.sf.net/" xmlns:dc="http://purl.org/dc/elements/1.1/" darktable:xmp_version="5">
   <dc:subject><rdf:Bag><rdf:li>sunset</rdf:li></rdf:Bag></dc:subject>
   <darktable:history><rdf:Seq><rdf:li darktable:operation="exposure" darktable:num="0"/></rdf:Seq></darktable:history>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
  await putFiles(page, {
    'holiday/beach.png': beach.buffer,
    'holiday/beach.png.xmp': sidecar,
    'holiday/sub/note.txt': 'x',
  });
  await pick(page, 'holiday');
  await app.typeLabels('yellow, blue');
  await page.getByText('Open folder', { exact: true }).click();
  await app.expectTopLabel('beach.png', 'yellow');
  const before = await opfsTree(page, 'holiday');

  await saveButton(page).click();
  await expect(
    page.getByText('Nothing was saved: “holiday” is the library folder “holiday”', { exact: false }),
  ).toBeVisible();
  await pick(page, 'holiday/sub');
  await saveButton(page).click();
  await expect(
    page.getByText('Nothing was saved: “sub” is inside the library folder “holiday”', { exact: false }),
  ).toBeVisible();
  expect(await opfsTree(page, 'holiday')).toEqual(before);

  // The tags ZIP holds the existing sidecar with the label added: darktable's history and keyword kept.
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export tags (XMP)' }).click(),
  ]);
  const entries = readZip(await readFile(await file.path()));
  expect(entries.map((entry) => entry.name)).toEqual(['holiday/beach.png.xmp']);
  const merged = entries[0].data.toString('utf8');
  expect(merged).toContain('darktable:history');
  expect(merged).toContain('darktable:operation="exposure"');
  expect(merged).toMatch(/<rdf:li>sunset<\/rdf:li>\s*<rdf:li>yellow<\/rdf:li>/);
  expect(merged).toContain('Zero-shot|yellow');
  await expect(page.getByText(/1 already had a sidecar: the ZIP holds it with the labels added/)).toBeVisible();
});

test('labels named CON, aux.txt, "cat." or 120 Chinese characters save into folders every file system takes', async ({
  app,
  page,
}) => {
  await pickerAnswersOpfs(page);
  await app.openReady();
  await pick(page, 'sorted');
  const long = '猫'.repeat(120);
  await app.typeLabels(`red, green, blue, CON, aux.txt, cat., ${long}`);
  const images = [
    await solidImage('rose', COLOURS.red),
    await solidImage('grass', COLOURS.green),
    await solidImage('ocean', COLOURS.blue),
    await solidImage('NUL', COLOURS.red, 'png', { width: 30, height: 30 }),
  ];
  await app.addImages(images);
  await app.classifiedAll(4);
  const correct = (name: string, label: string) => page.getByLabel(`Correct label for ${name}`).selectOption(label);
  await correct('rose.png', 'CON');
  await correct('grass.png', 'aux.txt');
  await correct('ocean.png', long);
  await correct('NUL.png', 'cat.');

  await saveButton(page).click();
  await expect(page.getByText('Saved 4 files into 4 folders in sorted.')).toBeVisible();
  const tree = await opfsTree(page, 'sorted');
  const capped = '猫'.repeat(82);
  expect(Object.keys(tree).sort()).toEqual(
    [`CON_/rose.png`, 'aux_.txt/grass.png', `${capped}/ocean.png`, 'cat/NUL_.png'].sort(),
  );
  expect(tree['CON_/rose.png'].equals(images[0].buffer)).toBe(true);
  expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(255);
});

/** Noise no codec can shrink: a PNG of about `side² × 3` bytes. */
async function noiseImage(name: string, side: number): Promise<ImageFile> {
  const raw = Buffer.alloc(side * side * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(Math.random() * 256);
  const buffer = await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
  return { name: `${name}.png`, mimeType: 'image/png', buffer };
}

test('a file that cannot be written (storage full) is named in the summary, and the other files are saved', async ({
  app,
  page,
}) => {
  await pickerAnswersOpfs(page);
  await app.openReady();
  await pick(page, 'sorted');
  await app.typeLabels('red, green, blue');
  const small = [await solidImage('rose', COLOURS.red), await solidImage('ocean', COLOURS.blue)];
  const big = await noiseImage('static', 700);
  await app.addImages([small[0], big, small[1]]);
  await app.classifiedAll(3);
  // A real QuotaExceededError: the origin's quota set just above what it uses, below the big file.
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 300_000 });

  await saveButton(page).click();
  await expect(
    page.getByText(
      /1 file could not be written \(nothing half-written was left\): .*static\.(png|webp) \(QuotaExceededError\)/,
    ),
  ).toBeVisible();
  await expect(page.getByText(/Saved 2 files into 2 folders in sorted/)).toBeVisible();
  const tree = await opfsTree(page, 'sorted');
  expect(Object.keys(tree).some((path) => path.includes('static'))).toBe(false);
  expect(tree['red/rose.png']?.equals(small[0].buffer)).toBe(true);
  expect(tree['blue/ocean.png']?.equals(small[1].buffer)).toBe(true);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
});

test('"Cancel saving" stops a save between files, says how many were written, and leaves no partial file', async ({
  app,
  page,
}) => {
  await pickerAnswersOpfs(page);
  await app.openReady();
  await pick(page, 'sorted');
  await app.typeLabels('red, green, blue');
  const images = await Promise.all(
    Array.from({ length: 16 }, (_, i) => solidImage(`red-${i}`, [255 - i, i, 0], 'png', { width: 64, height: 64 })),
  );
  await app.addImages(images);
  await app.classifiedAll(16);
  // A slow machine, for real: the page's own work runs 40 times slower, so the save is still going when Cancel is pressed.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 40 });
  await saveButton(page).click();
  await page.getByRole('button', { name: 'Cancel saving' }).click();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const summary = page.getByText(/^Cancelled after \d+ files?; nothing half-written was left\.$/);
  await expect(summary).toBeVisible();
  const written = Number((await summary.textContent())?.match(/after (\d+)/)?.[1]);
  expect(written).toBeLessThan(16);
  const tree = await opfsTree(page, 'sorted');
  expect(Object.keys(tree)).toHaveLength(written);
  for (const [path, bytes] of Object.entries(tree)) {
    const image = images.find((candidate) => path === `red/${candidate.name}`);
    expect(image?.buffer.equals(bytes), path).toBe(true);
  }
  await expect(page.getByRole('button', { name: 'Cancel saving' })).toHaveCount(0);
});
