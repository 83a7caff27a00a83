/** Turns what was thrown while loading a model into a failure the page can word. */
import { errorDetail, type LoadFailure } from '../../shared/failures.ts';
import type { Device } from '../../shared/types.ts';
import {
  BackendError,
  ConsentNeededError,
  HashMismatchError,
  StoredGraphRejectedError,
  UnsupportedModelError,
  isOutOfMemory,
} from './model-errors.ts';
import { DownloadError, NotPlannedError } from '../storage/download.ts';

export function describeLoadError(error: unknown, device: Device): LoadFailure {
  const detail = errorDetail(error);
  if (error instanceof ConsentNeededError) return { code: 'consent-needed', ...error.request };
  if (error instanceof NotPlannedError) return { code: 'file-not-planned', file: error.file };
  if (error instanceof DownloadError) return error.failure;
  if (error instanceof HashMismatchError) return { code: 'hash-mismatch', file: error.file };
  if (error instanceof StoredGraphRejectedError) {
    return { code: 'stored-graph-rejected', files: error.files, detail: error.detail };
  }
  // On WebGPU a failure is the backend's (the page moves to WASM); on WASM memory is what ran out.
  if (device === 'wasm' && isOutOfMemory(error)) return { code: 'out-of-memory', detail };
  if (error instanceof UnsupportedModelError) return { code: 'unsupported-model', modelType: error.modelType };
  if (error instanceof BackendError) {
    return error.selfCheck ? { code: 'backend', detail, selfCheck: error.selfCheck } : { code: 'backend', detail };
  }
  // fetch() rejects with a TypeError when the host cannot be reached at all (offline, DNS, CORS).
  if (error instanceof TypeError && /fetch|network|load failed/i.test(detail)) {
    return { code: 'host-unreachable', detail };
  }
  if (error instanceof Error && (error.name === 'ModelFileNotFoundError' || /could not locate file/i.test(detail))) {
    return { code: 'model-not-found', detail };
  }
  // Anything else that fails while WebGPU sessions are made is the backend's: WASM may still work.
  return device === 'webgpu' ? { code: 'backend', detail } : { code: 'load-failed', detail };
}
