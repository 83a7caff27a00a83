import { useId, useMemo, useRef, useSyncExternalStore } from 'react';
import { formatBytes } from '../../shared/format.ts';
import type { LibraryImage } from '../../shared/library.ts';
import { formatDateTime } from '../i18n/dates.ts';
import { useI18n } from '../i18n/i18n.ts';
import { useSession, useSessionValue } from '../hooks/use-session.ts';
import { SmallThumbnail } from './SmallThumbnail.tsx';

/** `Find duplicates` and its dialog: groups of the same or look-alike photos, each with `Keep {name}`. */
export function DuplicatesDialog() {
  const { t, locale } = useI18n();
  const session = useSession();
  const part = session.duplicates;
  const { cutoff, groups, busy, failure } = useSyncExternalStore(part.subscribe, part.getSnapshot);
  const images = useSessionValue((snapshot) => snapshot.images);
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  // Images removed since the groups were found drop out; a group left with one photo is no group.
  // The button is always on the page, so the library is only walked when there are groups to show.
  const shown = useMemo(() => {
    if (!groups?.length) return [];
    const byId = new Map(images.map((image) => [image.id, image]));
    return groups
      .map((group) => group.flatMap((imageId) => byId.get(imageId) ?? []))
      .filter((group) => group.length > 1);
  }, [groups, images]);

  const open = () => {
    dialog.current?.showModal();
    void part.find();
  };
  const keep = async (image: LibraryImage, group: LibraryImage[]) => {
    await session.removeImages(group.filter((other) => other.id !== image.id).map((other) => other.id));
  };

  return (
    <>
      <button type="button" className="secondary" onClick={open}>
        {t.findDuplicates}
      </button>
      <dialog ref={dialog} className="confirm duplicates" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t.duplicateGroups}</h2>
        <p className="hint">{t.duplicatesHint}</p>
        <label className="duplicate-cutoff">
          {t.duplicateCutoff}{' '}
          <input
            type="range"
            min={0.8}
            max={1}
            step={0.001}
            value={cutoff}
            onChange={(event) => part.setCutoff(Number(event.currentTarget.value))}
          />{' '}
          <output>{cutoff.toFixed(3)}</output>
        </label>
        <p className="hint">{t.duplicateCutoffHint(cutoff.toFixed(3))}</p>
        {failure ? (
          <p role="alert" className="notice error">
            {t.duplicatesFailed('detail' in failure ? String(failure.detail) : failure.code)}
          </p>
        ) : groups === null ? (
          <p aria-busy="true">…</p>
        ) : shown.length === 0 ? (
          <p>{t.noDuplicates}</p>
        ) : (
          <ul className="duplicate-groups" aria-label={t.duplicateGroups} aria-busy={busy}>
            {shown.map((group) => (
              <li key={group[0].id} aria-label={t.duplicateGroup(group.length)}>
                <ul className="duplicate-photos">
                  {group.map((image) => (
                    <li key={image.id}>
                      <SmallThumbnail image={image} size={64} className="duplicate-thumb" />
                      <span className="duplicate-name">
                        {image.path ?? image.name}
                        <span className="hint">
                          {' '}
                          {formatBytes(image.size)} · {formatDateTime(locale, image.lastModified)}
                        </span>
                      </span>
                      <button type="button" className="secondary small" onClick={() => void keep(image, group)}>
                        {t.keepOnly(image.name)}
                      </button>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            {t.close}
          </button>
        </div>
      </dialog>
    </>
  );
}
