/** Folders in the browser's private file system, and a directory picker that answers with one. */
import type { Page } from '@playwright/test';
import type { ImageFile } from './images.ts';

/** A folder in the origin's private file system, and the directory picker answering with it. */
export async function folderInBrowser(page: Page, name: string, files: ImageFile[]): Promise<void> {
  await page.evaluate(
    async ({ name, files }) => {
      const root = await navigator.storage.getDirectory();
      const folder = await root.getDirectoryHandle(name, { create: true });
      for (const file of files) {
        const handle = await folder.getFileHandle(file.name, { create: true });
        const writable = await handle.createWritable();
        await writable.write(Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)));
        await writable.close();
      }
    },
    { name, files: files.map((f) => ({ name: f.name, base64: f.buffer.toString('base64') })) },
  );
}

/** The one part of the File System Access API Playwright cannot drive is the picker: it answers with that folder. */
export async function pickerAnswers(page: Page, name: string): Promise<void> {
  await page.addInitScript((folder) => {
    (window as unknown as { showDirectoryPicker(): Promise<FileSystemDirectoryHandle> }).showDirectoryPicker =
      async () => (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
  }, name);
}
