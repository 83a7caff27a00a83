/**
 * When the person is asked before a model downloads, as one pure rule for the worker to apply to
 * its plan (the files and sizes it found) and the page to explain. Nothing after `config.json` is
 * fetched until the person agreed to this host, this model and this many bytes, when:
 *
 * - the host is neither the app's own origin nor the default Hub (a link can name any server): such
 *   a host is not contacted at all (not `config.json`, not a size probe) until the person agreed, so
 *   the dialog cannot say sizes and the download is capped instead;
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

/** A download from a host that does not say (or was not asked yet) how large its files are: at most this a file… */
export const UNKNOWN_SIZE_FILE_CAP = 1_500_000_000;
/** …and this in all (ViT-L/14 at fp32, the catalogue's largest, is 1.7 GB). */
export const UNKNOWN_SIZE_TOTAL_CAP = 2_000_000_000;
/** `config.json` is read before anything is planned: a few kB for every model this app runs. */
export const CONFIG_CAP_BYTES = 1_000_000;

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
  /** Bytes still to download (files not stored), of the files whose size the host said. */
  bytes: number;
  /** Bytes of the whole model (what memory must hold), of the files whose size is known. */
  totalBytes: number;
  files: PlannedFile[];
  reasons: ConsentReason[];
  /** False: nothing was requested from the host yet, so its files and their sizes are not known. */
  contacted: boolean;
}

/** Files still to download whose size the host did not say (they are capped, see UNKNOWN_SIZE_FILE_CAP). */
export function unknownSizes(request: Pick<ConsentRequest, 'files'>): number {
  return request.files.filter((file) => !file.stored && file.size === null).length;
}

/** Whether the dialog can say exactly how much downloads (else the caps are what the person agrees to). */
export function sizeKnown(request: Pick<ConsentRequest, 'files' | 'contacted'>): boolean {
  return request.contacted && unknownSizes(request) === 0;
}

/** What pressing Download agrees to: the bytes shown, or the caps where they are not all known. */
export function consentFor(request: ConsentRequest): Consent {
  const { host, modelId, bytes } = request;
  return { host, modelId, maxBytes: sizeKnown(request) ? bytes : UNKNOWN_SIZE_TOTAL_CAP };
}

/**
 * The request for a host that must not be contacted before the person agrees: nothing is known of
 * the model yet, not even whether it exists.
 */
export function uncontactedRequest(
  { host, modelId }: { host: string; modelId: string },
  dtype: Dtype,
  hints: DeviceHints,
): ConsentRequest {
  const reasons: ConsentReason[] = ['foreign-host'];
  if (hints.saveData) reasons.push('save-data');
  return { host, modelId, dtype, bytes: 0, totalBytes: 0, files: [], reasons, contacted: false };
}

/** Whether the person agreed to this host and model (at any size): only then may a foreign host be contacted. */
export function consentNames(consent: Consent | null, source: { host: string; modelId: string }): boolean {
  return consent !== null && consent.host === source.host && consent.modelId === source.modelId;
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

/** The bytes of the files whose size is known. */
export function knownBytes(files: readonly PlannedFile[]): number {
  return files.reduce((sum, file) => sum + (file.size ?? 0), 0);
}

/** Why the person must be asked before this plan downloads; empty when nothing needs asking. */
export function consentReasons(
  { host, modelId, files }: { host: string; modelId: string; files: readonly PlannedFile[] },
  origin: string,
  hints: DeviceHints,
): ConsentReason[] {
  const toDownload = files.filter((file) => !file.stored);
  if (toDownload.length === 0) return [];
  const bytes = knownBytes(toDownload);
  const total = knownBytes(files);
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
