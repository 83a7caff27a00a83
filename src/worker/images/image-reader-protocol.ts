/** Messages between the classifier worker and its image reader (`image-reader.worker.ts`). */
import type { ImageFailure } from '../../shared/failures.ts';
import type { ReadImage } from './read-image.ts';

export interface ReadRequest {
  id: number;
  blob: Blob;
  options: { hash?: string; needsCopy: boolean };
}

export type ReadReply =
  | { id: number; ok: true; read: ReadImage }
  /** `failure`: the picture's own fault (an ImageDecodeError); null for anything else. */
  | { id: number; ok: false; failure: ImageFailure | null; detail: string };
