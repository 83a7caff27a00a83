import {
  useCallback,
  useContext,
  useDeferredValue,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { createPortal } from 'react-dom';
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
import { ExportTools } from './ExportTools.tsx';
import { PhotoViewer } from './PhotoViewer.tsx';
import { ToolsSlotContext } from '../hooks/use-tools-drawer.ts';
import { movedIndex, toggled, withRange } from '../library/grid-selection.ts';
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
  // The grid's one tab stop, where a Shift range starts, the photo to focus, and the photo open in the viewer.
  const [current, setCurrent] = useState(0);
  const [anchor, setAnchor] = useState(0);
  const [focus, setFocus] = useState<{ index: number } | null>(null);
  const [viewing, setViewing] = useState<number | null>(null);
  const toolsSlot = useContext(ToolsSlotContext);
  const removeImages = useCallback((ids: string[]) => void session.removeImages(ids), [session]);
  const correct = useCallback((id: string, label: string | null) => void session.correct(id, label), [session]);
  const moreLike = useCallback((id: string) => session.searchLike(id), [session]);
  const showWhere = useCallback((imageId: string, label: string) => setWhere({ imageId, label }), []);
  const select = useCallback(
    (id: string, on: boolean) =>
      setSelected((before) => {
        const next = new Set(before);
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
  const selectedItems = allItems.filter((item) => selected.has(item.id));
  const selectedIds = selectedItems.flatMap((item) => item.images.map((i) => i.id));
  // Export and sorting read the newest scores, not the deferred copy the cards may still be catching up to;
  // with photos selected they act on those, otherwise on the whole library.
  const latest = useRef(snapshot);
  useEffect(() => {
    latest.current = snapshot;
  });
  const [liveItems] = useState(() => new LibraryItemsCache());
  const toolItems = useCallback(() => {
    const items = liveItems.of(latest.current);
    return selected.size > 0 ? items.filter((item) => selected.has(item.id)) : items;
  }, [liveItems, selected]);
  const shownIds = useMemo(() => shown.map((item) => item.id), [shown]);
  const tabStop = Math.min(current, Math.max(0, shown.length - 1));
  const activate = useCallback(
    (index: number, { shift, toggle }: { shift: boolean; toggle: boolean }) => {
      setCurrent(index);
      if (shift) setSelected((before) => withRange(before, shownIds, anchor, index));
      else if (toggle) {
        setAnchor(index);
        setSelected((before) => toggled(before, shownIds[index]));
      } else {
        setAnchor(index);
        setViewing(index);
      }
    },
    [shownIds, anchor],
  );
  const onGridKey = (event: KeyboardEvent<HTMLDivElement>, columns: number) => {
    // Keys belong to the grid only on a thumbnail; a card's own menu or checkbox keeps its keys.
    if (!(event.target instanceof HTMLElement) || event.target.dataset.photoIndex === undefined) return;
    const index = Number(event.target.dataset.photoIndex);
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      setSelected(new Set(shownIds));
      return;
    }
    if (event.key === ' ') {
      // Space selects (a button would otherwise open the viewer on key up).
      event.preventDefault();
      setAnchor(index);
      setSelected((before) => toggled(before, shownIds[index]));
      return;
    }
    if (event.key === 'Escape' && selected.size > 0) {
      setSelected(new Set());
      return;
    }
    const next = movedIndex(event.key, index, shown.length, columns);
    if (next === null) return;
    event.preventDefault();
    if (event.shiftKey) setSelected((before) => withRange(before, shownIds, anchor, next));
    else setAnchor(next);
    setCurrent(next);
    setFocus({ index: next });
  };
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
    for (const item of toolItems()) {
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
    (item: LibraryItem, index: number) => (
      <ImageCard
        item={item}
        index={index}
        tabStop={index === tabStop}
        onActivate={activate}
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
    [idleReason, parsed.labels, selected, select, removeImages, correct, moreLike, showWhere, tabStop, activate],
  );
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
  const tools = (
    <>
      <section className="tools-group" aria-label={t.imagesHeading(images.length)}>
        {selectedItems.length > 0 && <p className="hint">{t.exportSelection(selectedItems.length)}</p>}
        <ExportTools
          canExport={snapshot.progress.done > 0}
          onExport={exportResults}
          imageCount={images.length}
          onClear={onClear}
        />
      </section>
      <section className="tools-group library-rules">
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
        <SortActions items={toolItems} independent={snapshot.scoring === 'sigmoid'} />
      </section>
      <WorkSummary work={snapshot.work} />
    </>
  );
  return (
    <section className="results" aria-labelledby="results-heading">
      {toolsSlot && createPortal(tools, toolsSlot)}
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
      {snapshot.scoring === 'sigmoid' && <p className="notice">{t.independentNotice}</p>}
      {/* Until the deferred copy catches up with new labels, the scores shown are dimmed and marked busy, not current. */}
      <div className={updating ? 'library-view updating' : 'library-view'} aria-busy={updating}>
        {shown.length === 0 ? (
          <p className="hint">{t.nothingMatches}</p>
        ) : view === 'table' ? (
          <ResultsTable items={shown} labels={parsed.labels} sort={sort} onSort={setSort} />
        ) : (
          <>
            <p id="photos-hint" className="visually-hidden">
              {t.photosHint}
            </p>
            <LibraryGrid
              items={shown}
              itemKey={(item) => item.id}
              renderItem={renderCard}
              label={t.photos}
              describedBy="photos-hint"
              focus={focus}
              onKey={onGridKey}
            />
          </>
        )}
      </div>
      {viewing !== null && shown.length > 0 && (
        <PhotoViewer
          items={shown}
          index={Math.min(viewing, shown.length - 1)}
          labels={parsed.labels}
          idleReason={idleReason}
          onIndex={setViewing}
          onClose={(index) => {
            setViewing(null);
            setCurrent(index);
            setAnchor(index);
            setFocus({ index });
          }}
          onCorrect={correct}
          onMoreLike={moreLike}
          onWhere={showWhere}
        />
      )}
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
