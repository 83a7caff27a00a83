import { useCallback, useEffect, useMemo, useState } from 'react';
import { runtimeSettingsFromParams, type RuntimeSettings } from '../shared/backend.ts';
import { parseLabels } from '../shared/labels.ts';
import { DEFAULT_HOST, modelSourceFromParams } from '../shared/model-source.ts';
import { SIMULATED_FAILURES, type ModelSource, type SimulatedFailure } from '../shared/protocol.ts';
import { DEFAULT_TEMPLATE } from '../shared/template.ts';
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

function initialSource(): { source: ModelSource; problems: string[] } {
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
  const [{ source, problems }, setSourceState] = useState(initialSource);
  const [runtime, setRuntime] = useState(initialRuntime);
  const [simulate] = useState(simulatedFailure);
  const { backend, fallBack } = useBackend(runtime);
  const [labelsText, setLabelsText] = useState('');
  const settledText = useDebounced(labelsText, LABELS_DEBOUNCE_MS);
  const parsed = useMemo(() => parseLabels(settledText), [settledText]);
  useEffect(() => {
    // A User Timing mark, for the benchmark's "label added → re-ranked" figure.
    performance.mark('labels-applied', { detail: parsed.labels.length });
  }, [parsed]);

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
    template: DEFAULT_TEMPLATE,
  });
  const { model, images, resultKey } = classifier;

  const changeSettings = useCallback((change: SettingsChange) => {
    writeSettingsToUrl(change);
    setSourceState({ source: change.source, problems: [] });
    setRuntime(change.runtime);
  }, []);

  const idleReason =
    model.phase === 'error' || model.phase === 'cancelled'
      ? 'Waiting for a model.'
      : model.phase === 'loading'
        ? 'Waiting for the model to load…'
        : parsed.labels.length === 0
          ? 'Type candidate labels to classify this image.'
          : null;
  const notices = model.phase === 'ready' ? model.info.notices : [];
  const busyImages =
    idleReason === null && !classifier.stopped ? classifier.progress.total - classifier.progress.done : 0;

  return (
    <div className="app">
      <header className="app-header">
        <h1>Zero-shot image classifier</h1>
        <p className="tagline">
          Drop images, type labels, see how well each label fits. The model runs on your device: images never leave your
          browser.
        </p>
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
            <p className="notice warning">
              WebGPU failed: {backend.fallbackReason.replace(/[.\s]+$/, '')}; running on the CPU (WASM).
            </p>
          )}
          {notices.map((notice) => (
            <p key={notice.kind} className="notice warning">
              {storageNoticeMessage(notice, source.modelId)}
            </p>
          ))}
        </div>
        {problems.map((problem) => (
          <p key={problem} role="alert" className="error">
            {problem} Using the default instead.
          </p>
        ))}
        <SettingsForm
          key={`${source.modelId}@${source.host}`}
          source={source}
          runtime={runtime}
          open={model.phase === 'error' && model.error.name === 'HostUnreachable'}
          onChange={changeSettings}
        />
        <section className="inputs" aria-label="Images and labels">
          <DropZone onFiles={classifier.addImages} />
          <LabelsInput value={labelsText} onChange={setLabelsText} parsed={parsed} />
        </section>
        {images.length > 0 && (
          <section className="results" aria-labelledby="results-heading">
            <div className="results-header">
              <h2 id="results-heading">
                {images.length} image{images.length === 1 ? '' : 's'}
              </h2>
              <button type="button" className="secondary" onClick={classifier.clearImages}>
                Clear all
              </button>
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
            <WorkSummary work={classifier.work} />
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
          </section>
        )}
        <StoragePanel
          store={store}
          refreshKey={model.phase === 'ready' ? `ready ${model.info.modelId}` : model.phase}
        />
      </main>
      <footer className="app-footer">
        <p>
          Template: <q>{DEFAULT_TEMPLATE}</q> · Powered by transformers.js and ONNX Runtime Web.
        </p>
      </footer>
    </div>
  );
}
