/** A model ready to encode: what the classifier service needs of it, whatever loaded it. */
import type { ModelInfo, StorageNotice } from '../../shared/types.ts';

/** Decoded pixels, row-major, `channels` per pixel: a RawImage's shape without its class, so it crosses workers. */
export interface Pixels {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** How a model turns a cosine into a logit: `scale · cos + bias` (CLIP: 100 and 0). */
export interface Calibration {
  scale: number;
  bias: number;
}

export interface LoadedModel {
  info: ModelInfo;
  /** Unit-length text embeddings, one per text, in order. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /** Unit-length image embeddings, one per image, from one batched vision pass. */
  encodeImages(images: Pixels[]): Promise<Float32Array[]>;
  readonly calibration: Calibration;
  /** The embedding of a plain mid-grey image: subtracted before comparing two pictures, so a shared "photo" direction does not make everything look alike. */
  readonly neutral: Float32Array;
  /** Settles with the reason when the GPU device the model runs on is lost (WebGPU only). */
  lost?: Promise<string>;
  /**
   * Settles once the stored files read for this model have been verified after it was ready: with
   * the storage notices that then hold (a damaged file was downloaded again), or null when nothing changed.
   */
  notices?: Promise<StorageNotice[] | null>;
  dispose(): Promise<void>;
}
