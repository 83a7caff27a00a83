import { useCallback, useEffect, useMemo, useState } from 'react';
import { runtimeSettingsFromParams, type RuntimeSettings } from '../shared/backend.ts';
import { parseLabels } from '../shared/labels.ts';
import { DEFAULT_HOST, modelSourceFromParams, type ParsedSource } from '../shared/model-source.ts';
import { formatBytes } from '../shared/format.ts';
import { LOCAL_MODELS_PATH } from '../shared/model-source.ts';
import { SIMULATED_FAILURES, type Scoring, type SimulatedFailure } from '../shared/protocol.ts';
import { DEFAULT_TEMPLATE, promptSettingsFromParams, templatesFor, type PromptSettings } from '../shared/template.ts';
import { ImportError, importModelFolder } from './import-model.ts';
import { useI18n } from './i18n.ts';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { filesFromClipboard } from './image-sources.ts';
import { download, toCsv, toJson, type ExportRow } from './export-results.ts';
import { ImageUrlForm } from './components/ImageUrlForm.tsx';
import { ResultsTable } from './components/ResultsTable.tsx';
import { WebcamCapture } from './components/WebcamCapture.tsx';
import { backendName } from '../shared/backend.ts';
import { PromptOptions } from './components/PromptOptions.tsx';
import { ClassificationQueue } from './components/ClassificationQueue.tsx';
import { DropZone } from './components/DropZone.tsx';
import { WorkSummary } from './components/WorkSummary.tsx';
import { ImageCard } from './components/ImageCard.tsx';
import { LabelsInput } from './components/LabelsInput.tsx';
import { ModelStatus } from './components/ModelStatus.tsx';
import { SettingsForm, type SettingsChange } from './components/SettingsForm.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { storageNoticeMessage } from './messages.ts';
import { useBackend } from './use-backend.ts';
import { useClassifier } from './use-classifier.ts';
import { useDebounced } from './use-debounced.ts';
import { useModelStore } from './use-model-store.ts';

const LABELS_DEBOUNCE_MS = 250;

function initialSource(): ParsedSource {
  return modelSourceFromParams(new URLSearchParams(location.search), location.origin);
}

function initialRuntime(): RuntimeSettings {
  return runtimeSettingsFromParams(new URLSearchParams(location.search));
}

/** `?simulate=` makes WebGPU fail on purpose, to try the WASM fallback (see README). */
function simulatedFailure(): SimulatedFailure | null {
  const value = new URLSearchParams(location.search).get('simulate');
  return SIMULATED_FAILURES.find((failure) => failure === value) ?? null;
}

function setParam(url: URL, name: string, value: string | null): void {
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
}

/** `?mode=one|any`: how a SigLIP model's scores are read (pick one label, or any that apply). */
function scoringFromParams(): Scoring | null {
  const mode = new URLSearchParams(location.search).get('mode');
  return mode === 'one' ? 'softmax' : mode === 'any' ? 'sigmoid' : null;
}

function writeParams(values: Record<string, string | null>): void {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(values)) setParam(url, name, value);
  history.replaceState(null, '', url);
}

/** Keeps the settings in the address bar, so a reload or a shared link loads the same model the same way. */
function writeSettingsToUrl({ source, hostAsTyped, runtime }: SettingsChange): void {
  const url = new URL(location.href);
  url.searchParams.set('model', source.modelId);
  setParam(url, 'host', source.host === DEFAULT_HOST ? null : hostAsTyped || source.host);
  setParam(url, 'device', runtime.device === 'auto' ? null : runtime.device);
  setParam(url, 'dtype', runtime.dtype);
  history.replaceState(null, '', url);
}

