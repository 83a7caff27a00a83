/** Words a person understands for what went wrong, in the interface's language. */
import { isDefaultHost } from '../shared/model-source.ts';
import { formatBytes } from '../shared/format.ts';
import { DECODABLE_FORMATS } from '../shared/image-format.ts';
import type { DownloadFailure, ModelSource, SerializedError, StorageNotice } from '../shared/protocol.ts';
import type { Messages } from './locales.ts';

export function loadErrorMessage(t: Messages, error: SerializedError, source: ModelSource): string {
  const where = isDefaultHost(source.host) ? t.hub : source.host;
  switch (error.name) {
    case 'HostUnreachable':
      return isDefaultHost(source.host)
        ? t.hubUnreachable(source.modelId)
        : t.hostUnreachable(source.host, source.modelId);
    case 'ModelNotFound':
      return t.modelNotFound(source.modelId, where, error.message);
    case 'DownloadFailed':
      return t.downloadFailed(source.modelId, downloadFailureText(t, error.message));
    case 'UnsupportedModel':
      return t.unsupportedModel(source.modelId, error.message);
    case 'ProtocolMismatch':
      return t.protocolMismatch;
    case 'WorkerCrashed':
      return t.workerCrashed(error.message);
    default:
      return t.loadFailed(source.modelId, error.message);
  }
}

/** A download failure sent as JSON by the worker (`DownloadFailure`), in words; anything else as it came. */
function downloadFailureText(t: Messages, message: string): string {
  try {
    const { file, kind, received, expected } = JSON.parse(message) as DownloadFailure;
    const amount = expected === null ? formatBytes(received) : t.ofSize(formatBytes(received), formatBytes(expected));
    return kind === 'lost' ? t.downloadLost(file, amount) : t.downloadShort(file, amount);
  } catch {
    return message;
  }
}

/** The worker names why an image could not be read (`src/worker/decode-image.ts`); the page says it. */
export function imageErrorMessage(t: Messages, name: string, error: SerializedError): string {
  switch (error.name) {
    case 'EmptyImage':
      return t.imageUnreadable(name, t.reasonEmpty);
    case 'UnsupportedImage':
      return t.imageUnreadable(name, t.reasonUnsupported(error.message, DECODABLE_FORMATS));
    case 'NotAnImage':
      return t.imageUnreadable(name, t.reasonNotImage(DECODABLE_FORMATS));
    case 'DamagedImage':
      return t.imageUnreadable(name, t.reasonDamaged(error.message));
    default:
      return t.imageFailed(name, error.message);
  }
}

/** Notes from decoding (`animated`, `downscaled:{width}x{height}`), in words. */
export function imageNoteText(t: Messages, note: string): string {
  const downscaled = /^downscaled:(\d+)x(\d+)$/.exec(note);
  if (downscaled) return t.noteDownscaled(Number(downscaled[1]), Number(downscaled[2]));
  return note === 'animated' ? t.noteAnimated : note;
}

export function storageNoticeMessage(t: Messages, notice: StorageNotice, modelId: string): string {
  switch (notice.kind) {
    case 'unavailable':
      return t.storageUnavailableNotice(modelId);
    case 'quota':
      return t.quotaNotice(modelId);
    case 'store-failed':
      return t.storeFailedNotice(modelId, notice.message);
    case 'repaired':
      return t.repairedNotice(notice.files, modelId);
  }
}

export function usageText(t: Messages, usage: number, quota: number): string {
  return t.usage(formatBytes(usage), formatBytes(quota));
}
