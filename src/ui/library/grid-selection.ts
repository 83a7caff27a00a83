/** Keyboard movement and range selection in the photo grid: pure, so every key's effect is unit-tested. */

/** Where a key moves focus in a grid of `count` photos laid out in `columns`; null for a key that does not move. */
export function movedIndex(key: string, index: number, count: number, columns: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const clamp = (value: number) => Math.max(0, Math.min(last, value));
  switch (key) {
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowDown':
      return clamp(index + columns);
    case 'ArrowUp':
      return clamp(index - columns);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return clamp(index + columns * 4);
    case 'PageUp':
      return clamp(index - columns * 4);
    default:
      return null;
  }
}

/** The ids from the anchor to `to`, both included, in grid order. */
export function rangeIds(ids: readonly string[], anchor: number, to: number): string[] {
  const from = Math.max(0, Math.min(anchor, to));
  const end = Math.min(ids.length - 1, Math.max(anchor, to));
  return ids.slice(from, end + 1);
}

/** A selection with one id toggled. */
export function toggled(selection: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selection);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** A selection extended by a range (shift-click, Shift + arrows): what was selected stays selected. */
export function withRange(
  selection: ReadonlySet<string>,
  ids: readonly string[],
  anchor: number,
  to: number,
): Set<string> {
  const next = new Set(selection);
  for (const id of rangeIds(ids, anchor, to)) next.add(id);
  return next;
}
