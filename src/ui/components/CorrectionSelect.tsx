import { useI18n } from '../i18n/i18n.ts';

interface Props {
  imageId: string;
  name: string;
  /** The current labels: what a correction can choose from. */
  labels: readonly string[];
  correction: string | null;
  onCorrect(imageId: string, label: string | null): void;
  /** -1 on a card, whose controls are for pointers (the grid's one tab stop is the thumbnail). */
  tabIndex?: number;
}

/** `Correct label for {file name}`: one of the current labels, or back to the model's own ranking. */
export function CorrectionSelect({ imageId, name, labels, correction, onCorrect, tabIndex }: Props) {
  const { t } = useI18n();
  return (
    <select
      className="correct"
      tabIndex={tabIndex}
      aria-label={t.correctLabelFor(name)}
      value={correction ?? ''}
      onChange={(event) => onCorrect(imageId, event.target.value === '' ? null : event.target.value)}
    >
      <option value="">{correction ? t.undoCorrection : t.correctPrompt}</option>
      {labels.map((label) => (
        <option key={label} value={label}>
          {label}
        </option>
      ))}
    </select>
  );
}
