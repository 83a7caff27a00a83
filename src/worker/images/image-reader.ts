/**
 * The classifier worker's side of the image reader (`image-reader.worker.ts`): one reader worker,
 * started on first use. A reader that crashes fails the reads it had, and the next read starts a
 * fresh one. Pictures are read in place where a worker cannot start one (no nested workers), and
 * wherever ONNX Runtime's threads take every core (`separate` says): a reader beside them slowed
 * the page more than it sped reading (figures: docs/performance.md, "Figures behind the code").
 */
import type { ImageReader } from '../service/classifier-service.ts';
import { decodeImage } from './decode-image.ts';
import type { ReadReply, ReadRequest } from './image-reader-protocol.ts';
import { ImageDecodeError } from '../model/model-errors.ts';
import { readImage, type ReadImage } from './read-image.ts';

interface Waiting {
  resolve(read: ReadImage): void;
  reject(error: Error): void;
}

export function createImageReader(separate: () => boolean): ImageReader {
  let worker: Worker | null = null;
  let nextId = 0;
  const waiting = new Map<number, Waiting>();

  const start = (): Worker => {
    const started = new Worker(new URL('./image-reader.worker.ts', import.meta.url), {
      type: 'module',
      name: 'image-reader',
    });
    started.addEventListener('message', (event: MessageEvent<ReadReply>) => {
      const reply = event.data;
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      if (reply.ok) entry.resolve(reply.read);
      else if (reply.failure) entry.reject(new ImageDecodeError(reply.failure, reply.detail));
      else entry.reject(new Error(reply.detail));
    });
    started.addEventListener('error', (event) => {
      event.preventDefault();
      // Its reads fail as ordinary errors (not the pictures' fault); the next read gets a new reader.
      if (worker === started) worker = null;
      started.terminate();
      const detail = `the image reader stopped${event.message ? `: ${event.message}` : ''}`;
      for (const entry of waiting.values()) entry.reject(new Error(detail));
      waiting.clear();
    });
    return started;
  };

  return (blob, options) => {
    if (typeof Worker === 'undefined' || !separate()) return readImage(blob, decodeImage, options);
    worker ??= start();
    const id = ++nextId;
    const reader = worker;
    return new Promise<ReadImage>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      reader.postMessage({ id, blob, options } satisfies ReadRequest);
    });
  };
}
