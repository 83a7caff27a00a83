/** Duplicate finding, as the page and the worker share it. */

/**
 * The cosine from which two photos are near duplicates unless the person moves it. Measured on the
 * clip-colors fixture: a resized, re-encoded JPEG scores above 0.9999 with its original, different
 * colours at most 0.9963 (its shared component keeps every cosine high); Immich's default for real
 * CLIP models is 0.99. The slider reaches both.
 */
export const DEFAULT_DUPLICATE_CUTOFF = 0.998;
