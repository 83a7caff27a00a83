/**
 * What went wrong, and what is worth saying about an image, as data: codes with fields. The worker
 * sends these; only the page words them (in `src/ui/i18n/messages.ts`, with exhaustive switches, so a
 * new code fails type-checking until it is said in every language).
 */
import type { ConsentRequest } from './consent.ts';

/**
 * The WebGPU warm-up self-check's finding: the GPU's embedding (`output`) of a fixed probe and the
 * CPU's, from the same weights, lie at `cosine`, below the `needed` agreement.
 */
export interface SelfCheckMismatch {
  output: 'image' | 'text';
  cosine: number;
  needed: number;
}

/** Why a model did not load. */
export type LoadFailure =
  /** Nothing was downloaded past config.json: the person must agree to this plan first (see consent.ts). */
  | ({ code: 'consent-needed' } & ConsentRequest)
  /** The model asked for a file that is not in the plan shown before the download: it was refused. */
  | { code: 'file-not-planned'; file: string }
  /** ONNX Runtime ran out of memory: a smaller model or precision may fit. */
  | { code: 'out-of-memory'; detail: string }
  /** Stored graphs ONNX Runtime could not parse (their checksums held): deleted; a fresh worker downloads them again. */
  | { code: 'stored-graph-rejected'; files: string[]; detail: string }
  /** The host could not be reached at all (offline, DNS, CORS). */
  | { code: 'host-unreachable'; detail: string }
  /** The model, or a file it needs, is not on the host. */
  | { code: 'model-not-found'; detail: string }
  /**
   * A file's download broke (`lost`), ended before its declared length (`short`), went on past
   * its planned size (`long`; `expected` is then the planned size), or past a cap where no size was
   * known, or config.json's 1 MB (`capped`; `expected` is then the cap).
   */
  | {
      code: 'download-failed';
      file: string;
      kind: 'lost' | 'short' | 'long' | 'capped';
      received: number;
      expected: number | null;
    }
  /** A downloaded file's SHA-256 is not the one its host gave: not stored, and nothing was run. */
  | { code: 'hash-mismatch'; file: string }
  /** The repository is a model of another kind (its `model_type`). */
  | { code: 'unsupported-model'; modelType: string }
  /** WebGPU itself failed (not the model or the network): WASM may still work. */
  | { code: 'backend'; detail: string; selfCheck?: SelfCheckMismatch }
  /** A cached worker bundle of another app version answered. */
  | { code: 'protocol-mismatch'; workerVersion: number }
  | { code: 'worker-crashed'; detail: string }
  | { code: 'load-failed'; detail: string };

/** Why an image could not be classified. */
export type ImageFailure =
  | { code: 'empty' }
  /** A format this browser cannot decode (HEIC, TIFF): its name. */
  | { code: 'unsupported-format'; format: string }
  | { code: 'not-an-image' }
  /** The data of a known format is damaged or cut short. */
  | { code: 'damaged'; format: string }
  /** Its file was not kept (too large, or storage was full) and is gone: add it again for this model. */
  | { code: 'file-needed' }
  /** It is in a folder this visit may not read yet: allow access (Rescan) to go on. */
  | { code: 'folder-access'; folder: string }
  /** Larger than a decode may be without downscaling (not a JPEG): refused from its header, never decoded. */
  | { code: 'too-large'; format: string; width: number; height: number; maxPixels: number }
  /** It was being read when the page or its worker stopped last time: not read again, so it cannot stop it again. */
  | { code: 'stopped-reading' }
  /** The classification request failed as a whole (not this image): Retry may succeed. */
  | { code: 'request-failed'; detail: string }
  | { code: 'failed'; detail: string };

/** How an image was read, when worth saying. */
export type ImageNote = { kind: 'animated' } | { kind: 'downscaled'; width: number; height: number };

/** Why a model folder could not be imported. */
export type ImportFailure =
  | { code: 'no-config'; folder: string }
  | { code: 'no-onnx'; folder: string }
  | { code: 'storage-unavailable' }
  | { code: 'failed'; detail: string };

/** Why a library backup could not be restored (nothing was written). */
export type BackupFailure =
  /** Not a ZIP, or a ZIP without this app's manifest. */
  | { code: 'not-a-backup' }
  /** A backup written by a newer version of the app. */
  | { code: 'newer-format'; version: number }
  /** Cut short, or an entry fails its checksum or does not parse. */
  | { code: 'damaged'; detail: string };

/** Why a request to the worker ended without its answer. */
export type RequestFailure =
  | { code: 'load'; failure: LoadFailure }
  | { code: 'import'; failure: ImportFailure }
  | { code: 'backup'; failure: BackupFailure }
  /** WebGPU failed while running: the page moves to WASM. */
  | { code: 'backend'; detail: string }
  | { code: 'aborted' }
  /** The worker was replaced (after a WebGPU failure) while the request ran. */
  | { code: 'restarted' }
  /** The worker died (an uncaught error, out of memory). */
  | { code: 'worker-crashed'; detail: string }
  /** ONNX Runtime ran out of memory while classifying: the worker is replaced. */
  | { code: 'out-of-memory'; detail: string }
  | { code: 'no-model' }
  /** A folder's files may not be read until the person allows it again. */
  | { code: 'permission-needed'; folder: string }
  | { code: 'storage-unavailable' }
  | { code: 'failed'; detail: string };

/** The message of anything thrown, for the `detail` of a failure. */
export function errorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
