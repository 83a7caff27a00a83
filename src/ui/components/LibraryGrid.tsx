import {
  startTransition,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';

interface Props<T> {
  items: readonly T[];
  itemKey(item: T): string;
  renderItem(item: T, index: number): ReactNode;
  /** The grid's name for assistive technology. */
  label: string;
  /** The id of the text that says how the keys work. */
  describedBy: string;
  /** The photo to bring on screen and focus (a new object each time it is asked). */
  focus: { index: number } | null;
  /** A key pressed inside the grid, with the grid's current column count. */
  onKey(event: KeyboardEvent<HTMLDivElement>, columns: number): void;
}

/** Narrowest card: five or six columns on a desktop. */
const MIN_CARD_WIDTH = 220;
/** On a phone-wide grid, cards may be this narrow: two columns of photos rather than one. */
const MIN_CARD_WIDTH_NARROW = 150;
const NARROW_GRID = 560;
const GAP = 16;
/** Rows kept beyond the screen on each side: a few screens' worth, still a few thousand elements at most. */
const OVERSCAN_ROWS = 3;
/** Cards kept beyond the screen whatever the column count, so a narrow grid (the drawer docked) keeps as many. */
const OVERSCAN_CARDS = 24;
/** Frames to wait for a row scrolled to before focus gives up on it. */
const FOCUS_FRAMES = 20;

/**
 * The library as a grid that renders only the rows on (and near) the screen, so the page stays
 * light with 10,000 images. Rows are measured as they render: cards differ in height.
 */
export function LibraryGrid<T>({ items, itemKey, renderItem, label, describedBy, focus, onKey }: Props<T>) {
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return undefined;
    const measure = () => {
      setWidth(element.clientWidth);
      setOffset(element.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const minCard = width < NARROW_GRID ? MIN_CARD_WIDTH_NARROW : MIN_CARD_WIDTH;
  const columns = Math.max(1, Math.floor((width + GAP) / (minCard + GAP)));
  const virtualizer = useWindowVirtualizer({
    count: Math.ceil(items.length / columns),
    estimateSize: () => 380,
    overscan: Math.max(OVERSCAN_ROWS, Math.ceil(OVERSCAN_CARDS / columns)),
    scrollMargin: offset,
    gap: GAP,
    // Measured rows re-render in React's own time, not in a flushSync inside the commit that measured them.
    useFlushSync: false,
  });
  // Until the container is measured (its layout effect) the column count is unknown: cards rendered
  // for one column would be thrown away at once, so the first commit holds the empty container only.
  const rows = width > 0 ? virtualizer.getVirtualItems() : [];
  // A grid that appears (the first pictures, a search ended) mounts a row a frame: each commit, and
  // the layout after it, stays short; the first row is the top of the screen.
  const [rowBudget, setRowBudget] = useState(1);
  useEffect(() => {
    if (rowBudget >= rows.length) return undefined;
    const frame = requestAnimationFrame(() => startTransition(() => setRowBudget((budget) => budget + 1)));
    return () => cancelAnimationFrame(frame);
  }, [rowBudget, rows.length]);
  const rowsShown = rows.slice(0, rowBudget);

  // Focus moved by a key may land on a row not rendered yet: scroll to it, then focus it once it is there.
  useEffect(() => {
    if (!focus || columns === 0) return undefined;
    const element = () => container.current?.querySelector<HTMLElement>(`[data-photo-index="${focus.index}"]`);
    if (!element()) virtualizer.scrollToIndex(Math.floor(focus.index / columns), { align: 'auto' });
    let frames = 0;
    let frame = 0;
    const tryFocus = () => {
      const target = element();
      if (target) {
        target.focus();
        target.scrollIntoView({ block: 'nearest' });
      } else if (frames++ < FOCUS_FRAMES) frame = requestAnimationFrame(tryFocus);
    };
    tryFocus();
    return () => cancelAnimationFrame(frame);
  }, [focus, columns, virtualizer]);

  return (
    <div
      ref={container}
      className="grid-virtual"
      role="group"
      aria-label={label}
      aria-describedby={describedBy}
      style={{ height: virtualizer.getTotalSize() }}
      onKeyDown={(event) => onKey(event, columns)}
    >
      {rowsShown.map((row) => (
        <div
          key={row.key}
          data-index={row.index}
          ref={virtualizer.measureElement}
          className="grid-row"
          style={{
            transform: `translateY(${row.start - offset}px)`,
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          }}
        >
          {items.slice(row.index * columns, (row.index + 1) * columns).map((item, column) => (
            <div key={itemKey(item)} className="grid-cell">
              {renderItem(item, row.index * columns + column)}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