export function App() {
  const { t } = useI18n();
  const [{ source, problems }, setSourceState] = useState(initialSource);
  const [runtime, setRuntime] = useState(initialRuntime);
  const [simulate] = useState(simulatedFailure);
  const [prompt, setPrompt] = useState(() => promptSettingsFromParams(new URLSearchParams(location.search)));
  const [scoringChoice, setScoringChoice] = useState(scoringFromParams);
  const [importMessage, setImportMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const { backend, fallBack } = useBackend(runtime);
  const [labelsText, setLabelsText] = useState(() => new URLSearchParams(location.search).get('labels') ?? '');
  const [skipped, setSkipped] = useState(0);
  const [view, setView] = useState<'grid' | 'table'>('grid');
  const settledText = useDebounced(labelsText, LABELS_DEBOUNCE_MS);
  const parsed = useMemo(() => parseLabels(settledText), [settledText]);
  useEffect(() => {
    // A User Timing mark, for the benchmark's "label added → re-ranked" figure.
    performance.mark('labels-applied', { detail: parsed.labels.length });
  }, [parsed]);
  // The labels go into the link too (never the images), so a shared link reproduces the setup.
  useEffect(() => writeParams({ labels: settledText.trim() === '' ? null : settledText }), [settledText]);

  const settledPrompt = useDebounced(prompt, LABELS_DEBOUNCE_MS);
  const templates = useMemo(() => templatesFor(settledPrompt), [settledPrompt]);
  const store = useModelStore();

  const plan = useMemo(
    () => (backend ? { device: backend.device, dtypes: backend.dtypes, threads: runtime.threads, simulate } : null),
    [backend, runtime.threads, simulate],
  );
  const classifier = useClassifier({
    store,
    source,
    plan,
    onBackendFailure: fallBack,
    labels: parsed.labels,
    templates,
    scoring: scoringChoice,
  });
  const { model, images, resultKey } = classifier;
  const modelScoring = model.phase === 'ready' ? model.info.scoring : null;
  const { addImages } = classifier;

  // Paste anywhere: copied images or image files. Text pasted into a text field stays text.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = event.clipboardData ? filesFromClipboard(event.clipboardData) : [];
      if (files.length === 0) return;
      event.preventDefault();
      addImages(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [addImages]);

  const exportResults = (format: 'csv' | 'json') => {
    if (model.phase !== 'ready') return;
    const rows: ExportRow[] = images.flatMap((image) =>
      image.result?.key === resultKey
        ? image.result.scores.map(({ label, score }, i) => ({ file: image.name, label, score, rank: i + 1 }))
        : [],
    );
    const setup = {
      model: model.info.modelId,
      precision: model.info.dtype,
      backend: backendName(model.info.device),
      template: templates.join(' | '),
      scoring: classifier.scoring === 'softmax' ? 'softmax (pick one)' : 'sigmoid (independent)',
    };
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (format === 'csv') download(toCsv(rows, setup), `zero-shot-results-${stamp}.csv`, 'text/csv');
    else download(toJson(rows, setup), `zero-shot-results-${stamp}.json`, 'application/json');
  };
  const resultCount = images.filter((image) => image.result?.key === resultKey).length;

  const changePrompt = useCallback((next: PromptSettings) => {
    setPrompt(next);
    writeParams({
      template: next.template === DEFAULT_TEMPLATE ? null : next.template,
      ensemble: next.ensemble ? '1' : null,
    });
  }, []);
  const changeScoring = useCallback((next: Scoring) => {
    setScoringChoice(next);
    writeParams({ mode: next === 'softmax' ? 'one' : 'any' });
  }, []);

  const changeSettings = useCallback((change: SettingsChange) => {
    writeSettingsToUrl(change);
    setSourceState({ source: change.source, problems: [] });
    setRuntime(change.runtime);
  }, []);

  const importFolder = useCallback(
    (files: File[]) => {
      if (store.status !== 'ready') {
        setImportMessage({ text: t.importNeedsStorage, failed: true });
        return;
      }
      setImportMessage({ text: t.importing(files.length), failed: false });
      importModelFolder(store.store, files, location.origin).then(
        (imported) => {
          setImportMessage({
            text: t.imported(imported.source.modelId, imported.files, formatBytes(imported.bytes)),
            failed: false,
          });
          changeSettings({ source: imported.source, hostAsTyped: LOCAL_MODELS_PATH, runtime });
        },
        (error: unknown) =>
          setImportMessage({
            text: t.importFailed(
              error instanceof ImportError
                ? (error.kind === 'no-config' ? t.importNoConfig : t.importNoOnnx)(error.folder)
                : error instanceof Error
                  ? error.message
                  : String(error),
            ),
            failed: true,
          }),
      );
    },
    [store, changeSettings, runtime, t],
  );

  const idleReason =
    model.phase === 'error' || model.phase === 'cancelled'
      ? t.waitingForModel
      : model.phase === 'loading'
        ? t.waitingForLoad
        : parsed.labels.length === 0
          ? t.typeLabelsForImage
          : null;
  const notices = model.phase === 'ready' ? model.info.notices : [];
  const busyImages =
    idleReason === null && !classifier.stopped ? classifier.progress.total - classifier.progress.done : 0;

  return (
    <div className="app">
      <header className="app-header">
        <div className="app-title-row">
          <h1>{t.appTitle}</h1>
          <LanguageSwitch />
        </div>
        <p className="tagline">{t.tagline}</p>
      </header>
      <main>
        <UpdatePrompt />
        <ModelStatus
          model={model}
          source={source}
          busyImages={busyImages}
          device={backend?.device ?? null}
          onCancel={classifier.cancelLoad}
          onRetry={classifier.retryLoad}
        />
        <div className="model-notices" aria-live="polite">
          {backend?.fallbackReason && (
            <p className="notice warning">{t.webgpuFailed(backend.fallbackReason.replace(/[.\s]+$/, ''))}</p>
          )}
          {importMessage && <p className={importMessage.failed ? 'notice error' : 'notice'}>{importMessage.text}</p>}
          {notices.map((notice) => (
            <p key={notice.kind} className="notice warning">
              {storageNoticeMessage(t, notice, source.modelId)}
            </p>
          ))}
        </div>
        {problems.map((problem) => (
          <p key={problem.kind} role="alert" className="error">
            {problem.kind === 'model' ? t.badModelId(problem.value) : t.badHostParam(problem.value)} {t.useDefault}
          </p>
        ))}
        <SettingsForm
          key={`${source.modelId}@${source.host}`}
          source={source}
          runtime={runtime}
          open={model.phase === 'error' && model.error.name === 'HostUnreachable'}
          dtypes={backend?.dtypes ?? []}
          onChange={changeSettings}
          onImportFolder={importFolder}
        />
        <section className="inputs" aria-label="Images and labels">
          <div>
            <DropZone onFiles={classifier.addImages} onSkipped={setSkipped} />
            <ImageUrlForm onFiles={classifier.addImages} />
            <WebcamCapture onFiles={classifier.addImages} />
            {skipped > 0 && (
              <p className="notice" aria-live="polite">
                {t.skippedFiles(skipped)}
              </p>
            )}
          </div>
          <div>
            <LabelsInput value={labelsText} onChange={setLabelsText} parsed={parsed} />
            <PromptOptions
              prompt={prompt}
              onPromptChange={changePrompt}
              modelScoring={modelScoring}
              scoring={scoringChoice}
              onScoringChange={changeScoring}
            />
          </div>
        </section>
        {images.length > 0 && (
          <section className="results" aria-labelledby="results-heading">
            <div className="results-header">
              <h2 id="results-heading">{t.imagesHeading(images.length)}</h2>
              <div className="results-actions">
                <div className="view-switch" role="group" aria-label={t.view}>
                  <button
                    type="button"
                    className="secondary"
                    aria-pressed={view === 'grid'}
                    onClick={() => setView('grid')}
                  >
                    {t.grid}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-pressed={view === 'table'}
                    onClick={() => setView('table')}
                  >
                    {t.table}
                  </button>
                </div>
                <button
                  type="button"
                  className="secondary"
                  disabled={resultCount === 0}
                  onClick={() => exportResults('csv')}
                >
                  {t.exportCsv}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={resultCount === 0}
                  onClick={() => exportResults('json')}
                >
                  {t.exportJson}
                </button>
                <button type="button" className="secondary" onClick={classifier.clearImages}>
                  {t.clearAll}
                </button>
              </div>
            </div>
            {model.phase === 'ready' && parsed.labels.length > 0 && (
              <ClassificationQueue
                done={classifier.progress.done}
                total={classifier.progress.total}
                stopped={classifier.stopped}
                onStop={classifier.stopClassifying}
                onResume={classifier.resumeClassifying}
              />
            )}
            <p className="visually-hidden" aria-live="polite">
              {idleReason === null &&
              classifier.progress.total > 0 &&
              classifier.progress.done === classifier.progress.total
                ? t.classifiedAnnouncement(classifier.progress.done, classifier.progress.total)
                : ''}
            </p>
            <WorkSummary work={classifier.work} />
            {classifier.scoring === 'sigmoid' && <p className="notice">{t.independentNotice}</p>}
            {view === 'table' ? (
              <ResultsTable images={images} labels={parsed.labels} resultKey={resultKey} />
            ) : (
              <div className="grid">
                {images.map((image) => (
                  <ImageCard
                    key={image.id}
                    image={image}
                    resultKey={resultKey}
                    idleReason={idleReason}
                    onRemove={classifier.removeImage}
                  />
                ))}
              </div>
            )}
          </section>
        )}
        <StoragePanel
          store={store}
          refreshKey={model.phase === 'ready' ? `ready ${model.info.modelId}` : model.phase}
        />
      </main>
      <footer className="app-footer">
        <p>{t.footer}</p>
      </footer>
    </div>
  );
}
