/** Results out again: every image × label score as CSV or JSON, with the setup that produced them. */

export interface ExportRow {
  file: string;
  label: string;
  score: number;
  rank: number;
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
  // Quoted when needed; a leading =, +, -, @, tab or carriage return is defused so spreadsheets do
  // not run it as a formula (OWASP's CSV injection list).
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly ExportRow[], setup: ExportSetup): string {
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
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

export function toJson(rows: readonly ExportRow[], setup: ExportSetup): string {
  const images = new Map<string, { label: string; score: number }[]>();
  for (const row of rows) {
    const scores = images.get(row.file) ?? [];
    scores.push({ label: row.label, score: row.score });
    images.set(row.file, scores);
  }
  return JSON.stringify(
    { ...setup, exported: new Date().toISOString(), images: [...images].map(([file, scores]) => ({ file, scores })) },
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
