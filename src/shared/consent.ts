/**
 * When the person is asked before a model downloads, as one pure rule for the worker to apply to
 * its plan (the files and sizes it found) and the page to explain. Nothing after `config.json` is
 * fetched until the person agreed to this host, this model and this many bytes, when:
 *
 * - the host is neither the app's own origin nor the default Hub (a link can name any server);
 * - the model is not in the catalogue (on the Hub anyone can publish a repository);
 * - the download exceeds 300 MB;
 * - the browser asks to save data (`navigator.connection.saveData`);
 * - the model's planned size × 2.5 exceeds the device's memory (`navigator.deviceMemory`).
 *
 * A model served by the app's own origin (the fixtures, an imported folder) is as trusted as the
 * app itself, which the same server delivers; nothing is asked when every file is stored already.
 */
import { catalogueEntry } from './catalogue.ts';
import { DEFAULT_HOST } from './model-source.ts';
import type { Dtype, PlannedFile } from './types.ts';

/** Above this many bytes to download, the person is asked first. */
export const LARGE_DOWNLOAD_BYTES = 300_000_000;
/** A model needs about this many times its files' size in memory while it loads and runs. */
export const MEMORY_PER_MODEL_BYTE = 2.5;

export type ConsentReason = 'foreign-host' | 'not-catalogued' | 'large' | 'save-data' | 'memory';

/** What the person agreed to download. */
export interface Consent {
  host: string;
  modelId: string;
  /** At most this many bytes (what the dialog showed). */
  maxBytes: number;
}

/** What the page knows of the device that matters before a download. */
export interface DeviceHints {
  /** `navigator.connection.saveData`. */
  saveData: boolean;
  /** `navigator.deviceMemory` (GiB, rounded down by the browser); null where the browser does not say. */
  deviceMemoryGiB: number | null;
}

export const NO_HINTS: DeviceHints = { saveData: false, deviceMemoryGiB: null };

/** What the dialog shows, and what the person agrees to by pressing Download. */
export interface ConsentRequest {
  host: string;
  modelId: string;
  /** The precision the plan is for. */
  dtype: Dtype;
  /** Bytes still to download (files not stored). */
  bytes: number;
  /** Bytes of the whole model (what memory must hold). */
  totalBytes: number;
  files: PlannedFile[];
  reasons: ConsentReason[];
}

export type HostKind = 'default' | 'own' | 'foreign';

/** The default Hub exactly (not a path on its domain, which any repository could serve), this origin, or another. */
export function hostKind(host: string, origin: string): HostKind {
  if (host === DEFAULT_HOST) return 'default';
  try {
    return new URL(host).origin === origin ? 'own' : 'foreign';
  } catch {
    return 'foreign';
  }
}

/** Why the person must be asked before this plan downloads; empty when nothing needs asking. */
export function consentReasons(
  { host, modelId, files }: { host: string; modelId: string; files: readonly PlannedFile[] },
  origin: string,
  hints: DeviceHints,
): ConsentReason[] {
  const toDownload = files.filter((file) => !file.stored);
  if (toDownload.length === 0) return [];
  const bytes = toDownload.reduce((sum, file) => sum + file.size, 0);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const kind = hostKind(host, origin);
  const reasons: ConsentReason[] = [];
  if (kind === 'foreign') reasons.push('foreign-host');
  if (kind === 'default' && !catalogueEntry(modelId)) reasons.push('not-catalogued');
  if (bytes > LARGE_DOWNLOAD_BYTES) reasons.push('large');
  if (hints.saveData) reasons.push('save-data');
  if (hints.deviceMemoryGiB !== null && total * MEMORY_PER_MODEL_BYTE > hints.deviceMemoryGiB * 2 ** 30) {
    reasons.push('memory');
  }
  return reasons;
}

/** Whether what the person agreed to covers this download. */
export function consentCovers(consent: Consent | null, request: Pick<ConsentRequest, 'host' | 'modelId' | 'bytes'>) {
  return (
    consent !== null &&
    consent.host === request.host &&
    consent.modelId === request.modelId &&
    request.bytes <= consent.maxBytes
  );
}
