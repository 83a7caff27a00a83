import { useCallback, useMemo, useState } from 'react';
import { parseLabels } from '../shared/labels.ts';
import { DEFAULT_HOST, modelSourceFromParams } from '../shared/model-source.ts';
import type { ModelSource } from '../shared/protocol.ts';
import { DEFAULT_TEMPLATE } from '../shared/template.ts';
import { DropZone } from './components/DropZone.tsx';
import { ImageCard } from './components/ImageCard.tsx';
import { LabelsInput } from './components/LabelsInput.tsx';
import { ModelSourceForm } from './components/ModelSourceForm.tsx';
import { ModelStatus } from './components/ModelStatus.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { storageNoticeMessage } from './messages.ts';
import { useClassifier } from './use-classifier.ts';
import { useDebounced } from './use-debounced.ts';
import { useModelStore } from './use-model-store.ts';

const LABELS_DEBOUNCE_MS = 250;

function initialSource(): { source: ModelSource; problems: string[] } {
  return modelSourceFromParams(new URLSearchParams(location.search), location.origin);
}

/** Keeps the model choice in the address bar, so a reload or a shared link loads the same model. */
function writeSourceToUrl(source: ModelSource, hostAsTyped: string): void {
  const url = new URL(location.href);
  url.searchParams.set('model', source.modelId);
  if (source.host === DEFAULT_HOST) url.searchParams.delete('host');
  else url.searchParams.set('host', hostAsTyped || source.host);
  history.replaceState(null, '', url);
}

export function App() {
  const [{ source, problems }, setSourceState] = useState(initialSource);
  const [labelsText, setLabelsText] = useState('');
  const settledText = useDebounced(labelsText, LABELS_DEBOUNCE_MS);
  const parsed = useMemo(() => parseLabels(settledText), [settledText]);

  const store = useModelStore();
  const classifier = useClassifier({
    store,
    source,
    device: 'wasm',
    dtype: 'q8',
    labels: parsed.labels,
    template: DEFAULT_TEMPLATE,
  });
  const { model, images, resultKey } = classifier;

  const changeSource = useCallback((next: ModelSource, hostAsTyped: string) => {
    writeSourceToUrl(next, hostAsTyped);
    setSourceState({ source: next, problems: [] });
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
    idleReason === null ? images.filter((image) => !image.error && image.result?.key !== resultKey).length : 0;

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
          onCancel={classifier.cancelLoad}
          onRetry={classifier.retryLoad}
        />
        {notices.length > 0 && (
          <div className="model-notices" aria-live="polite">
            {notices.map((notice) => (
              <p key={notice.kind} className="notice warning">
                {storageNoticeMessage(notice, source.modelId)}
              </p>
            ))}
          </div>
        )}
        {problems.map((problem) => (
          <p key={problem} role="alert" className="error">
            {problem} Using the default instead.
          </p>
        ))}
        <ModelSourceForm
          key={`${source.modelId}@${source.host}`}
          source={source}
          open={model.phase === 'error' && model.error.name === 'HostUnreachable'}
          onChange={changeSource}
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
