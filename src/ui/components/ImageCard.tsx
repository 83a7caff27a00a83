import { memo, useState } from 'react';
import { backendName } from '../../shared/backend.ts';
import { formatPercent } from '../../shared/scoring.ts';
import type { LabelScore } from '../../shared/types.ts';
import { useI18n } from '../i18n.ts';
import { imageErrorMessage, imageNoteText } from '../messages.ts';
import type { ImageEntry } from '../use-classifier.ts';

interface Props {
  image: ImageEntry;
  resultKey: string;
  /** Why there is nothing to show yet, when nothing is being computed. */
  idleReason: string | null;
  onRemove(id: string): void;
}

function ScoreBars({ scores }: { scores: LabelScore[] }) {
  return scores.map(({ label, score }, index) => (
    <li key={label} className={index === 0 ? 'score top' : 'score'} data-score={score}>
      <span className="score-label">{label}</span> <span className="score-value">{formatPercent(score)}</span>
      <span className="score-bar" aria-hidden="true">
        <span className="score-fill" style={{ width: `${Math.max(0, Math.min(1, score)) * 100}%` }} />
      </span>
    </li>
  ));
}

/** Long label lists show their top entries until the person asks for all of them. */
const LONG_LIST = 20;
const TOP_ENTRIES = 10;

/** Memoised: with many images, a result for one card must not re-render the others. */
export const ImageCard = memo(function ImageCard({ image, resultKey, idleReason, onRemove }: Props) {
  const [showAll, setShowAll] = useState(false);
  const { t } = useI18n();
  const fresh = image.result?.key === resultKey ? image.result : undefined;
  const stale = !fresh && image.result ? image.result : undefined;
  return (
    <article className="card" aria-labelledby={`${image.id}-name`} aria-busy={!fresh && !image.failure && !idleReason}>
      <div className="thumb">
        <img src={image.url} alt={image.name} loading="lazy" decoding="async" />
      </div>
      <div className="card-body">
        <header className="card-header">
          <h3 id={`${image.id}-name`} className="card-title" title={image.name}>
            {image.name}
          </h3>
          <button
            type="button"
            className="icon-button"
            aria-label={t.remove(image.name)}
            onClick={() => onRemove(image.id)}
          >
            ×
          </button>
        </header>
        {image.failure ? (
          <p role="alert" className="error">
            {imageErrorMessage(t, image.name, image.failure)}
          </p>
        ) : fresh ? (
          <>
            <ol className="scores" role="list" aria-label={t.scoresFor(image.name)}>
              <ScoreBars
                scores={showAll || fresh.scores.length <= LONG_LIST ? fresh.scores : fresh.scores.slice(0, TOP_ENTRIES)}
              />
            </ol>
            {fresh.scores.length > LONG_LIST && (
              <button
                type="button"
                className="link-button"
                aria-expanded={showAll}
                onClick={() => setShowAll((value) => !value)}
              >
                {showAll ? t.showTop(TOP_ENTRIES) : t.showAll(fresh.scores.length)}
              </button>
            )}
            <p className="card-meta">{t.msPerImage(fresh.ms.toFixed(0), backendName(fresh.device))}</p>
            {fresh.width > 0 && (
              <p className="card-size">
                {fresh.width} × {fresh.height} px
              </p>
            )}
            {fresh.notes.map((note) => (
              <p key={note.kind} className="card-note">
                {imageNoteText(t, note)}
              </p>
            ))}
          </>
        ) : (
          <>
            <p className="card-pending">{idleReason ?? t.classifying}</p>
            {stale && (
              // Previous scores stay visible but dimmed, and hidden from assistive technology.
              <ol className="scores stale" aria-hidden="true">
                <ScoreBars scores={stale.scores} />
              </ol>
            )}
          </>
        )}
      </div>
    </article>
  );
});
