/**
 * Turns what a person types into candidate labels: split on commas (also full-width `，` and `、`)
 * and newlines, trimmed, empties dropped, duplicates merged. A label that contains a comma can be
 * quoted: `"salt, pepper"`.
 */

export const MAX_LABELS = 1000;
/**
 * The longest label, in characters: CLIP reads at most 77 tokens, and a huge label is slow to
 * tokenise (docs/performance.md, "Figures behind the code"). A longer label is left out (cut, it would score a text the person did not write).
 */
export const MAX_LABEL_LENGTH = 300;

/** A label left out for its length: its first characters, and its length in characters. */
export interface LongLabel {
  start: string;
  length: number;
}

export interface ParsedLabels {
  labels: string[];
  /** Labels typed more than once (compared ignoring case and spacing), as first typed. */
  duplicates: string[];
  /** How many labels beyond `MAX_LABELS` were left out. */
  overLimit: number;
  /** Labels longer than `MAX_LABEL_LENGTH`, left out. */
  tooLong: LongLabel[];
}

const SEPARATORS = new Set([',', '，', '、', '\n', '\r']);
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」' };

/**
 * The labels' texts, untrimmed. Text is copied a run at a time, not a character at a time, so a
 * pasted megabyte splits in milliseconds (separators and quotes are never surrogates).
 */
function splitLabels(text: string): string[] {
  const parts: string[] = [];
  /** The part's text before `from`; the run from `from` on is not copied yet. */
  let current = '';
  let from = 0;
  /** Whether the part so far is blank: only there does a quote open. */
  let blank = true;
  let closingQuote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (closingQuote !== null) {
      if (ch === closingQuote) {
        current += text.slice(from, i);
        from = i + 1;
        closingQuote = null;
        if (blank) blank = current.trim() === '';
      }
    } else if (blank && ch in QUOTES) {
      closingQuote = QUOTES[ch];
      current = '';
      from = i + 1;
    } else if (SEPARATORS.has(ch)) {
      parts.push(current + text.slice(from, i));
      current = '';
      from = i + 1;
      blank = true;
    } else if (blank && !/\s/.test(ch)) {
      blank = false;
    }
  }
  parts.push(current + text.slice(from));
  return parts;
}

/** Characters (code points) of `text`, without making an array of them. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) count--;
  }
  return count;
}

/** The first characters of a long text, for a message. */
export function textStart(text: string, characters = 30): string {
  return Array.from(text.slice(0, characters * 2))
    .slice(0, characters)
    .join('');
}

/** The identity of a label for duplicate detection: CLIP tokenizers lowercase and collapse spaces. */
export function labelKey(label: string): string {
  return label.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function parseLabels(text: string): ParsedLabels {
  const seen = new Map<string, string>();
  const duplicates = new Set<string>();
  const tooLong: LongLabel[] = [];
  for (const raw of splitLabels(text)) {
    const label = raw.trim();
    if (label === '') continue;
    const length = characterCount(label);
    if (length > MAX_LABEL_LENGTH) {
      tooLong.push({ start: textStart(label), length });
      continue;
    }
    const key = labelKey(label);
    const first = seen.get(key);
    if (first !== undefined) duplicates.add(first);
    else seen.set(key, label);
  }
  const all = [...seen.values()];
  return {
    labels: all.slice(0, MAX_LABELS),
    duplicates: [...duplicates],
    overLimit: Math.max(0, all.length - MAX_LABELS),
    tooLong,
  };
}
