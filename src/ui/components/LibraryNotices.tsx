import { useI18n } from '../i18n/i18n.ts';
import { writeFailureMessage } from '../i18n/messages.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';

/**
 * What the library's storage says: failed writes at once (an alert naming what was not kept),
 * and `Undo` right after a removal (the `Trash` button is among the tools).
 */
export function LibraryNotices() {
  const { t } = useI18n();
  const session = useSession();
  const failures = useSessionValue((snapshot) => snapshot.writeFailures);
  const removal = useSessionValue((snapshot) => snapshot.lastRemoval);
  return (
    <div className="library-notices">
      {failures.map((failure, i) => (
        <p key={i} role="alert" className="notice error">
          {writeFailureMessage(t, failure)}{' '}
          <button type="button" className="secondary small" onClick={() => session.dismissWriteFailure(failure)}>
            {t.dismiss}
          </button>
        </p>
      ))}
      <div className="trash-bar" aria-live="polite">
        {removal && (
          <p className="notice">
            {t.movedToTrash(removal.ids.length)}{' '}
            <button type="button" className="secondary small" onClick={() => void session.undoRemoval()}>
              {t.undo}
            </button>
          </p>
        )}
      </div>
    </div>
  );
}
