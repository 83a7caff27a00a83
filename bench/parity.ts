/**
 * Same work on both sides: every image's scores from the app (its JSON export) against the transformers.js
 * pipeline's for the same file. A top label must agree wherever the reference is clear about it (top two
 * over 5 points apart); closer calls can flip on resizing alone (the app resizes as transformers.js does in
 * Node, with sharp's bicubic; the reference page on a canvas).
 */
export type Scores = Record<string, number>;

/** The reference's top two must be this far apart for its top label to be a call the app must agree with. */
const CLEAR_CALL = 0.05;

export interface Parity {
  /** Images the app was given. */
  expected: number;
  /** Images with scores on both sides, every label compared. */
  compared: number;
  /** Of those, how many were clear calls (top label checked). */
  clearCalls: number;
  largestGap: number;
  /** An image with no scores, or a clear call the app got wrong, in words. */
  problems: string[];
}

const ranked = (scores: Scores) => Object.entries(scores).sort((a, b) => b[1] - a[1]);

function compareOne(file: string, mine: Scores | undefined, reference: Scores, labels: string[]): Parity {
  const one: Parity = { expected: 1, compared: 0, clearCalls: 0, largestGap: 0, problems: [] };
  if (!mine || labels.some((label) => !(label in mine) || !(label in reference))) {
    one.problems.push(`${file}: no scores for every label on both sides`);
    return one;
  }
  one.compared = 1;
  for (const label of labels) one.largestGap = Math.max(one.largestGap, Math.abs(mine[label] - reference[label]));
  const [[referenceTop, first], [, second]] = ranked(reference);
  if (first - second <= CLEAR_CALL) return one;
  one.clearCalls = 1;
  const appTop = ranked(mine)[0][0];
  if (appTop !== referenceTop) one.problems.push(`${file}: app ${appTop}, reference ${referenceTop}`);
  return one;
}

/** Adds two checks' counts; the largest gap is the larger. */
export function combine(a: Parity, b: Parity): Parity {
  return {
    expected: a.expected + b.expected,
    compared: a.compared + b.compared,
    clearCalls: a.clearCalls + b.clearCalls,
    largestGap: Math.max(a.largestGap, b.largestGap),
    problems: [...a.problems, ...b.problems],
  };
}

export const NO_PARITY: Parity = { expected: 0, compared: 0, clearCalls: 0, largestGap: 0, problems: [] };

/** One app run's scores (by file name) against the reference's (by image index, files `fileName(i)`). */
export function checkParity(
  app: Map<string, Scores>,
  reference: Scores[],
  labels: string[],
  fileName: (index: number) => string,
): Parity {
  return reference
    .map((scores, i) => compareOne(fileName(i), app.get(fileName(i)), scores, labels))
    .reduce(combine, NO_PARITY);
}
