/** Which model to load and from where, as given in the page URL (`?model=…&host=…`). */
import type { ModelSource } from './types.ts';

/** CLIP ViT-B/16: the download of ViT-B/32 (about 152 MB at q8) with 5.4 points more accuracy (see docs/using.md). */
export const DEFAULT_MODEL_ID = 'Xenova/clip-vit-base-patch16';
export const DEFAULT_HOST = 'https://huggingface.co';

const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

export function isValidModelId(modelId: string): boolean {
  return MODEL_ID.test(modelId) && !modelId.includes('..');
}

/**
 * Resolves a host as typed (absolute, or a path such as `/models` on this page's origin) to an
 * absolute URL without a trailing slash; `null` when it is not an http(s) URL.
 */
export function resolveHost(host: string, origin: string): string | null {
  try {
    const url = new URL(host.trim(), origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/** The URL transformers.js fetches for one file of a model repository, at a revision (see revision.ts). */
export function modelFileUrl(source: ModelSource, file: string, revision = 'main'): string {
  return `${source.host}/${source.modelId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/**
 * The host of models imported from a folder on disk: they exist only in the model store, under
 * URLs on this origin that the network never serves.
 */
export const LOCAL_MODELS_PATH = '/local-models';

export function isLocalModelUrl(url: string, origin: string): boolean {
  const parsed = new URL(url, origin);
  return parsed.origin === origin && parsed.pathname.startsWith(`${LOCAL_MODELS_PATH}/`);
}

export function isDefaultHost(host: string): boolean {
  return host === DEFAULT_HOST;
}
