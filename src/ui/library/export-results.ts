/** Results out again: every image × label score as CSV or JSON, with the setup that produced them. */

export interface ExportRow {
  file: string;
  label: string;
  score: number;
  rank: number;
}

/** What the page decided about one file beyond its scores. */
export interface ExportVerdict {
  /** The label it goes by (its correction, else its top label), or null for "no match". */
  label: string | null;
  /** The label the person corrected it to, if any. */
  corrected: string | null;
}

export interface ExportSetup {
  model: string;
  precision: string;
  backend: string;
  /** The template, or the templates of an ensemble joined with " | ". */
  template: string;
  scoring: string;
}

function csvField(value: string | number): string {
  const text = String(value);
  // Quoted when needed; a leading =, +, -, @ (ASCII or full-width, which spreadsheets also read as a formula), tab or carriage return is defused.
  const safe = /^[=+\-@\t\r＝＋－＠]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Rows of one CSV: every image × label score, plus one row per file whose label is not its top
 * score: `no match` (no label fits), or `corrected: {label}` (the person's correction).
 */
export function toCsv(
  rows: readonly ExportRow[],
  setup: ExportSetup,
  verdicts: ReadonlyMap<string, ExportVerdict> = new Map(),
): string {
  const header = ['file', 'label', 'score', 'rank', 'model', 'precision', 'backend', 'template', 'scoring'];
  const lines = rows.map((row) =>
    [
      row.file,
      row.label,
      row.score,
      row.rank,
      setup.model,
      setup.precision,
      setup.backend,
      setup.template,
      setup.scoring,
    ]
      .map(csvField)
      .join(','),
  );
  const setupFields = [setup.model, setup.precision, setup.backend, setup.template, setup.scoring];
  const notes = [...verdicts]
    .filter(([, verdict]) => verdict.label === null || verdict.corrected !== null)
    .map(([file, verdict]) =>
      [file, verdict.label === null ? 'no match' : `corrected: ${verdict.corrected}`, '', '', ...setupFields]
        .map(csvField)
        .join(','),
    );
  return [header.join(','), ...lines, ...notes].join('\r\n') + '\r\n';
}

/** Images with their scores; where the page decided more (`match`, `label`, `corrected`), those too. */
export function toJson(
  rows: readonly ExportRow[],
  setup: ExportSetup,
  verdicts: ReadonlyMap<string, ExportVerdict> = new Map(),
): string {
  const images = new Map<string, { label: string; score: number }[]>();
  for (const row of rows) {
    const scores = images.get(row.file) ?? [];
    scores.push({ label: row.label, score: row.score });
    images.set(row.file, scores);
  }
  return JSON.stringify(
    {
      ...setup,
      exported: new Date().toISOString(),
      images: [...images].map(([file, scores]) => {
        const verdict = verdicts.get(file);
        return verdict
          ? { file, label: verdict.label, match: verdict.label !== null, corrected: verdict.corrected, scores }
          : { file, scores };
      }),
    },
    null,
    2,
  );
}

/** Saves text as a file through a temporary link (no server involved). */
export function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
