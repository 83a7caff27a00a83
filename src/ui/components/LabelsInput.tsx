import type { ParsedLabels } from '../../shared/labels.ts';
import { MAX_LABEL_LENGTH, MAX_LABELS } from '../../shared/labels.ts';
import { MAX_LINK_LABELS } from '../../shared/settings.ts';
import { useI18n, type Messages } from '../i18n/i18n.ts';

interface Props {
  value: string;
  onChange(value: string): void;
  parsed: ParsedLabels;
}

function notices(t: Messages, { labels, duplicates, overLimit, tooLong }: ParsedLabels): string[] {
  const out: string[] = [];
  if (tooLong.length > 0) out.push(t.labelsTooLong(tooLong, MAX_LABEL_LENGTH));
  if (duplicates.length > 0) out.push(t.mergedDuplicates(duplicates));
  if (overLimit > 0) out.push(t.overLimit(MAX_LABELS, overLimit));
  if (labels.length === 1) out.push(t.singleLabel);
  return out;
}

export function LabelsInput({ value, onChange, parsed }: Props) {
  const { t } = useI18n();
  const messages = notices(t, parsed);
  return (
    <div className="labels">
      <label htmlFor="labels-input" className="visually-hidden">
        {t.labels}
      </label>
      <textarea
        id="labels-input"
        rows={1}
        value={value}
        placeholder="owl, fox, seagull"
        aria-describedby="labels-hint"
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id="labels-hint" className="visually-hidden">
        {t.labelsHint} <code>"salt, pepper"</code>.
      </p>
      <div aria-live="polite" className="notices">
        {value.length > MAX_LINK_LABELS && <p className="notice">{t.labelsNotKept(MAX_LINK_LABELS)}</p>}
        {messages.map((message) => (
          <p key={message} className="notice">
            {message}
          </p>
        ))}
        {parsed.labels.length === 0 && <p className="hint">{t.noLabels}</p>}
      </div>
    </div>
  );
}
