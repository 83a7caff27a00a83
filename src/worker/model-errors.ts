/** Errors thrown while loading or running a model, told apart by what the page does about them. */
import type { ImageFailure, SelfCheckMismatch } from '../shared/failures.ts';

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
