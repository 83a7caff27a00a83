import { useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { imageKey } from '../../shared/library.ts';
import { formatPercent } from '../../shared/scoring.ts';
import { useI18n } from '../i18n/i18n.ts';
import type { LibraryItem, LibrarySort } from '../library/library-view.ts';
import { useThumbnail } from '../hooks/use-thumbnail.ts';

interface Props {
  items: readonly LibraryItem[];
  labels: readonly string[];
  sort: LibrarySort;
  onSort(sort: LibrarySort): void;
}

const ROW_HEIGHT = 44;

function Thumb({ item }: { item: LibraryItem }) {
  const url = useThumbnail(item.images[0]);
  return url ? <img src={url} alt="" className="table-thumb" /> : <span className="table-thumb" aria-hidden="true" />;
}

/**
 * A compact image × label table for many images, sortable by the name or by any label's score.
 * Only the rows on (and near) the screen are rendered.
 */
export function ResultsTable({ items, labels, sort, onSort }: Props) {
  const { t } = useI18n();
  const body = useRef<HTMLTableSectionElement>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const element = body.current;
    if (!element) return undefined;
    const measure = () => setOffset(element.getBoundingClientRect().top + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    scrollMargin: offset,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows.length > 0 ? rows[0].start - offset : 0;
  const after = rows.length > 0 ? virtualizer.getTotalSize() - (rows[rows.length - 1].end - offset) : 0;
  const ariaSort = (column: LibrarySort) =>
    JSON.stringify(column) === JSON.stringify(sort)
      ? column.kind === 'score'
        ? 'descending'
        : 'ascending'
      : undefined;

  return (
    <div className="table-wrap">
      <table className="results-table">
        <caption className="visually-hidden">{t.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={ariaSort({ kind: 'name' })}>
              <button type="button" className="sort-button" onClick={() => onSort({ kind: 'name' })}>
                {t.tableImage}
              </button>
            </th>
            {labels.map((label) => (
              <th key={label} scope="col" aria-sort={ariaSort({ kind: 'score', label })}>
                <button
                  type="button"
                  className="sort-button"
                  aria-label={t.sortBy(label)}
                  onClick={() => onSort({ kind: 'score', label })}
                >
                  {label}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {before > 0 && (
            <tr aria-hidden="true">
              <td style={{ height: before, padding: 0, border: 0 }} colSpan={labels.length + 1} />
            </tr>
          )}
          {rows.map((row) => {
            const item = items[row.index];
            const scores = item.fresh && item.result ? item.result : undefined;
            return (
              <tr key={item.id} style={{ height: ROW_HEIGHT }}>
                <th scope="row" title={imageKey(item.images[0])}>
                  <Thumb item={item} />
                  {item.images[0].name}
                </th>
                {labels.map((label) => {
                  const index = scores ? scores.labels.indexOf(label) : -1;
                  const score = scores && index >= 0 ? scores.scores[index] : undefined;
                  return (
                    <td key={label} data-score={score}>
                      {item.failure ? '—' : score === undefined ? '…' : formatPercent(score)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {after > 0 && (
            <tr aria-hidden="true">
              <td style={{ height: after, padding: 0, border: 0 }} colSpan={labels.length + 1} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
