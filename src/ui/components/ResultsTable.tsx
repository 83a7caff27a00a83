import { useMemo, useState } from 'react';
import { formatPercent } from '../../shared/scoring.ts';
import { useI18n } from '../i18n.ts';
import type { ImageEntry } from '../use-classifier.ts';

interface Props {
  images: readonly ImageEntry[];
  labels: string[];
  resultKey: string;
}

type Sort = { by: 'name' } | { by: 'label'; label: string };

/** A compact image × label table for many images, sortable by the name or by any label's score. */
export function ResultsTable({ images, labels, resultKey }: Props) {
  const [sort, setSort] = useState<Sort>({ by: 'name' });
  const [descending, setDescending] = useState(false);
  const { t } = useI18n();
  const rows = useMemo(() => {
    const withScores = images.map((image) => {
      const fresh = image.result?.key === resultKey ? image.result : undefined;
      return { image, scores: new Map(fresh?.scores.map(({ label, score }) => [label, score]) ?? []) };
    });
    const value = (row: (typeof withScores)[number]) =>
      sort.by === 'name' ? row.image.name : (row.scores.get(sort.label) ?? -1);
    return withScores.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - Number(y);
      return descending ? -order : order;
    });
  }, [images, resultKey, sort, descending]);

  const sortBy = (next: Sort, firstDescending: boolean) => {
    const same = JSON.stringify(next) === JSON.stringify(sort);
    setSort(next);
    setDescending(same ? !descending : firstDescending);
  };
  const ariaSort = (column: Sort) =>
    JSON.stringify(column) === JSON.stringify(sort) ? (descending ? 'descending' : 'ascending') : undefined;

  return (
    <div className="table-wrap">
      <table className="results-table">
        <caption className="visually-hidden">{t.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={ariaSort({ by: 'name' })}>
              <button type="button" className="sort-button" onClick={() => sortBy({ by: 'name' }, false)}>
                {t.tableImage}
              </button>
            </th>
            {labels.map((label) => (
              <th key={label} scope="col" aria-sort={ariaSort({ by: 'label', label })}>
                <button
                  type="button"
                  className="sort-button"
                  aria-label={t.sortBy(label)}
                  onClick={() => sortBy({ by: 'label', label }, true)}
                >
                  {label}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ image, scores }) => (
            <tr key={image.id}>
              <th scope="row">
                <img src={image.url} alt="" className="table-thumb" />
                {image.name}
              </th>
              {labels.map((label) => {
                const score = scores.get(label);
                return (
                  <td key={label} data-score={score}>
                    {image.failure ? '—' : score === undefined ? '…' : formatPercent(score)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
