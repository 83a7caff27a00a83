/** User Timing that `npm run bench` reads in the classifier worker; nothing in the app depends on it. */

/** Measures from `start` to now under `name`; `detail` says what the span covered (e.g. how many images). */
export function measureSince(name: string, start: number, detail?: unknown): void {
  // Only the newest of each name is kept: older ones would pile up over a long session (the bench observes them).
  performance.clearMeasures(name);
  performance.measure(name, { start, end: performance.now(), detail });
}
