/** Words a person understands for what went wrong. */
import { isDefaultHost } from '../shared/model-source.ts';
import { formatBytes } from '../shared/format.ts';
import type { ModelSource, SerializedError, StorageNotice } from '../shared/protocol.ts';

export function loadErrorMessage(error: SerializedError, source: ModelSource): string {
  const where = isDefaultHost(source.host) ? 'the Hugging Face Hub (huggingface.co)' : source.host;
  switch (error.name) {
    case 'HostUnreachable':
      return isDefaultHost(source.host)
        ? `Couldn't reach the Hugging Face Hub (huggingface.co) to download ${source.modelId}. ` +
            'Check your internet connection, or set a model host (a mirror or your own server) in Settings.'
        : `Couldn't reach the model host ${source.host} to download ${source.modelId}. ` +
            'Check the address in Settings and your connection.';
    case 'ModelNotFound':
      return `${source.modelId} was not found on ${where}, or a file it needs is missing. (${error.message})`;
    case 'DownloadFailed':
      return `Download of ${source.modelId} failed: ${error.message} Nothing partial was kept; Retry downloads it again.`;
    case 'UnsupportedModel':
      return `${error.message} This app runs CLIP-family zero-shot image classification models.`;
    case 'ProtocolMismatch':
      return 'The app was updated while this page was open. Reload the page to continue.';
    case 'WorkerCrashed':
      return `The classifier stopped unexpectedly (${error.message}). Retry, or reload the page.`;
    default:
      return `The model ${source.modelId} could not be loaded: ${error.message}`;
  }
}

export function imageErrorMessage(name: string, error: SerializedError): string {
  if (error.name === 'ImageDecodeError' || error.name === 'UnsupportedImageError') {
    return `${name} couldn't be read: ${error.message}.`;
  }
  return `${name}: classification failed (${error.message}).`;
}

export function storageNoticeMessage(notice: StorageNotice, modelId: string): string {
  switch (notice.kind) {
    case 'unavailable':
      return (
        `Model storage is unavailable in this window (private browsing or blocked site data): ${modelId} runs ` +
        'without being stored and will be downloaded again next time.'
      );
    case 'quota':
      return (
        `Not enough storage space to keep ${modelId}: it runs from memory for this session and will be ` +
        'downloaded again next time. Free space under Storage below.'
      );
    case 'store-failed':
      return `${modelId} could not be stored (${notice.message}); it runs from memory and will be downloaded again next time.`;
    case 'repaired':
      return `${notice.files.join(', ')} of ${modelId} ${notice.files.length === 1 ? 'was' : 'were'} damaged in storage and downloaded again.`;
  }
}

export function usageText(usage: number, quota: number): string {
  return `${formatBytes(usage)} used of ${formatBytes(quota)} available to this site`;
}
