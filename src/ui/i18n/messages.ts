/**
 * Words a person understands for what went wrong, in the interface's language. Every switch here
 * is exhaustive: a new failure code fails type-checking until it is worded.
 */
import { isDefaultHost } from '../../shared/model-source.ts';
import { formatBytes } from '../../shared/format.ts';
import type { ImageFailure, ImageNote, ImportFailure, LoadFailure, RequestFailure } from '../../shared/failures.ts';
import { DECODABLE_FORMATS } from '../../shared/image-format.ts';
import type { LibraryProblem } from '../../shared/library.ts';
import type { LibraryWriteFailure } from '../../shared/trash.ts';
import type { ModelSource, StorageNotice } from '../../shared/types.ts';
import type { Messages } from './locales.ts';
import type { Recovery } from '../session/classifier-session.ts';
import {
  MEMORY_PER_MODEL_BYTE,
  UNKNOWN_SIZE_FILE_CAP,
  UNKNOWN_SIZE_TOTAL_CAP,
  sizeKnown,
  unknownSizes,
  type ConsentReason,
  type ConsentRequest,
} from '../../shared/consent.ts';

export function loadErrorMessage(t: Messages, failure: LoadFailure, source: ModelSource): string {
  const where = isDefaultHost(source.host) ? t.hub : source.host;
  switch (failure.code) {
    case 'host-unreachable':
      return isDefaultHost(source.host)
        ? t.hubUnreachable(source.modelId)
        : t.hostUnreachable(source.host, source.modelId);
    case 'model-not-found':
      return t.modelNotFound(source.modelId, where, failure.detail);
    case 'download-failed': {
      const { file, kind, received, expected } = failure;
      const amount = expected === null ? formatBytes(received) : t.ofSize(formatBytes(received), formatBytes(expected));
      const detail = {
        lost: () => t.downloadLost(file, amount),
        short: () => t.downloadShort(file, amount),
        long: () => t.downloadLong(file, formatBytes(expected ?? 0)),
        capped: () => t.downloadCapped(file, formatBytes(expected ?? 0)),
      }[kind]();
      return t.downloadFailed(source.modelId, detail);
    }
    case 'consent-needed':
      return t.consentStatus(source.modelId, consentSizeShort(t, failure), failure.host);
    case 'hash-mismatch':
      return t.hashMismatch(source.modelId, failure.file);
    case 'file-not-planned':
      return t.fileNotPlanned(source.modelId, failure.file);
    case 'out-of-memory':
      return t.outOfMemory(source.modelId, failure.detail);
    case 'stored-graph-rejected':
      return t.storedGraphRejected(failure.files, source.modelId, failure.detail);
    case 'unsupported-model':
      return t.unsupportedModel(source.modelId, failure.modelType);
    case 'protocol-mismatch':
      return t.protocolMismatch;
    case 'worker-crashed':
      return t.workerCrashed(failure.detail);
    case 'backend':
    case 'load-failed':
      return t.loadFailed(source.modelId, failure.detail);
  }
}

/** Why an image could not be classified, naming it. */
export function imageErrorMessage(t: Messages, name: string, failure: ImageFailure): string {
  switch (failure.code) {
    case 'empty':
      return t.imageUnreadable(name, t.reasonEmpty);
    case 'unsupported-format':
      return t.imageUnreadable(name, t.reasonUnsupported(failure.format, DECODABLE_FORMATS));
    case 'not-an-image':
      return t.imageUnreadable(name, t.reasonNotImage(DECODABLE_FORMATS));
    case 'damaged':
      return t.imageUnreadable(name, t.reasonDamaged(failure.format));
    case 'too-large':
      return t.imageUnreadable(
        name,
        t.reasonTooLarge(failure.format, failure.width, failure.height, failure.maxPixels),
      );
    case 'stopped-reading':
      return t.stoppedReading(name);
    case 'file-needed':
      return t.fileNeeded(name);
    case 'folder-access':
      return t.folderAccess(name, failure.folder);
    case 'request-failed':
    case 'failed':
      return t.imageFailed(name, failure.detail);
  }
}

/** What happened when the worker was replaced, and what to do about it. */
export function recoveryMessage(t: Messages, recovery: Recovery): string {
  switch (recovery.kind) {
    case 'crashed':
      return t.recoveredCrash(recovery.detail);
    case 'hung':
      return t.recoveredHang(recovery.detail);
    case 'out-of-memory':
      return t.recoveredMemory(recovery.detail);
  }
}

