import { useState } from 'react';
import { formatBytes } from '../../shared/format.ts';
import { useI18n } from '../i18n/i18n.ts';
import { restoreFailureMessage } from '../i18n/messages.ts';
import { pickTarget, saveStream } from '../library/save-stream.ts';
import { RequestError } from '../session/worker-client.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

type Status = { text: string; kind: 'progress' | 'done' | 'failed' };

/** `Export library` (one backup ZIP, kept copies optional) and `Import library` (restores one, merging). */
export function BackupControls() {
  const { t } = useI18n();
  const session = useSession();
  const images = useSessionValue((snapshot) => snapshot.images.length);
  const [includeFiles, setIncludeFiles] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | null>(null);

  const exportNow = async () => {
    setBusy(true);
    try {
      const fileName = `library-backup-${stamp()}.zip`;
      // Chosen before the worker starts: a cancelled picker leaves nothing running.
      const target = await pickTarget(fileName, await session.librarySize());
      setStatus({ text: t.exportingLibrary, kind: 'progress' });
      const bytes = await saveStream(await session.exportLibrary(includeFiles), fileName, target);
      setStatus({ text: t.libraryExported(images, formatBytes(bytes)), kind: 'done' });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') setStatus(null);
      else setStatus({ text: t.exportFailed(error instanceof Error ? error.message : String(error)), kind: 'failed' });
    } finally {
      setBusy(false);
    }
  };

  const importNow = async (file: File) => {
    setBusy(true);
    setStatus({ text: t.restoringLibrary(file.name), kind: 'progress' });
    try {
      const outcome = await session.importLibrary(file);
      const parts = [t.libraryRestored(outcome.images, outcome.duplicates, outcome.corrections)];
      if (outcome.skipped > 0) parts.push(t.restoreSkipped(outcome.skipped));
      if (outcome.folders.length > 0) parts.push(t.restoreFolders(outcome.folders));
      setStatus({ text: parts.join(' '), kind: 'done' });
    } catch (error) {
      const failure =
        error instanceof RequestError
          ? error.failure
          : { code: 'failed' as const, detail: error instanceof Error ? error.message : String(error) };
      setStatus({ text: restoreFailureMessage(t, file.name, failure), kind: 'failed' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="backup-controls" role="group" aria-label={t.backup}>
      <button type="button" className="secondary" disabled={busy || images === 0} onClick={() => void exportNow()}>
        {t.exportLibrary}
      </button>
      <label className="inline-field">
        <input type="checkbox" checked={includeFiles} onChange={(event) => setIncludeFiles(event.target.checked)} />
        {t.includeKeptCopies}
      </label>
      <label className={busy ? 'button secondary disabled' : 'button secondary'}>
        {t.importLibrary}
        <input
          type="file"
          className="visually-hidden"
          accept=".zip,application/zip"
          disabled={busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void importNow(file);
          }}
        />
      </label>
      {status && (
        // Not role="status": the page has one status element (the model's); this is a polite live region.
        <p
          className={status.kind === 'failed' ? 'notice error' : 'notice'}
          {...(status.kind === 'failed' ? { role: 'alert' } : { 'aria-live': 'polite' as const })}
        >
          {status.text}
        </p>
      )}
    </div>
  );
}
