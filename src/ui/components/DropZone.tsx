import type { KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  /** An icon in the top bar over a library that has images; the full invitation when it is empty. */
  compact: boolean;
  /** Files are being dragged over the page. */
  dragging: boolean;
  /** Opens the file picker (one input for the page, so it never moves while files are chosen). */
  onOpen(): void;
}

/** The visible place to drop or choose images; drops are taken anywhere on the page (usePageDrop). */
export function DropZone({ compact, dragging, onOpen }: Props) {
  const { t } = useI18n();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen();
    }
  };

  return (
    <div className={compact ? 'dropzone-wrap compact' : 'dropzone-wrap'}>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        role="button"
        tabIndex={0}
        aria-label={t.dropZone}
        onClick={onOpen}
        onKeyDown={onKeyDown}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="dropzone-icon">
          <path d="M12 16V4m0 0-4 4m4-4 4 4M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3" />
        </svg>
        <p className="dropzone-title">{t.dropTitle}</p>
        <p className="dropzone-hint">
          {t.dropHintBefore}
          <span className="link-like">{t.chooseFiles}</span>
          {t.dropHintAfter}
        </p>
      </div>
    </div>
  );
}
