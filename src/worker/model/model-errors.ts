/** Errors thrown while loading or running a model, told apart by what the page does about them. */
import type { ConsentRequest } from '../../shared/consent.ts';
import type { ImageFailure, SelfCheckMismatch } from '../../shared/failures.ts';

export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
  constructor(
    modelId: string,
    readonly modelType: string,
  ) {
    super(
      `${modelId} is a “${modelType}” model, not a zero-shot image classification model this app can run (CLIP, SigLIP or Chinese-CLIP).`,
    );
  }
}

export class MissingFileError extends Error {
  override name = 'ModelFileNotFoundError';
}

/** A failure of the WebGPU backend itself (not of the model or the network): the cue to fall back to WASM. */
export class BackendError extends Error {
  override name = 'BackendError';
  constructor(
    message: string,
    /** Set when the warm-up self-check found the GPU's numbers wrong. */
    readonly selfCheck?: SelfCheckMismatch,
  ) {
    super(message);
  }
}

/** Why an image could not be read, as a failure for the page to say in the person's language. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
  constructor(
    readonly failure: ImageFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The plan needs the person's go-ahead first (see shared/consent.ts): nothing more was downloaded. */
export class ConsentNeededError extends Error {
  override name = 'ConsentNeededError';
  constructor(readonly request: ConsentRequest) {
    super(`Downloading ${request.modelId} from ${request.host} needs the person's go-ahead.`);
  }
}

/** A downloaded file whose SHA-256 is not the one its host gave (its ETag): not stored, and the load fails before it runs. */
export class HashMismatchError extends Error {
  override name = 'HashMismatchError';
  constructor(readonly file: string) {
    super(`${file} does not match the checksum its host gave for it; it was not stored or run.`);
  }
}

/** Stored graphs whose checksums held but that ONNX Runtime could not parse: deleted, to be downloaded again. */
export class StoredGraphRejectedError extends Error {
  override name = 'StoredGraphRejectedError';
  constructor(
    readonly files: string[],
    readonly detail: string,
  ) {
    super(`ONNX Runtime could not read ${files.join(', ')} from storage: ${detail}`);
  }
}

/**
 * Whether an error is ONNX Runtime (or the WASM heap under it) running out of memory: an
 * allocation refused, or the Emscripten module aborted. The module cannot shrink its memory or
 * recover from an abort, so the worker is replaced.
 */
export function isOutOfMemory(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /out of memory|\bOOM\b|bad_alloc|allocation failed|failed to allocate|Cannot enlarge memory|Maximum memory size|could not allocate|Aborted\(/i.test(
    text,
  );
}
