import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { effectiveLabel, rankedScores, type LibraryItem } from '../library/library-view.ts';
import { refusal, sortTarget } from '../library/save-destination.ts';
import {
  downloadSortedZip,
  placements,
  saveIntoFolders,
  type FileSource,
  type SaveFailure,
  type SaveProgress,
} from '../library/sort-into-folders.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';
import { downloadTags } from '../library/xmp-sidecars.ts';

interface Props {
  /** The photos to act on, read when an action starts (the newest scores, the selection if any). */
  items(): readonly LibraryItem[];
  /** SigLIP's "any that apply": tags are every label above one half, not the top one only. */
  independent: boolean;
}

/** Files above this go straight to a file the person picks (where the browser can), not through a download. */
const STREAM_TO_DISK_BYTES = 256 * 1024 * 1024;

/** Failed files named in the summary; the rest are counted. */
const NAMED_FAILURES = 10;

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

function failureList(failed: readonly SaveFailure[]): string {
  const named = failed.slice(0, NAMED_FAILURES).map(({ path, reason }) => `${path} (${reason})`);
  return failed.length > NAMED_FAILURES ? `${named.join(', ')} … +${failed.length - NAMED_FAILURES}` : named.join(', ');
}

/** Sorting the library into `{label}/` folders: a streamed ZIP, a real folder, or XMP keyword sidecars. */
export function SortActions({ items, independent }: Props) {
  const { t } = useI18n();
  const session = useSession();
  const libraryFolders = useSessionValue((snapshot) => snapshot.library.folders);
  const [progress, setProgress] = useState<SaveProgress | null>(null);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  /** The save or ZIP under way, for its cancel button and the leave-page guard. */
  const [running, setRunning] = useState<AbortController | null>(null);
  const runningRef = useRef<AbortController | null>(null);
  const source: FileSource = (image) => session.file(image.id);
  const noMatch = t.noMatchFolder;

  useEffect(() => {
    if (!running) return;
    // Leaving mid-save would stop it with some files written and no summary of which.
    const guard = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [running]);

  /** Runs one save or ZIP at a time, with a cancel while it runs. */
  const run = async (work: (signal: AbortSignal) => Promise<void>) => {
    if (runningRef.current) return;
    const controller = new AbortController();
    runningRef.current = controller;
    setRunning(controller);
    try {
      await work(controller.signal);
    } finally {
      runningRef.current = null;
      setRunning(null);
      setProgress(null);
    }
  };

  const zip = () =>
    run(async (signal) => {
      setMessage(null);
      const plan = placements(items(), noMatch);
      const bytes = plan.reduce((sum, { image }) => sum + image.size, 0);
      let toDisk: FileSystemWritableFileStream | null = null;
      if (bytes > STREAM_TO_DISK_BYTES && 'showSaveFilePicker' in window) {
        const picker = (window as unknown as { showSaveFilePicker(o: object): Promise<FileSystemFileHandle> })
          .showSaveFilePicker;
        toDisk = await (await picker({ suggestedName: `library-${stamp()}.zip` })).createWritable();
      }
      try {
        const outcome = await downloadSortedZip(plan, source, `library-${stamp()}.zip`, { toDisk, signal });
        setMessage({ text: t.zipDone(outcome.files, outcome.copies, outcome.missing), failed: outcome.missing > 0 });
      } catch (error) {
        if (!signal.aborted) throw error;
        setMessage({ text: t.zipCancelled, failed: true });
      }
    });

  const save = async () => {
    setMessage(null);
    const picker = window.showDirectoryPicker;
    if (!picker || runningRef.current) return;
    const picked = await picker.call(window, { id: 'sorted', mode: 'readwrite' });
    const refused = await refusal(picked, libraryFolders);
    if (refused) {
      const same = refused.kind === 'library-folder';
      setMessage({ text: t.destinationInLibrary(picked.name, refused.folder, same), failed: true });
      return;
    }
    await run(async (signal) => {
      const plan = placements(items(), noMatch);
      const target = await sortTarget(picked, [...new Set(plan.map((p) => p.folder))], libraryFolders, new Date());
      setProgress({ done: 0, total: plan.length });
      const outcome = await saveIntoFolders(target.handle, plan, source, setProgress, signal);
      const text = [
        outcome.cancelled
          ? t.saveCancelled(outcome.written)
          : t.savedIntoFolders(
              outcome.written,
              outcome.folders,
              target.path,
              outcome.copies,
              outcome.skipped,
              outcome.renamed,
            ),
        outcome.failed.length > 0 ? t.saveFailedFiles(outcome.failed.length, failureList(outcome.failed)) : '',
      ];
      const failed = outcome.cancelled || outcome.skipped > 0 || outcome.failed.length > 0;
      setMessage({ text: text.filter(Boolean).join(' '), failed });
    });
  };

  const tags = async () => {
    const outcome = await downloadTags(
      items().filter((item) => item.fresh || item.correction),
      (item) => {
        const label = effectiveLabel(item);
        if (!independent || !item.result) return label ? [label] : [];
        const many = rankedScores(item.result)
          .filter(({ score }) => score >= 0.5)
          .map(({ label }) => label);
        return item.correction ? [...new Set([item.correction, ...many])] : many;
      },
      libraryFolders,
      `tags-${stamp()}.zip`,
    );
    setMessage({
      text: t.tagsDone(outcome.files, outcome.merged, outcome.leftOut, outcome.unchecked),
      failed: outcome.leftOut > 0,
    });
  };

  const failed = (error: unknown) => {
    if (isAbort(error)) return;
    setProgress(null);
    setMessage({ text: t.sortFailed(error instanceof Error ? error.message : String(error)), failed: true });
  };

  return (
    <div className="sort-actions">
      <button type="button" className="secondary" disabled={!!running} onClick={() => void zip().catch(failed)}>
        {t.downloadZip}
      </button>
      {typeof window.showDirectoryPicker === 'function' && (
        <button type="button" className="secondary" disabled={!!running} onClick={() => void save().catch(failed)}>
          {t.saveIntoFolders}
        </button>
      )}
      <button type="button" className="secondary" onClick={() => void tags().catch(failed)}>
        {t.exportTags}
      </button>
      {running && (
        <button type="button" className="secondary" onClick={() => running.abort()}>
          {t.cancelSaving}
        </button>
      )}
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
