import { formatBytes } from '../../shared/format.ts';
import type { FileProgress, ModelSource } from '../../shared/protocol.ts';
import { loadErrorMessage } from '../messages.ts';
import type { ModelState } from '../use-classifier.ts';

function totals(files: FileProgress[]): { loaded: number; total: number } {
  return files.reduce((sum, file) => ({ loaded: sum.loaded + file.loaded, total: sum.total + file.total }), {
    loaded: 0,
    total: 0,
  });
}

function statusText(model: ModelState, source: ModelSource, busyImages: number): string {
  switch (model.phase) {
    case 'loading': {
      const { loaded, total } = totals(model.files);
      // Whole tens only: the status is announced, and a screen reader should not read every byte.
      const percent = total > 0 ? ` ${Math.floor((loaded / total) * 10) * 10}%` : '';
      return `Loading model ${source.modelId}…${percent}`;
    }
    case 'ready': {
      const { info } = model;
      const backend =
        info.device === 'webgpu' ? 'WebGPU' : `WASM, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
      const working = busyImages > 0 ? ` Classifying ${busyImages} image${busyImages === 1 ? '' : 's'}…` : '';
      return `Model ready: ${info.modelId} (${backend}, ${info.dtype}).${working}`;
    }
    case 'error':
      return `Model not loaded: ${source.modelId}.`;
  }
}

interface Props {
  model: ModelState;
  source: ModelSource;
  busyImages: number;
  onRetry(): void;
}

export function ModelStatus({ model, source, busyImages, onRetry }: Props) {
  const { loaded, total } = model.phase === 'loading' ? totals(model.files) : { loaded: 0, total: 0 };
  return (
    <section className="model-status" aria-label="Model">
      <p role="status" className="status-line">
        {statusText(model, source, busyImages)}
      </p>
      {model.phase === 'loading' && model.files.length > 0 && (
        <div className="downloads">
          <div className="download overall">
            <span className="download-name">All files</span>
            <progress aria-label="Model download" value={loaded} max={total || 1} />
            <span className="download-size">
              {formatBytes(loaded)} of {total > 0 ? formatBytes(total) : '…'}
              {total > 0 && ` (${Math.round((loaded / total) * 100)}%)`}
            </span>
          </div>
          <ul className="download-files">
            {model.files.map((file) => (
              <li key={file.file} className="download">
                <span className="download-name">{file.file}</span>
                <progress
                  aria-label={file.file}
                  value={file.done ? 1 : file.loaded}
                  max={file.done ? 1 : file.total || 1}
                />
                <span className="download-size">
                  {file.done
                    ? `${formatBytes(file.total || file.loaded)} done`
                    : `${formatBytes(file.loaded)} of ${file.total > 0 ? formatBytes(file.total) : '…'}`}
                  {!file.done && file.total > 0 && ` (${Math.round((file.loaded / file.total) * 100)}%)`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {model.phase === 'error' && (
        <div role="alert" className="error">
          <p>{loadErrorMessage(model.error, source)}</p>
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </section>
  );
}
