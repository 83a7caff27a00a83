/**
 * Embeddings kept across requests (and across model switches), bounded by LRU:
 * text by (model, precision, prompt), the prompt being the template applied to the label;
 * images by (model, precision, SHA-256 of the decoded pixels), so the same picture added twice,
 * under any name, is encoded once. Which pixels an image id stands for is remembered too, so
 * re-ranking images already on the page needs no decoding at all.
 */
import { LruCache } from '../shared/lru.ts';

const TEXT_ENTRIES = 5000; // ~10 MB at 512 floats
const IMAGE_ENTRIES = 2000; // ~4 MB
const IMAGE_IDS = 10000;

export interface EmbeddingStores {
  texts: LruCache<string, Float32Array>;
  images: LruCache<string, Float32Array>;
  /** Image id (from the page) → hash of its pixels. */
  pixelHashes: LruCache<string, string>;
}

export function createStores(sizes = { texts: TEXT_ENTRIES, images: IMAGE_ENTRIES, ids: IMAGE_IDS }): EmbeddingStores {
  return {
    texts: new LruCache(sizes.texts),
    images: new LruCache(sizes.images),
    pixelHashes: new LruCache(sizes.ids),
  };
}

/** One worker's stores, shared by every model it loads (keys keep models apart). */
const SHARED = createStores();

export class EmbeddingCache {
  /** @param model identifies model and precision, e.g. `host|model id|q8`. */
  constructor(
    private readonly model: string,
    private readonly stores: EmbeddingStores = SHARED,
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

  /** The embedding of an image the page already sent, without decoding it again. */
  imageById(imageId: string): Float32Array | undefined {
    const hash = this.stores.pixelHashes.get(imageId);
    return hash === undefined ? undefined : this.image(hash);
  }

  rememberImage(imageId: string, pixelHash: string): void {
    this.stores.pixelHashes.set(imageId, pixelHash);
  }
}
