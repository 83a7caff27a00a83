import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { backendName } from '../../shared/backend.ts';
import { imageKey } from '../../shared/library.ts';
import { download, toCsv, toJson, type ExportRow, type ExportVerdict } from '../library/export-results.ts';
import { useI18n } from '../i18n/i18n.ts';
import {
  LibraryItemsCache,
  effectiveLabel,
  filterItems,
  rankedScores,
  sortItems,
  topLabelCounts,
  type LibraryFilter,
  type LibraryItem,
  type LibrarySort,
} from '../library/library-view.ts';
import { useClassifier } from '../hooks/use-classifier.ts';
import { useRelabelHold } from '../hooks/use-relabel-hold.ts';
import { ClassificationQueue } from './ClassificationQueue.tsx';
import { HeatMapDialog } from './HeatMapDialog.tsx';
import { ImageCard } from './ImageCard.tsx';
import { NoMatchControl } from './NoMatchControl.tsx';
import { SearchResults } from './SearchResults.tsx';
import { SortActions } from './SortActions.tsx';
import { LibraryGrid } from './LibraryGrid.tsx';
import { LibraryToolbar } from './LibraryToolbar.tsx';
import { ResultsTable } from './ResultsTable.tsx';
import { WorkSummary } from './WorkSummary.tsx';

/**
 * The library on the page: its tools (view, filter, sort, selection, export, clear), the run's
 * progress, and the grid or table of pictures. The one part of the page that follows every batch
 * of scores; the rest of the page renders only when its own settings change.
 */
