/**
 * Saving a stream the worker writes (a library backup): straight into a file the person picks
 * where the browser can and the file may be large, else as a download (Chromium keeps a large
 * Blob on disk, not in memory).
 */
import { saveBlob } from './sort-into-folders.ts';

/** Above this, a backup goes to a file the person picks (where the browser can), not through a download. */
export const STREAM_TO_DISK_BYTES = 256 * 1024 * 1024;

type SavePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

/** Where a stream of about `bytes` will be written: a picked file's writable, or null for a download. */
export async function pickTarget(fileName: string, bytes: number): Promise<FileSystemWritableFileStream | null> {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (bytes <= STREAM_TO_DISK_BYTES || typeof picker !== 'function') return null;
  return (await picker.call(window, { suggestedName: fileName })).createWritable();
}

/** Writes `stream` to `target` (or a download named `fileName`); resolves with the bytes written. */
export async function saveStream(
  stream: ReadableStream<Uint8Array>,
  fileName: string,
  target: FileSystemWritableFileStream | null,
): Promise<number> {
  let bytes = 0;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  if (target) await counted.pipeTo(target);
  else saveBlob(await new Response(counted).blob(), fileName);
  return bytes;
}
