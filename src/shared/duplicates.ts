/** Duplicate finding, as the page and the worker share it. */

/**
 * The cosine from which two photos are near duplicates unless the person moves it. On the
 * clip-colors fixture (image embedding [p, 1, 0, 10, 0…], p the mean colour) different solid colours
 * score 0.990–0.995 and a photo beside the solid colour of its centre above 0.995, while a resized
 * JPEG keeps its mean colour; at 0.95 e2e grouped all six test images. Immich's default for real
 * CLIP models is 0.99 (distance 0.01): the slider reaches it.
 */
export const DEFAULT_DUPLICATE_CUTOFF = 0.998;
