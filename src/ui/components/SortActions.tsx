import { useState } from 'react';
import { useI18n } from '../i18n.ts';
import { effectiveLabel, rankedScores, type LibraryItem } from '../library-view.ts';
import {
  downloadSortedZip,
  downloadTags,
  placements,
  saveIntoFolders,
  type FileSource,
  type SaveProgress,
} from '../sort-into-folders.ts';
import { useSession } from '../use-session.ts';

interface Props {
  items: readonly LibraryItem[];
  /** SigLIP's "any that apply": tags are every label above one half, not the top one only. */
  independent: boolean;
}

/** Files above this go straight to a file the person picks (where the browser can), not through a download. */
const STREAM_TO_DISK_BYTES = 256 * 1024 * 1024;

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/** Sorting the library into `{label}/` folders: a streamed ZIP, a real folder, or XMP keyword sidecars. */
export function SortActions({ items, independent }: Props) {
  const { t } = useI18n();
  const session = useSession();
  const [progress, setProgress] = useState<SaveProgress | null>(null);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const source: FileSource = (image) => session.file(image.id);
  const noMatch = t.noMatchFolder;

  const zip = async () => {
    setMessage(null);
    const plan = placements(items, noMatch);
    const bytes = plan.reduce((sum, { image }) => sum + image.size, 0);
    let toDisk: FileSystemWritableFileStream | null = null;
    if (bytes > STREAM_TO_DISK_BYTES && 'showSaveFilePicker' in window) {
      const picker = (window as unknown as { showSaveFilePicker(o: object): Promise<FileSystemFileHandle> })
        .showSaveFilePicker;
      toDisk = await (await picker({ suggestedName: `library-${stamp()}.zip` })).createWritable();
    }
    const outcome = await downloadSortedZip(plan, source, `library-${stamp()}.zip`, { toDisk });
    setMessage({ text: t.zipDone(outcome.files, outcome.copies, outcome.missing), failed: outcome.missing > 0 });
  };

  const save = async () => {
    setMessage(null);
    const picker = window.showDirectoryPicker;
    if (!picker) return;
    const root = await picker.call(window, { id: 'sorted', mode: 'readwrite' });
    const plan = placements(items, noMatch);
    setProgress({ done: 0, total: plan.length });
    try {
      const outcome = await saveIntoFolders(root, plan, source, setProgress);
      setMessage({
        text: t.savedIntoFolders(outcome.files, outcome.folders, root.name, outcome.copies, outcome.missing),
        failed: outcome.missing > 0,
      });
    } finally {
      setProgress(null);
    }
  };

  const tags = async () => {
    const count = await downloadTags(
      items.filter((item) => item.fresh || item.correction),
      (item) => {
        const label = effectiveLabel(item);
        if (!independent || !item.result) return label ? [label] : [];
        const many = rankedScores(item.result)
          .filter(({ score }) => score >= 0.5)
          .map(({ label }) => label);
        return item.correction ? [...new Set([item.correction, ...many])] : many;
      },
      `tags-${stamp()}.zip`,
    );
    setMessage({ text: t.tagsDone(count), failed: false });
  };

  const failed = (error: unknown) => {
    if (error instanceof DOMException && error.name === 'AbortError') return;
    setProgress(null);
    setMessage({ text: t.sortFailed(error instanceof Error ? error.message : String(error)), failed: true });
  };

  return (
    <div className="sort-actions">
      <button type="button" className="secondary" onClick={() => void zip().catch(failed)}>
        {t.downloadZip}
      </button>
      {typeof window.showDirectoryPicker === 'function' && (
        <button type="button" className="secondary" onClick={() => void save().catch(failed)}>
          {t.saveIntoFolders}
        </button>
      )}
      <button type="button" className="secondary" onClick={() => void tags().catch(failed)}>
        {t.exportTags}
      </button>
      {progress && (
        <span className="save-progress">
          <progress aria-label={t.savingIntoFolders} value={progress.done} max={progress.total} />{' '}
          {t.ofCount(progress.done, progress.total)}
        </span>
      )}
      {message && (
        <p className={message.failed ? 'notice warning' : 'notice'} aria-live="polite">
          {message.text}
        </p>
      )}
    </div>
  );
}
