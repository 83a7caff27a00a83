/** Turns what went wrong while loading a model into an error the UI can explain. */
import type { LoadOptions, SerializedError } from '../shared/protocol.ts';
import { UnsupportedModelError } from './clip-model.ts';
import { DownloadError } from './download.ts';

/** Error names the UI knows how to explain; anything else is shown with its message. */
export type LoadErrorName =
  'HostUnreachable' | 'ModelNotFound' | 'UnsupportedModel' | 'DownloadFailed' | 'BackendError' | 'ModelLoadFailed';

export function describeLoadError(error: unknown, { source, device }: LoadOptions): SerializedError {
  const message = error instanceof Error ? error.message : String(error);
  const named = (name: LoadErrorName, text: string): SerializedError => ({ name, message: text });
  // Structured details travel as JSON in the message: the page words them in the person's language.
  if (error instanceof DownloadError) return named('DownloadFailed', JSON.stringify(error.failure));
  if (error instanceof UnsupportedModelError) return named('UnsupportedModel', error.modelType);
  // fetch() rejects with a TypeError when the host cannot be reached at all (offline, DNS, CORS).
  if (error instanceof TypeError && /fetch|network|load failed/i.test(message)) {
    return named('HostUnreachable', `${source.host}: ${message}`);
  }
  if (error instanceof Error && (error.name === 'ModelFileNotFoundError' || /could not locate file/i.test(message))) {
    return named('ModelNotFound', message);
  }
  // Anything else that fails while WebGPU sessions are made is the backend's: WASM may still work.
  return named(device === 'webgpu' ? 'BackendError' : 'ModelLoadFailed', message);
}
