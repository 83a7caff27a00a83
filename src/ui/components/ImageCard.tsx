import { memo, useMemo, useState, type CSSProperties } from 'react';
import { backendName } from '../../shared/backend.ts';
import { imageKey } from '../../shared/library.ts';
import { formatPercent } from '../../shared/scoring.ts';
import type { LabelScore } from '../../shared/types.ts';
import { useI18n } from '../i18n/i18n.ts';
import { rankedScores, type LibraryItem } from '../library/library-view.ts';
import { imageErrorMessage, imageNoteText } from '../i18n/messages.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';
import { CorrectionSelect } from './CorrectionSelect.tsx';

interface Props {
  item: LibraryItem;
  /** Why there is nothing to show yet, when nothing is being computed. */
  idleReason: string | null;
  /** The current labels: what a correction can choose from. */
  labels: readonly string[];
  selected: boolean;
  onSelect(id: string, selected: boolean): void;
  onRemove(ids: string[]): void;
  onCorrect(imageId: string, label: string | null): void;
  onMoreLike(imageId: string): void;
  onWhere(imageId: string, label: string): void;
  /** Its place in the grid as shown. */
  index: number;
  /** The grid's one tab stop (roving focus): this card's thumbnail when it holds it. */
  tabStop: boolean;
  /** A click or Enter on the thumbnail: opens the viewer, or selects with Shift / Ctrl / Cmd. */
  onActivate(index: number, modifiers: { shift: boolean; toggle: boolean }): void;
}

/** The bar is the item's own `::after` (its length from `--score`): three elements a label keep a big library's page light. */
export function ScoreBars({ scores }: { scores: LabelScore[] }) {
  return scores.map(({ label, score }, index) => (
    <li
      key={label}
      className={index === 0 ? 'score top' : 'score'}
      data-score={score}
      style={{ '--score': Math.max(0, Math.min(1, score)) } as CSSProperties}
    >
      <span className="score-label">{label}</span> <span className="score-value">{formatPercent(score)}</span>
    </li>
  ));
}

/** Long label lists show their top entries until the person asks for all of them. */
const LONG_LIST = 20;
const TOP_ENTRIES = 10;

/** One picture of the library: its thumbnail, every name it was added under, its ranked scores. */
export const ImageCard = memo(function ImageCard({
  item,
  idleReason,
  labels,
  selected,
  onSelect,
  onRemove,
  onCorrect,
  onMoreLike,
  onWhere,
  index,
  tabStop,
  onActivate,
}: Props) {
  const [showAll, setShowAll] = useState(false);
  const { t } = useI18n();
  const [image, ...twins] = item.images;
  const name = image.name;
  const thumbnail = useThumbnail(image);
  const ranked = useMemo(() => (item.result ? rankedScores(item.result) : []), [item.result]);
  const fresh = item.fresh ? item.result : undefined;
  const headingId = `card-${image.id}`;
  return (
    <article className="card" aria-labelledby={headingId} aria-busy={!fresh && !item.failure && !idleReason}>
      {/* The grid's controls are one tab stop: the thumbnail; the card's own controls are for pointers and the viewer. */}
      <button
        type="button"
        className={thumbnail ? 'thumb' : 'thumb thumb-empty'}
        tabIndex={tabStop ? 0 : -1}
        data-photo-index={index}
        // Named by the picture's alt text (the file name); before the thumbnail arrives, by the name itself.
        aria-label={thumbnail ? undefined : name}
        aria-pressed={selected}
        onClick={(event) => onActivate(index, { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey })}
      >
        {thumbnail ? (
          <img src={thumbnail} alt={name} decoding="async" />
        ) : (
          <span className="thumb-placeholder" aria-hidden="true">
            {item.failure ? '!' : ''}
          </span>
        )}
      </button>
      <div className="card-body">
        <header className="card-header">
          <input
            type="checkbox"
            className="card-select"
            tabIndex={-1}
            aria-label={t.select(name)}
            checked={selected}
            onChange={(event) => onSelect(image.id, event.target.checked)}
          />
          <h3 id={headingId} className="card-title" title={imageKey(image)}>
            {name}
          </h3>
          <button
            type="button"
            className="icon-button"
            tabIndex={-1}
            aria-label={t.remove(name)}
            onClick={() => onRemove(item.images.map((i) => i.id))}
          >
            ×
          </button>
        </header>
        {image.path && <p className="card-path hint">{image.path}</p>}
        {item.correction && <p className="badge corrected-badge">{t.correctedTo(item.correction)}</p>}
        {twins.length > 0 && <p className="card-twins hint">{t.alsoAddedAs(twins.map((twin) => imageKey(twin)))}</p>}
        {item.failure ? (
          <p role="alert" className="error">
            {imageErrorMessage(t, name, item.failure)}
          </p>
        ) : fresh ? (
          <>
            <ol className="scores" role="list" aria-label={t.scoresFor(name)}>
              <ScoreBars scores={showAll || ranked.length <= LONG_LIST ? ranked : ranked.slice(0, TOP_ENTRIES)} />
            </ol>
            {twins
              .filter((twin) => twin.name !== name)
              .map((twin) => (
                // The same scores under each other name the picture was added as: shown once, findable by every
                // name; text only (one element a label), since a picture added under many names must not weigh on the page.
                <ol key={twin.id} className="visually-hidden" role="list" aria-label={t.scoresFor(twin.name)}>
                  {(ranked.length <= LONG_LIST ? ranked : ranked.slice(0, TOP_ENTRIES)).map(({ label, score }) => (
                    <li key={label}>{`${label} ${formatPercent(score)}`}</li>
                  ))}
                </ol>
              ))}
            {ranked.length > LONG_LIST && (
              <button
                type="button"
                className="link-button"
                aria-expanded={showAll}
                onClick={() => setShowAll((value) => !value)}
              >
                {showAll ? t.showTop(TOP_ENTRIES) : t.showAll(ranked.length)}
              </button>
            )}
            {item.noMatch && <p className="badge no-match-badge">{t.noMatchBadge}</p>}
            <p className="card-meta">
              {fresh.cached ? t.fromLibrary : t.msPerImage(fresh.ms.toFixed(0), backendName(fresh.device))}
            </p>
            <div className="card-actions">
              <CorrectionSelect
                imageId={image.id}
                name={name}
                labels={labels}
                correction={item.correction}
                onCorrect={onCorrect}
                tabIndex={-1}
              />
              <button
                type="button"
                className="link-button"
                tabIndex={-1}
                aria-label={t.moreLike(name)}
                onClick={() => onMoreLike(image.id)}
              >
                {t.moreLikeThis}
              </button>
              {ranked.length > 0 && (
                <button
                  type="button"
                  className="link-button"
                  tabIndex={-1}
                  aria-label={t.whereLabel(item.correction ?? ranked[0].label, name)}
                  onClick={() => onWhere(image.id, item.correction ?? ranked[0].label)}
                >
                  {t.where}
                </button>
              )}
            </div>
          </>
        ) : (
          <>
            <p className="card-pending">{idleReason ?? t.classifying}</p>
            {item.result && (
              // Previous scores stay visible but dimmed, and hidden from assistive technology.
              <ol className="scores stale" aria-hidden="true">
                <ScoreBars scores={ranked.slice(0, TOP_ENTRIES)} />
              </ol>
            )}
          </>
        )}
        {image.width > 0 && (
          <p className="card-size">
            {image.width} × {image.height} px
          </p>
        )}
        {image.notes.map((note) => (
          <p key={note.kind} className="card-note">
            {imageNoteText(t, note)}
          </p>
        ))}
      </div>
    </article>
  );
});
