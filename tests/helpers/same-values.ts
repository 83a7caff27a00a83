/**
 * Compares two long arrays of numbers and fails with a short message: how many elements differ,
 * the first few, and the largest difference. `expect(a).toEqual(b)` on arrays of 150,000 floats
 * prints both whole (a failing resize test once spent 473 s writing its diff).
 */

type Numbers = ArrayLike<number>;

export interface SameValuesOptions {
  /** Largest absolute difference still counted as equal; 0 (the default) asks for exact equality. */
  tolerance?: number;
  /** How many differing elements the message shows. */
  show?: number;
}

/** Equal within the tolerance; NaN equals NaN, as in toEqual. */
function same(a: number, b: number, tolerance: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= tolerance;
}

/** What differs between `actual` and `expected`, in a few lines; null when nothing does. */
export function describeDifferences(
  actual: Numbers,
  expected: Numbers,
  options: SameValuesOptions = {},
): string | null {
  const { tolerance = 0, show = 5 } = options;
  const lines: string[] = [];
  if (actual.length !== expected.length) lines.push(`length ${actual.length}, expected ${expected.length}`);
  const length = Math.min(actual.length, expected.length);
  let differing = 0;
  let largest = 0;
  let largestAt = -1;
  const first: string[] = [];
  for (let i = 0; i < length; i++) {
    const [a, b] = [actual[i], expected[i]];
    if (same(a, b, tolerance)) continue;
    differing++;
    if (first.length < show) first.push(`[${i}] ${a}, expected ${b}`);
    const difference = Math.abs(a - b);
    if (!(difference <= largest)) [largest, largestAt] = [difference, i];
  }
  if (differing > 0) {
    const within = tolerance > 0 ? ` (tolerance ${tolerance})` : '';
    lines.push(`${differing} of ${length} elements differ${within}; largest difference ${largest} at [${largestAt}]`);
    lines.push(...first);
    if (differing > first.length) lines.push(`… and ${differing - first.length} more`);
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

/** Throws a short description of the differences, if any (for use inside a test). */
export function expectSameValues(
  actual: Numbers,
  expected: Numbers,
  label = 'arrays',
  options: SameValuesOptions = {},
): void {
  const differences = describeDifferences(actual, expected, options);
  if (differences !== null) throw new Error(`${label} differ:\n${differences}`);
}
