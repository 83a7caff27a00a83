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
  // The rows on screen first, those around it a moment later: two short commits instead of one long one.
  const [overscan, setOverscan] = useState(0);
  useEffect(() => {
    if (items.length > 0 && overscan === 0) startTransition(() => setOverscan(OVERSCAN_ROWS));
  }, [items.length, overscan]);
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const rows = Math.ceil(items.length / columns);
  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => 380,
    overscan,
    scrollMargin: offset,
    gap: GAP,
  });
  return (
    <div ref={container} className="grid-virtual" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((row) => (
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
