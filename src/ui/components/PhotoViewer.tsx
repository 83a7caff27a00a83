import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { imageKey } from '../../shared/library.ts';
import { useI18n } from '../i18n/i18n.ts';
import { imageErrorMessage } from '../i18n/messages.ts';
import { rankedScores, type LibraryItem } from '../library/library-view.ts';
import { useSession } from '../hooks/use-session.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';
import { ScoreBars } from './ImageCard.tsx';
import { CorrectionSelect } from './CorrectionSelect.tsx';

interface Props {
  items: readonly LibraryItem[];
  index: number;
  labels: readonly string[];
  /** Why there are no scores yet, when nothing is being computed. */
  idleReason: string | null;
  onIndex(index: number): void;
  onClose(index: number): void;
  onCorrect(imageId: string, label: string | null): void;
  onMoreLike(imageId: string): void;
  onWhere(imageId: string, label: string): void;
}

/** A horizontal move of at least this many CSS pixels is a swipe to the next or previous photo. */
const SWIPE_PX = 50;

/** The original file as a picture URL, when the browser can show it; the thumbnail until then. */
function useFullPicture(imageId: string): string | null {
  const session = useSession();
  const [url, setUrl] = useState<{ id: string; url: string } | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let made: string | null = null;
    session.file(imageId, controller.signal).then(
      ({ file }) => {
        if (!file || controller.signal.aborted) return;
        made = URL.createObjectURL(file);
        setUrl({ id: imageId, url: made });
      },
      () => undefined, // The thumbnail stays: a file that cannot be read is said on its card.
    );
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [session, imageId]);
  return url?.id === imageId ? url.url : null;
}

/**
 * One photo large, with its ranked scores, its correction, `Where?` and `More like this`; Previous and
 * Next (arrow keys, swipe) step through the photos as the grid shows them. Escape gives the grid its place back.
 */
export function PhotoViewer(props: Props) {
  const { items, index, labels, idleReason, onIndex, onClose } = props;
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const swipe = useRef<number | null>(null);
  const item = items[Math.min(index, items.length - 1)];
  const [image] = item.images;
  const name = image.name;
  const thumbnail = useThumbnail(image);
  const full = useFullPicture(image.id);
  const [fullFailed, setFullFailed] = useState<string | null>(null);
  const ranked = useMemo(() => (item.result ? rankedScores(item.result) : []), [item.result]);
  const fresh = item.fresh ? item.result : undefined;
  const picture = full && fullFailed !== full ? full : thumbnail;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const step = (by: number) => {
    const next = Math.max(0, Math.min(items.length - 1, index + by));
    if (next !== index) onIndex(next);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    // Arrow keys in a form control (the correction menu) stay that control's own.
    if (event.target instanceof HTMLSelectElement || event.target instanceof HTMLInputElement) return;
    if (event.key === 'ArrowRight') step(1);
    else if (event.key === 'ArrowLeft') step(-1);
    else return;
    event.preventDefault();
  };
  const onPointerDown = (event: PointerEvent) => {
    swipe.current = event.clientX;
  };
  const onPointerUp = (event: PointerEvent) => {
    if (swipe.current === null) return;
    const dx = event.clientX - swipe.current;
    swipe.current = null;
    if (Math.abs(dx) >= SWIPE_PX) step(dx < 0 ? 1 : -1);
  };
  const top = item.correction ?? ranked[0]?.label ?? null;
  const headingId = 'viewer-title';

  return (
    <dialog
      ref={dialog}
      className="photo-viewer"
      aria-labelledby={headingId}
      onKeyDown={onKeyDown}
      onClose={() => onClose(index)}
    >
      <header className="viewer-head">
        <h2 id={headingId} title={imageKey(image)}>
          {name}
        </h2>
        <span className="hint">{t.photoPosition(index + 1, items.length)}</span>
        <button type="button" className="icon-button" aria-label={t.close} onClick={() => dialog.current?.close()}>
          ×
        </button>
      </header>
      <div className="viewer-body">
        <figure
          className="viewer-picture"
          onPointerDown={onPointerDown}
          onPointerUp={onPointerUp}
          onPointerCancel={() => (swipe.current = null)}
        >
          {picture ? (
            <img src={picture} alt={name} onError={() => full && setFullFailed(full)} />
          ) : (
            <span className="thumb-placeholder" aria-hidden="true" />
          )}
        </figure>
        <div className="viewer-side">
          {item.failure ? (
            <p role="alert" className="error">
              {imageErrorMessage(t, name, item.failure)}
            </p>
          ) : fresh ? (
            <ol className="scores" role="list" aria-label={t.scoresFor(name)}>
              <ScoreBars scores={ranked} />
            </ol>
          ) : (
            <p className="card-pending">{idleReason ?? t.classifying}</p>
          )}
          {item.noMatch && <p className="badge no-match-badge">{t.noMatchBadge}</p>}
          {fresh && (
            <div className="viewer-actions">
              <CorrectionSelect
                imageId={image.id}
                name={name}
                labels={labels}
                correction={item.correction}
                onCorrect={props.onCorrect}
              />
              {top && (
                <button
                  type="button"
                  className="secondary"
                  aria-label={t.whereLabel(top, name)}
                  onClick={() => props.onWhere(image.id, top)}
                >
                  {t.where}
                </button>
              )}
              <button
                type="button"
                className="secondary"
                aria-label={t.moreLike(name)}
                onClick={() => {
                  dialog.current?.close();
                  props.onMoreLike(image.id);
                }}
              >
                {t.moreLikeThis}
              </button>
            </div>
          )}
          {image.width > 0 && (
            <p className="card-size">
              {image.width} × {image.height} px
            </p>
          )}
        </div>
      </div>
      <nav className="viewer-nav" aria-label={t.photos}>
        <button type="button" className="secondary" disabled={index === 0} onClick={() => step(-1)}>
          {t.previous}
        </button>
        <button type="button" className="secondary" disabled={index >= items.length - 1} onClick={() => step(1)}>
          {t.next}
        </button>
      </nav>
    </dialog>
  );
}
