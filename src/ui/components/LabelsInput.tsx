import type { ParsedLabels } from '../../shared/labels.ts';
import { MAX_LABELS } from '../../shared/labels.ts';

interface Props {
  value: string;
  onChange(value: string): void;
  parsed: ParsedLabels;
}

function notices({ labels, duplicates, overLimit }: ParsedLabels): string[] {
  const out: string[] = [];
  if (duplicates.length > 0)
    out.push(`Merged duplicate label${duplicates.length === 1 ? '' : 's'}: ${duplicates.join(', ')}.`);
  if (overLimit > 0) out.push(`Only the first ${MAX_LABELS} labels are used; ${overLimit} more were left out.`);
  if (labels.length === 1) out.push('With a single label its score is always 100%: add another label to compare.');
  return out;
}

export function LabelsInput({ value, onChange, parsed }: Props) {
  const messages = notices(parsed);
  return (
    <div className="labels">
      <label htmlFor="labels-input" className="field-label">
        Candidate labels
      </label>
      <textarea
        id="labels-input"
        rows={3}
        value={value}
        placeholder="owl, fox, seagull"
        aria-describedby="labels-hint"
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
      />
      <p id="labels-hint" className="hint">
        Separate labels with commas or new lines; quote a label that contains a comma: <code>"salt, pepper"</code>.
      </p>
      <div aria-live="polite" className="notices">
        {messages.map((message) => (
          <p key={message} className="notice">
            {message}
          </p>
        ))}
        {parsed.labels.length === 0 && <p className="hint">Type at least two labels to classify your images.</p>}
      </div>
    </div>
  );
}
