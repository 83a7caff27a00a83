/**
 * Turns what a person types into candidate labels: split on commas (also full-width `，` and `、`)
 * and newlines, trimmed, empties dropped, duplicates merged. A label that contains a comma can be
 * quoted: `"salt, pepper"`.
 */

export const MAX_LABELS = 1000;

export interface ParsedLabels {
  labels: string[];
  /** Labels typed more than once (compared ignoring case and spacing), as first typed. */
  duplicates: string[];
  /** How many labels beyond `MAX_LABELS` were left out. */
  overLimit: number;
}

const SEPARATORS = new Set([',', '，', '、', '\n', '\r']);
const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」' };

function splitLabels(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let closingQuote: string | null = null;
  for (const ch of text) {
    if (closingQuote !== null) {
      if (ch === closingQuote) closingQuote = null;
      else current += ch;
    } else if (ch in QUOTES && current.trim() === '') {
      closingQuote = QUOTES[ch];
      current = '';
    } else if (SEPARATORS.has(ch)) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** The identity of a label for duplicate detection: CLIP tokenizers lowercase and collapse spaces. */
export function labelKey(label: string): string {
  return label.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function parseLabels(text: string): ParsedLabels {
  const seen = new Map<string, string>();
  const duplicates = new Set<string>();
  for (const raw of splitLabels(text)) {
    const label = raw.trim();
    if (label === '') continue;
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
  };
}
