/**
 * Which script labels are mostly written in, to say when the model was not trained on it (an
 * English CLIP reads Chinese characters as unknown byte sequences, and still shows confident bars).
 */

export type LabelLanguage = 'en' | 'zh';

const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;

/** A label's script: the one most of its letters are in, or null (digits, emoji, other scripts). */
export function labelLanguage(label: string): LabelLanguage | null {
  const han = label.match(HAN)?.length ?? 0;
  const latin = label.match(LATIN)?.length ?? 0;
  if (han === 0 && latin === 0) return null;
  return han >= latin ? 'zh' : 'en';
}

/** The language of at least half the labels, or null when there is no such majority. */
export function mostlyLanguage(labels: readonly string[]): LabelLanguage | null {
  if (labels.length === 0) return null;
  const counts = { en: 0, zh: 0 };
  for (const label of labels) {
    const language = labelLanguage(label);
    if (language) counts[language]++;
  }
  if (counts.zh * 2 >= labels.length && counts.zh > counts.en) return 'zh';
  if (counts.en * 2 >= labels.length && counts.en > counts.zh) return 'en';
  return null;
}
