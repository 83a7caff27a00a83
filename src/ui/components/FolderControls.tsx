import { useRef, useState } from 'react';
import type { LibraryFolder } from '../../shared/library.ts';
import { useI18n } from '../i18n/i18n.ts';
import { looksLikeImage } from '../library/image-sources.ts';
import type { FileToAdd } from '../session/classifier-session.ts';
import { RequestError } from '../session/worker-client.ts';

interface Props {
  folders: readonly LibraryFolder[];
  onFolder(handle: FileSystemDirectoryHandle): Promise<void>;
  /** A folder picked where the File System Access API is missing: its files, with their paths. */
  onFiles(files: FileToAdd[], skipped: number): void;
  onRescan(folderId: string): Promise<{ added: number; removed: number; moved: number }>;
}

/**
 * "Open folder": the File System Access API's directory picker where the browser has it (the
 * handle is kept, so the folder can be rescanned on a later visit), a `webkitdirectory` input
 * elsewhere. Kept folders are listed with Rescan.
 */
export function FolderControls({ folders, onFolder, onFiles, onRescan }: Props) {
  const { t } = useI18n();
  const [message, setMessage] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // A button, so a keyboard opens the same picker as a click: the one whose handle is kept for Rescan.
  const pick = () => {
    const picker = window.showDirectoryPicker;
    if (!picker) {
      input.current?.click();
      return;
    }
    picker
      .call(window, { id: 'library', mode: 'read' })
      .then((handle) => onFolder(handle))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setMessage(error instanceof Error ? error.message : String(error));
      });
  };

  const rescan = (folder: LibraryFolder) => {
    setMessage(null);
    onRescan(folder.id).then(
      ({ added, removed, moved }) => setMessage(t.rescanned(folder.name, added, removed, moved)),
      (error: unknown) =>
        setMessage(
          error instanceof RequestError && error.failure.code === 'permission-needed'
            ? t.folderPermission(folder.name)
            : error instanceof Error
              ? error.message
              : String(error),
        ),
    );
  };

  return (
    <div className="folder-controls">
      <button type="button" className="secondary" onClick={pick}>
        {t.openFolder}
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        // Named for `getByLabel` and form tools, but not a second "Open folder" button to assistive technology.
        aria-hidden="true"
        aria-label={t.openFolder}
        // A directory picker: the folder's files arrive with their paths inside it.
        {...{ webkitdirectory: '' }}
        multiple
        onChange={(event) => {
          const picked = [...(event.target.files ?? [])];
          event.target.value = '';
          const images = picked.filter(looksLikeImage);
          onFiles(
            images.map((file) => ({ file, path: file.webkitRelativePath || null })),
            picked.length - images.length,
          );
        }}
      />
      {folders.length > 0 && (
        <ul className="folder-list" aria-label={t.folders}>
          {folders.map((folder) => (
            <li key={folder.id}>
              <span>{t.folderEntry(folder.name, folder.images)}</span>
              <button
                type="button"
                className="secondary small"
                aria-label={t.rescanFolder(folder.name)}
                onClick={() => rescan(folder)}
              >
                {t.rescan}
              </button>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p className="notice" aria-live="polite">
          {message}
        </p>
      )}
    </div>
  );
}
