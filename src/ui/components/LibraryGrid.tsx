import { startTransition, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';

interface Props<T> {
  items: readonly T[];
  itemKey(item: T): string;
  renderItem(item: T): ReactNode;
}

/** Narrowest card: two columns on a phone, five or six on a desktop. */
const MIN_CARD_WIDTH = 220;
const GAP = 16;
/** Rows kept beyond the screen on each side: a few screens' worth, still a few thousand elements at most. */
const OVERSCAN_ROWS = 3;

/**
 * The library as a grid that renders only the rows on (and near) the screen, so the page stays
 * light with 10,000 images. Rows are measured as they render: cards differ in height.
 */
export function LibraryGrid<T>({ items, itemKey, renderItem }: Props<T>) {
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
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const virtualizer = useWindowVirtualizer({
    count: Math.ceil(items.length / columns),
    estimateSize: () => 380,
    overscan: OVERSCAN_ROWS,
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
  return (
    <div ref={container} className="grid-virtual" style={{ height: virtualizer.getTotalSize() }}>
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
          {items.slice(row.index * columns, (row.index + 1) * columns).map((item) => (
            <div key={itemKey(item)} className="grid-cell">
              {renderItem(item)}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
