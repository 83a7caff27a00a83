import { formatBytes } from '../../shared/format.ts';
import { isDefaultHost } from '../../shared/model-source.ts';
import type { Device, Dtype, ModelSource } from '../../shared/types.ts';
import { deviceHints } from '../platform/device-hints.ts';
import { useI18n, type Messages } from '../i18n/i18n.ts';
import { consentSizeShort, loadErrorMessage } from '../i18n/messages.ts';
import { useSessionValue } from '../hooks/use-session.ts';
import type { DownloadItem, ModelState } from '../hooks/use-classifier.ts';
import { ConsentDialog } from './ConsentDialog.tsx';

function totals(files: DownloadItem[]): { loaded: number; total: number; toDownload: number } {
  return files.reduce(
    (sum, file) => ({
      loaded: sum.loaded + file.loaded,
      total: sum.total + file.total,
      toDownload: sum.toDownload + (file.stored ? 0 : file.total),
    }),
    { loaded: 0, total: 0, toDownload: 0 },
  );
}

function loadingText(
  t: Messages,
  model: Extract<ModelState, { phase: 'loading' }>,
  modelId: string,
  device: Device | null,
): string {
  if (model.warming) return t.preparing(modelId, device === 'webgpu');
  if (model.waiting) return t.loadingWaiting(modelId);
  if (!model.planned) return t.loading(modelId);
  const { loaded, total, toDownload } = totals(model.files);
  // Whole tens only: the status is announced, and a screen reader should not read every byte.
  const percent = total > 0 ? Math.floor((loaded / total) * 10) * 10 : 0;
  if (toDownload === 0) return t.loadingStored(modelId, percent);
  return t.loadingDownload(modelId, formatBytes(toDownload), percent);
}

function statusText(
  t: Messages,
  model: ModelState,
  source: ModelSource,
  busyImages: number,
  device: Device | null,
): string {
  switch (model.phase) {
    case 'loading':
      return loadingText(t, model, source.modelId, device);
    case 'ready': {
      const { info } = model;
      const backend = info.device === 'webgpu' ? 'WebGPU' : t.wasmThreads(info.threads);
      return t.ready(info.modelId, backend, info.dtype, info.layout === 'joint', busyImages);
    }
    case 'consent':
      return t.consentStatus(model.request.modelId, consentSizeShort(t, model.request), model.request.host);
    case 'error':
      return t.notLoaded(source.modelId);
    case 'cancelled':
      return t.cancelled(source.modelId);
  }
}

function FileRow({ file }: { file: DownloadItem }) {
  const { t } = useI18n();
  const complete = file.done || (file.total > 0 && file.loaded >= file.total);
  const percent = file.total > 0 ? Math.round((Math.min(file.loaded, file.total) / file.total) * 100) : null;
  let size: string;
  if (file.stored) size = t.stored(formatBytes(file.total));
  else if (complete) size = `${formatBytes(file.total || file.loaded)} (100%)`;
  else
    size = `${t.ofSize(formatBytes(file.loaded), file.total > 0 ? formatBytes(file.total) : '…')}${percent === null ? '' : ` (${percent}%)`}`;
  return (
    <li className="download">
      <span className="download-name">{file.file}</span>
      <progress aria-label={file.file} value={complete ? 1 : file.loaded} max={complete ? 1 : file.total || 1} />
      <span className="download-size">{size}</span>
    </li>
  );
}

interface Props {
  model: ModelState;
  source: ModelSource;
  /** The backend being loaded, once chosen. */
  device: Device | null;
  onCancel(): void;
  onRetry(): void;
  onAcceptDownload(): void;
  onDeclineDownload(): void;
  onPrecision(dtype: Dtype): void;
  onModel(modelId: string): void;
}

export function ModelStatus({
  model,
  source,
  device,
  onCancel,
  onRetry,
  onAcceptDownload,
  onDeclineDownload,
  onPrecision,
  onModel,
}: Props) {
  const { t } = useI18n();
  // Images still to classify, said in the status while the model works on them.
  const busyImages = useSessionValue((s) =>
    s.model.phase === 'ready' && s.labels.labels.length > 0 && !s.stopped ? s.progress.total - s.progress.done : 0,
  );
  const sums = model.phase === 'loading' ? totals(model.files) : null;
  return (
    // Ready, it is one line (the whole text on hover and to assistive technology); otherwise it says all.
    <section className={model.phase === 'ready' ? 'model-status ready' : 'model-status'} aria-label={t.modelRegion}>
      <div className="status-row">
        <p
          role="status"
          className="status-line"
          data-load-ms={model.phase === 'ready' ? Math.round(model.info.timings.loadMs) : undefined}
          data-warm-up-ms={model.phase === 'ready' ? Math.round(model.info.timings.warmUpMs) : undefined}
        >
          {statusText(t, model, source, busyImages, device)}
          {/* Where the weights come from, whenever it is not the default Hub: the host decides the scores. */}
          {!isDefaultHost(source.host) && model.phase !== 'consent' && (
            <span className="status-host"> {t.hostNote(source.host)}</span>
          )}
        </p>
        {model.phase === 'loading' && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t.cancel}
          </button>
        )}
        {model.phase === 'cancelled' && (
          <button type="button" onClick={onRetry}>
            {t.download}
          </button>
        )}
      </div>
      {model.phase === 'loading' && !model.warming && sums && model.files.length > 0 && (
        <div className="downloads">
          <div className="download overall">
            <span className="download-name">{t.allFiles}</span>
            <progress aria-label={t.modelDownload} value={sums.loaded} max={sums.total || 1} />
            <span className="download-size">
              {t.ofSize(formatBytes(sums.loaded), sums.total > 0 ? formatBytes(sums.total) : '…')}
              {sums.total > 0 && ` (${Math.round((Math.min(sums.loaded, sums.total) / sums.total) * 100)}%)`}
            </span>
          </div>
          <ul className="download-files">
            {model.files.map((file) => (
              <FileRow key={file.file} file={file} />
            ))}
          </ul>
        </div>
      )}
      {model.phase === 'consent' && (
        <ConsentDialog
          key={JSON.stringify([
            model.request.host,
            model.request.modelId,
            model.request.bytes,
            model.request.contacted,
          ])}
          request={model.request}
          deviceMemoryGiB={deviceHints().deviceMemoryGiB}
          onDownload={onAcceptDownload}
          onCancel={onDeclineDownload}
          onPrecision={onPrecision}
          onModel={onModel}
        />
      )}
      {model.phase === 'error' && (
        <div role="alert" className="error">
          <p>{loadErrorMessage(t, model.failure, source)}</p>
          <button type="button" onClick={onRetry}>
            {t.retry}
          </button>
        </div>
      )}
    </section>
  );
}
