/**
 * Embeddings kept across requests (and across model switches), bounded by LRU:
 * text by (model, precision, prompt), the prompt being the template applied to the label;
 * images by (model, precision, SHA-256 of the decoded pixels), so the same picture added twice,
 * under any name, is encoded once. Which pixels an image id stands for is remembered too, with
 * what decoding found out about it, so re-ranking images already on the page decodes nothing.
 */
import type { ImageNote } from '../shared/failures.ts';
import { LruCache } from '../shared/lru.ts';

const TEXT_ENTRIES = 5000; // ~10 MB at 512 floats
const IMAGE_ENTRIES = 2000; // ~4 MB
const IMAGE_IDS = 10000;

/** What decoding found out about an image, for its results when its embedding comes from the cache. */
export interface ImageFacts {
  /** The image as shown (after EXIF rotation), before any downscaling. */
  width: number;
  height: number;
  notes: ImageNote[];
}

export interface EmbeddingStores {
  texts: LruCache<string, Float32Array>;
  images: LruCache<string, Float32Array>;
  /** Image id (from the page) → hash of its pixels and its facts. */
  ids: LruCache<string, { pixelHash: string; facts: ImageFacts }>;
}

export function createStores(sizes = { texts: TEXT_ENTRIES, images: IMAGE_ENTRIES, ids: IMAGE_IDS }): EmbeddingStores {
  return {
    texts: new LruCache(sizes.texts),
    images: new LruCache(sizes.images),
    ids: new LruCache(sizes.ids),
  };
}

export class EmbeddingCache {
  /** @param model identifies model and precision, e.g. `host|model id|q8`. */
  constructor(
    private readonly model: string,
    private readonly stores: EmbeddingStores,
  ) {}

  text(prompt: string): Float32Array | undefined {
    return this.stores.texts.get(`${this.model}\u0000${prompt}`);
  }

  setText(prompt: string, embedding: Float32Array): void {
    this.stores.texts.set(`${this.model}\u0000${prompt}`, embedding);
  }

  image(pixelHash: string): Float32Array | undefined {
    return this.stores.images.get(`${this.model}\u0000${pixelHash}`);
  }

  setImage(pixelHash: string, embedding: Float32Array): void {
    this.stores.images.set(`${this.model}\u0000${pixelHash}`, embedding);
  }

  /** The embedding of an image the page already sent, and its facts, without decoding it again. */
  imageById(imageId: string): { embedding: Float32Array; facts: ImageFacts } | undefined {
    const known = this.stores.ids.get(imageId);
    const embedding = known && this.image(known.pixelHash);
    return known && embedding ? { embedding, facts: known.facts } : undefined;
  }

  rememberImage(imageId: string, pixelHash: string, facts: ImageFacts): void {
    this.stores.ids.set(imageId, { pixelHash, facts });
  }
}
