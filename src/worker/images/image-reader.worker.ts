/**
 * The image reader: decodes a picture, hashes it and makes its thumbnail (and kept copy) for the
 * classifier worker. It runs apart because ONNX Runtime's run holds the classifier worker's thread
 * for a whole vision pass: here the next pictures are read meanwhile.
 */
import { decodeImage } from './decode-image.ts';
import type { ReadReply, ReadRequest } from './image-reader-protocol.ts';
import { ImageDecodeError } from '../model/model-errors.ts';
import { readImage } from './read-image.ts';

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener('message', (event: MessageEvent<ReadRequest>) => {
  const { id, blob, options } = event.data;
  readImage(blob, decodeImage, options).then(
    (read) => self.postMessage({ id, ok: true, read } satisfies ReadReply, [read.pixels.data.buffer]),
    (error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      const failure = error instanceof ImageDecodeError ? error.failure : null;
      self.postMessage({ id, ok: false, failure, detail } satisfies ReadReply);
    },
  );
});
