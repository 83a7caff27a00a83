import { useId } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import type { LibraryFilter, LibrarySort } from '../library/library-view.ts';

interface Props {
  view: 'grid' | 'table';
  onView(view: 'grid' | 'table'): void;
  labels: readonly string[];
  /** Pictures per top label, for the filter's choices. */
  topCounts: ReadonlyMap<string, number>;
  failedCount: number;
  pendingCount: number;
  noMatchCount: number;
  filter: LibraryFilter;
  onFilter(filter: LibraryFilter): void;
  sort: LibrarySort;
  onSort(sort: LibrarySort): void;
}

const encode = (value: LibraryFilter | LibrarySort) => JSON.stringify(value);

/** Above the photos: view, filter by top label, sort by any label's score. */
export function LibraryToolbar(props: Props) {
  const { t } = useI18n();
  const id = useId();
  const { labels, topCounts, filter, sort } = props;
  return (
    <div className="library-toolbar">
      <div className="view-switch" role="group" aria-label={t.view}>
        {(['grid', 'table'] as const).map((view) => (
          <button
            key={view}
            type="button"
            className="secondary"
            aria-pressed={props.view === view}
            onClick={() => props.onView(view)}
          >
            {view === 'grid' ? t.grid : t.table}
          </button>
        ))}
      </div>
      <label className="inline-field" htmlFor={`${id}-filter`}>
        {t.filterLabel}
      </label>
      <select
        id={`${id}-filter`}
        value={encode(filter)}
        onChange={(event) => props.onFilter(JSON.parse(event.target.value) as LibraryFilter)}
      >
        <option value={encode({ kind: 'all' })}>{t.filterAll}</option>
        {labels.map((label) => (
          <option key={label} value={encode({ kind: 'top', label })}>
            {t.filterTop(label, topCounts.get(label) ?? 0)}
          </option>
        ))}
        <option value={encode({ kind: 'no-match' })}>{t.filterNoMatch(props.noMatchCount)}</option>
        {props.pendingCount > 0 && (
          <option value={encode({ kind: 'pending' })}>{t.filterPending(props.pendingCount)}</option>
        )}
        {props.failedCount > 0 && (
          <option value={encode({ kind: 'failed' })}>{t.filterFailed(props.failedCount)}</option>
        )}
      </select>
      <label className="inline-field" htmlFor={`${id}-sort`}>
        {t.sortLabel}
      </label>
      <select
        id={`${id}-sort`}
        value={encode(sort)}
        onChange={(event) => props.onSort(JSON.parse(event.target.value) as LibrarySort)}
      >
        <option value={encode({ kind: 'added' })}>{t.sortAdded}</option>
        <option value={encode({ kind: 'name' })}>{t.sortName}</option>
        {labels.map((label) => (
          <option key={label} value={encode({ kind: 'score', label })}>
            {t.sortScore(label)}
          </option>
        ))}
      </select>
    </div>
  );
}
