import { useId, useRef } from 'react';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  canExport: boolean;
  onExport(format: 'csv' | 'json'): void;
  imageCount: number;
  onClear(): void;
}

/** Export of the scores (the selection's, when there is one) and `Clear all` with its confirmation. */
export function ExportTools({ canExport, onExport, imageCount, onClear }: Props) {
  const { t } = useI18n();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <div className="export-tools">
      <button type="button" className="secondary" disabled={!canExport} onClick={() => onExport('csv')}>
        {t.exportCsv}
      </button>
      <button type="button" className="secondary" disabled={!canExport} onClick={() => onExport('json')}>
        {t.exportJson}
      </button>
      <button type="button" className="secondary" onClick={() => dialog.current?.showModal()}>
        {t.clearAll}
      </button>
      <dialog ref={dialog} className="confirm" aria-labelledby={`${id}-clear-title`}>
        <form method="dialog">
          <h2 id={`${id}-clear-title`}>{t.clearLibraryTitle}</h2>
          <p>{t.clearLibraryBody(imageCount)}</p>
          <div className="dialog-actions">
            <button type="submit" value="cancel" className="secondary">
              {t.cancel}
            </button>
            <button type="submit" value="clear" className="danger" onClick={onClear}>
              {t.clearLibraryConfirm}
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
