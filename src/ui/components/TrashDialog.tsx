import { useId, useRef, useState } from 'react';
import { TRASH_KEEP_MS, type TrashedImage } from '../../shared/trash.ts';
import { formatDateTime } from '../i18n/dates.ts';
import { useI18n } from '../i18n/i18n.ts';
import { useSession } from '../hooks/use-session.ts';
import { SmallThumbnail } from './SmallThumbnail.tsx';

const DAYS = Math.round(TRASH_KEEP_MS / 86_400_000);

/** The `Trash` button and its dialog: removed images, each with `Restore {name}`, and `Empty trash`. */
export function TrashDialog() {
  const { t, locale } = useI18n();
  const session = useSession();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<TrashedImage[] | null>(null);
  const [busy, setBusy] = useState(false);

  const open = () => {
    setItems(null);
    dialog.current?.showModal();
    session.listTrash().then(setItems, () => setItems([]));
  };
  const act = async (work: () => Promise<TrashedImage[]>) => {
    setBusy(true);
    try {
      setItems(await work());
    } finally {
      setBusy(false);
    }
  };
  const restore = (entry: TrashedImage) =>
    act(async () => {
      await session.restoreImages([entry.id]);
      return session.listTrash();
    });

  return (
    <>
      <button type="button" className="secondary" onClick={open}>
        {t.trash}
      </button>
      <dialog ref={dialog} className="confirm trash" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t.trashTitle}</h2>
        <p className="hint">{t.trashHint(DAYS)}</p>
        {items === null ? (
          <p aria-busy="true">…</p>
        ) : items.length === 0 ? (
          <p>{t.trashEmpty}</p>
        ) : (
          <ul className="trash-list" aria-label={t.trashTitle}>
            {items.map((entry) => (
              <li key={entry.id}>
                <SmallThumbnail image={entry.image} size={48} className="trash-thumb" />
                <span className="trash-name">
                  {entry.image.path ?? entry.image.name}
                  <span className="hint"> {t.trashedOn(formatDateTime(locale, entry.trashedAt))}</span>
                </span>
                <button type="button" className="secondary small" disabled={busy} onClick={() => void restore(entry)}>
                  {t.restore(entry.image.name)}
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-actions">
          <button
            type="button"
            className="danger"
            disabled={busy || !items || items.length === 0}
            onClick={() => void act(() => session.emptyTrash(null))}
          >
            {t.emptyTrash}
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            {t.close}
          </button>
        </div>
      </dialog>
    </>
  );
}
