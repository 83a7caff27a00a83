/** User Timing marks that `npm run bench` reads; nothing in the app depends on them. */

/** The labels the person typed were applied (after the typing debounce): the start of a re-rank. */
export function markLabelsApplied(count: number): void {
  performance.mark('labels-applied', { detail: count });
}

/** A search was sent to the worker (after the typing debounce): the start of a search's answer. */
export function markSearchStarted(): void {
  performance.mark('search-started');
}

/** A reply that ends a re-rank's or a search's work in the worker reached the page (before any render). */
export function markReplyArrived(type: 'scores' | 'search-results'): void {
  performance.mark(`reply:${type}`);
}