/** The size a consent dialog shows: exact, or the caps where the host did not say (or was not asked yet). */
export function consentSizeText(t: Messages, request: ConsentRequest): string {
  const caps = [formatBytes(UNKNOWN_SIZE_FILE_CAP), formatBytes(UNKNOWN_SIZE_TOTAL_CAP)] as const;
  if (!request.contacted) return t.consentSizeNotKnown(...caps);
  const files = request.files.filter((file) => !file.stored).length;
  const unknown = unknownSizes(request);
  if (unknown === 0) return t.consentSizeValue(formatBytes(request.bytes), files);
  return t.consentSizeSomeUnknown(formatBytes(request.bytes), files, unknown, ...caps);
}

/** The size in one phrase, for the status line. */
export function consentSizeShort(t: Messages, request: ConsentRequest): string {
  return sizeKnown(request) ? formatBytes(request.bytes) : t.consentSizeUnknownShort;
}

/** Why the person is asked before a download, one sentence per reason. */
export function consentReasonText(
  t: Messages,
  reason: ConsentReason,
  request: ConsentRequest,
  deviceMemoryGiB: number | null,
): string {
  switch (reason) {
    case 'foreign-host':
      return t.consentForeignHost;
    case 'not-catalogued':
      return t.consentNotCatalogued;
    case 'large':
      return t.consentLarge;
    case 'save-data':
      return t.consentSaveData;
    case 'memory':
      return t.consentMemory(
        formatBytes(request.totalBytes * MEMORY_PER_MODEL_BYTE),
        deviceMemoryGiB === null ? '?' : `${deviceMemoryGiB} GB`,
      );
  }
}

export function libraryProblemMessage(t: Messages, problem: LibraryProblem): string {
  switch (problem) {
    case 'unavailable':
      return t.libraryUnavailable;
    case 'quota':
      return t.libraryQuota;
    case 'store-failed':
      return t.libraryStoreFailed;
  }
}

/** A failed library write: what was not kept (at most five names, then a count), and why. */
export function writeFailureMessage(t: Messages, { action, reason, names }: LibraryWriteFailure): string {
  const why = reason === 'quota' ? t.writeReasonQuota : t.writeReasonFailed;
  const listed =
    names.length === 0 ? '' : t.namesAndMore(names.slice(0, 5).join(t.nameSeparator), Math.max(0, names.length - 5));
  switch (action) {
    case 'add':
      return t.writeFailedAdd(listed, why);
    case 'read':
      return t.writeFailedRead(listed, why);
    case 'embeddings':
      return t.writeFailedEmbeddings(listed, why);
    case 'correction':
      return t.writeFailedCorrection(listed, why);
    case 'folder':
      return t.writeFailedFolder(listed, why);
    case 'trash':
      return t.writeFailedTrash(listed, why);
    case 'restore':
      return t.writeFailedRestore(listed, why);
    case 'purge':
      return t.writeFailedPurge(listed, why);
  }
}

/** How an image was read, in words. */
export function imageNoteText(t: Messages, note: ImageNote): string {
  switch (note.kind) {
    case 'animated':
      return t.noteAnimated;
    case 'downscaled':
      return t.noteDownscaled(note.width, note.height);
  }
}

export function importFailureMessage(t: Messages, failure: ImportFailure): string {
  switch (failure.code) {
    case 'no-config':
      return t.importFailed(t.importNoConfig(failure.folder));
    case 'no-onnx':
      return t.importFailed(t.importNoOnnx(failure.folder));
    case 'storage-unavailable':
      return t.importNeedsStorage;
    case 'failed':
      return t.importFailed(failure.detail);
  }
}

/** Why the backup `name` was not restored (nothing was changed in any case). */
export function restoreFailureMessage(t: Messages, name: string, failure: RequestFailure): string {
  if (failure.code !== 'backup') {
    const detail = 'detail' in failure ? failure.detail : failure.code;
    return t.restoreFailed(name, failure.code === 'storage-unavailable' ? t.libraryUnavailable : detail);
  }
  const backup = failure.failure;
  switch (backup.code) {
    case 'not-a-backup':
      return t.backupNotABackup(name);
    case 'newer-format':
      return t.backupNewer(name, backup.version);
    case 'damaged':
      return t.backupDamaged(name, backup.detail);
  }
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
