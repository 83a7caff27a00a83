/** Yields to the event loop so a long run of work never holds a frame. */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Hands `items` to `work` in order, `size` at a time, yielding between slices so that a
 * 10,000-file selection keeps the page responsive.
 */
export async function inSlices<T>(
  items: ArrayLike<T>,
  size: number,
  work: (slice: T[]) => void | Promise<void>,
  yieldBetween: () => Promise<void> = nextTask,
): Promise<void> {
  const step = Math.max(1, Math.floor(size));
  for (let start = 0; start < items.length; start += step) {
    if (start > 0) await yieldBetween();
    const slice: T[] = [];
    for (let i = start; i < Math.min(items.length, start + step); i++) slice.push(items[i]);
    await work(slice);
  }
}
