/**
 * The bench's figures as it prints them: a table row each (with its target), and one JSON object.
 * Figures are rounded first and checked after: a positive reading that rounds to 0 is no reading.
 */

/** Decimals every figure keeps in the JSON line. */
const DECIMALS = 4;

/** Figures for which 0 is a real reading (identical scores on both sides). */
const MAY_BE_ZERO = new Set(['parity_largest_gap_pt']);

export function row(name: string, value: string, note = ''): void {
  console.log(`${name.padEnd(60)} ${value.padStart(12)}  ${note}`);
}

export const ms = (x: number) => `${x.toFixed(0)} ms`;
export const ratio = (x: number) => x.toFixed(3);
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

export function rounded(figures: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, Number(value.toFixed(DECIMALS))]));
}

/** The keys whose rounded value is not a positive finite number (a missing reading is a failure, not a met target). */
export function invalidFigures(figures: Record<string, number>): [string, number][] {
  return Object.entries(figures).filter(
    ([key, value]) => !(Number.isFinite(value) && (value > 0 || (value === 0 && MAY_BE_ZERO.has(key)))),
  );
}
