import { useId } from 'react';
import { MAX_CUTOFF } from '../../shared/settings.ts';
import { useI18n } from '../i18n/i18n.ts';

interface Props {
  cutoff: number;
  onCutoff(cutoff: number): void;
  matched: number;
  noMatch: number;
}

/**
 * The "no match" rule as a control: an image fits none of the labels when its best label does not
 * lead a generic prompt ("a photo of a something.") by the cutoff, in the model's own logits.
 * Counts on each side follow the slider as it moves.
 */
export function NoMatchControl({ cutoff, onCutoff, matched, noMatch }: Props) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="no-match">
      <label htmlFor={`${id}-cutoff`} className="field-label">
        {t.noMatchCutoff}
      </label>
      <input
        id={`${id}-cutoff`}
        type="range"
        min={-MAX_CUTOFF}
        max={MAX_CUTOFF}
        step={0.5}
        value={cutoff}
        aria-describedby={`${id}-explained`}
        aria-valuetext={t.cutoffValue(cutoff)}
        onChange={(event) => onCutoff(Number(event.target.value))}
      />
      {/* Not an <output>: that is a second status role, and the page has one status line. */}
      <span className="no-match-counts" aria-live="polite">
        {t.matchCounts(matched, noMatch)}
      </span>
      <p id={`${id}-explained`} className="hint">
        {t.noMatchExplained}
      </p>
    </div>
  );
}
