/** User Timing marks that `npm run bench` reads; nothing in the app depends on them. */

/** The labels the person typed were applied (after the typing debounce): the start of a re-rank. */
export function markLabelsApplied(count: number): void {
  performance.mark('labels-applied', { detail: count });
}