export function LibrarySection() {
  const { t } = useI18n();
  const { snapshot, session } = useClassifier();
  const { model, images, backend, labels: parsed, settings } = snapshot;
  const [view, setView] = useState<'grid' | 'table'>('grid');
  const [filter, setFilter] = useState<LibraryFilter>({ kind: 'all' });
  const [sort, setSort] = useState<LibrarySort>({ kind: 'added' });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [where, setWhere] = useState<{ imageId: string; label: string } | null>(null);
  const removeImages = useCallback((ids: string[]) => void session.removeImages(ids), [session]);
  const correct = useCallback((id: string, label: string | null) => void session.correct(id, label), [session]);
  const moreLike = useCallback((id: string) => session.searchLike(id), [session]);
  const showWhere = useCallback((imageId: string, label: string) => setWhere({ imageId, label }), []);
  const select = useCallback(
    (id: string, on: boolean) =>
      setSelected((current) => {
        const next = new Set(current);
        if (on) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );

  // The cards follow a deferred copy of the snapshot: React renders them in slices that yield to the
  // page, so hundreds of images arriving at once never make one long task; counts and progress stay current.
  // New labels keep the last scores on the cards until the first new ones arrive (no "pending" render between).
  const deferred = useDeferredValue(useRelabelHold(snapshot));
  const updating = deferred.resultKey !== snapshot.resultKey;
  // Unchanged items stay the same objects, so a batch of results re-renders only its own cards.
  const [itemsCache] = useState(() => new LibraryItemsCache());
  const allItems = itemsCache.of(deferred);
  const shown = useMemo(() => sortItems(filterItems(allItems, filter), sort), [allItems, filter, sort]);
  const topCounts = useMemo(() => topLabelCounts(allItems), [allItems]);
  const failedCount = allItems.filter((item) => item.failure !== null).length;
  const noMatchCount = allItems.filter((item) => item.noMatch).length;
  const matchedCount = allItems.filter(
    (item) => (item.fresh || item.correction) && !item.noMatch && !item.failure,
  ).length;
  const correctionsInUse = allItems.filter((item) => item.correction !== null).length;
  const pendingCount = allItems.filter((item) => item.failure === null && !item.fresh).length;

  const exportResults = (format: 'csv' | 'json') => {
    // Every file of the library (duplicates included), keyed by its path where it has one.
    const rows: ExportRow[] = [];
    const verdicts = new Map<string, ExportVerdict>();
    for (const item of allItems) {
      if (!item.fresh && !item.correction) continue;
      for (const image of item.images) {
        const file = imageKey(image);
        if (item.fresh && item.result) {
          rankedScores(item.result).forEach(({ label, score }, i) => rows.push({ file, label, score, rank: i + 1 }));
        }
        verdicts.set(file, { label: effectiveLabel(item), corrected: item.correction });
      }
    }
    const info = model.phase === 'ready' ? model.info : null;
    const setup = {
      model: settings.source.modelId,
      precision: info?.dtype ?? backend?.dtypes[0] ?? '',
      backend: backendName(info?.device ?? backend?.device ?? 'wasm'),
      template: snapshot.templates.join(' | '),
      scoring: snapshot.scoring === 'softmax' ? 'softmax (pick one)' : 'sigmoid (independent)',
    };
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (format === 'csv') download(toCsv(rows, setup, verdicts), `zero-shot-results-${stamp}.csv`, 'text/csv');
    else download(toJson(rows, setup, verdicts), `zero-shot-results-${stamp}.json`, 'application/json');
  };

  const idleReason =
    model.phase === 'error' || model.phase === 'cancelled'
      ? t.waitingForModel
      : model.phase === 'loading'
        ? t.waitingForLoad
        : parsed.labels.length === 0
          ? t.typeLabelsForImage
          : snapshot.stopped
            ? t.stoppedHere
            : null;
  const renderCard = useCallback(
    (item: LibraryItem) => (
      <ImageCard
        item={item}
        idleReason={idleReason}
        labels={parsed.labels}
        selected={selected.has(item.id)}
        onSelect={select}
        onRemove={removeImages}
        onCorrect={correct}
        onMoreLike={moreLike}
        onWhere={showWhere}
      />
    ),
    [idleReason, parsed.labels, selected, select, removeImages, correct, moreLike, showWhere],
  );
  const selectedIds = allItems.filter((item) => selected.has(item.id)).flatMap((item) => item.images.map((i) => i.id));
  const onClear = useCallback(() => {
    setSelected(new Set());
    void session.clearLibrary();
  }, [session]);

  if (snapshot.search) return <SearchResults search={snapshot.search} images={images} />;
  if (images.length === 0) {
    return snapshot.library.phase === 'open' ? (
      <section className="empty-library" aria-labelledby="empty-heading">
        <h2 id="empty-heading">{t.emptyTitle}</h2>
        <p>{t.emptyHint}</p>
      </section>
    ) : null;
  }
  return (
    <section className="results" aria-labelledby="results-heading">
      <div className="results-header">
        <h2 id="results-heading">{t.imagesHeading(images.length)}</h2>
        <LibraryToolbar
          view={view}
          onView={setView}
          labels={parsed.labels}
          topCounts={topCounts}
          failedCount={failedCount}
          pendingCount={pendingCount}
          noMatchCount={noMatchCount}
          filter={filter}
          onFilter={setFilter}
          sort={sort}
          onSort={setSort}
          canExport={snapshot.progress.done > 0}
          onExport={exportResults}
          imageCount={images.length}
          onClear={onClear}
        />
      </div>
      {selectedIds.length > 0 && (
        <div className="selection-bar" role="group" aria-label={t.selection}>
          <span>{t.selected(selected.size)}</span>
          <button
            type="button"
            className="danger"
            onClick={() => {
              removeImages(selectedIds);
              setSelected(new Set());
            }}
          >
            {t.removeSelected}
          </button>
          <button type="button" className="secondary" onClick={() => setSelected(new Set())}>
            {t.clearSelection}
          </button>
        </div>
      )}
      {parsed.labels.length > 0 && (model.phase === 'ready' || model.phase === 'loading') && (
        <ClassificationQueue
          done={snapshot.progress.done}
          total={snapshot.progress.total}
          stopped={snapshot.stopped}
          pace={snapshot.pace}
          onStop={() => session.stop()}
          onResume={() => session.resume()}
        />
      )}
      {[...snapshot.failures.values()].some((failure) => failure.code === 'request-failed') && (
        <p className="notice">
          <button type="button" className="secondary" onClick={() => session.retryFailed()}>
            {t.retryFailed}
          </button>
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {/* Every image has current scores (from stored embeddings too, before the model is ready): say so. */}
        {snapshot.progress.total > 0 && snapshot.progress.done === snapshot.progress.total
          ? t.classifiedAnnouncement(snapshot.progress.done, snapshot.progress.total)
          : ''}
      </p>
      <div className="library-rules">
        <NoMatchControl
          cutoff={settings.cutoff}
          onCutoff={(cutoff) => session.setCutoff(cutoff)}
          matched={matchedCount}
          noMatch={noMatchCount}
        />
        <div className="corrections">
          <p>{t.correctionsInUse(correctionsInUse)}</p>
          {snapshot.corrections.length > 0 && (
            <button type="button" className="secondary small" onClick={() => void session.forgetCorrections()}>
              {t.forgetCorrections}
            </button>
          )}
        </div>
        <SortActions items={allItems} independent={snapshot.scoring === 'sigmoid'} />
      </div>
      <WorkSummary work={snapshot.work} />
      {snapshot.scoring === 'sigmoid' && <p className="notice">{t.independentNotice}</p>}
      {/* Until the deferred copy catches up with new labels, the scores shown are dimmed and marked busy, not current. */}
      <div className={updating ? 'library-view updating' : 'library-view'} aria-busy={updating}>
        {shown.length === 0 ? (
          <p className="hint">{t.nothingMatches}</p>
        ) : view === 'table' ? (
          <ResultsTable items={shown} labels={parsed.labels} sort={sort} onSort={setSort} />
        ) : (
          <LibraryGrid items={shown} itemKey={(item) => item.id} renderItem={renderCard} />
        )}
      </div>
      {where && (
        <HeatMapDialog
          key={`${where.imageId} ${where.label}`}
          image={images.find((image) => image.id === where.imageId) ?? images[0]}
          label={where.label}
          onClose={() => setWhere(null)}
        />
      )}
    </section>
  );
}
