import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { filesFromDrop } from '../library/image-sources.ts';
import type { FileToAdd } from '../session/classifier-session.ts';
import { inSlices } from '../../shared/slices.ts';

/** Files handed to the library per frame when many are chosen at once. */
const FILES_PER_SLICE = 200;

interface Props {
  /** A one-line zone above a library that has images; the full invitation when it is empty. */
  compact: boolean;
  onFiles(files: FileToAdd[]): void;
  /** A dropped folder, as a handle the library keeps (where the browser gives one). */
  onFolder(handle: FileSystemDirectoryHandle): Promise<void>;
  /** Files in dropped folders that were not images and were left out. */
  onSkipped(count: number): void;
}

/**
 * Takes images from the file picker or dropped anywhere on the page (a drop outside the zone
 * must not navigate away and lose the page). The zone itself is focusable: Enter opens the picker.
 */
export function DropZone({ compact, onFiles, onFolder, onSkipped }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const { t } = useI18n();
  const handlers = useRef({ onFiles, onFolder, onSkipped });
  useEffect(() => {
    handlers.current = { onFiles, onFolder, onSkipped };
  }, [onFiles, onFolder, onSkipped]);

  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!event.dataTransfer || !hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      // Entries and handles must be taken during the event; folders are then kept or walked.
      void filesFromDrop(event.dataTransfer).then(({ files, folders, skipped }) => {
        handlers.current.onFiles(files);
        for (const folder of folders) void handlers.current.onFolder(folder);
        handlers.current.onSkipped(skipped);
      });
    };
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('dragover', onDragOver);
      document.removeEventListener('dragleave', onDragLeave);
      document.removeEventListener('drop', onDrop);
    };
  }, []);

  const openPicker = () => input.current?.click();
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openPicker();
    }
  };

  return (
    <div className={compact ? 'dropzone-wrap compact' : 'dropzone-wrap'}>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        role="button"
        tabIndex={0}
        aria-label={t.dropZone}
        onClick={openPicker}
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
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept="image/*"
        multiple
        tabIndex={-1}
        aria-label={t.addImages}
        onChange={(event) => {
          const chosen = [...(event.target.files ?? [])];
          // Cleared so that choosing the same file again still fires a change.
          event.target.value = '';
          // In slices across frames so that thousands of files never hold one frame.
          void inSlices(chosen, FILES_PER_SLICE, (slice) =>
            handlers.current.onFiles(slice.map((file) => ({ file, path: null }))),
          );
        }}
      />
    </div>
  );
}
