import { useCallback, useEffect, useState } from 'react';
import { backendName } from '../shared/backend.ts';
import { formatBytes } from '../shared/format.ts';
import type { FolderFile } from '../shared/protocol.ts';
import { useI18n } from './i18n.ts';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { filesFromClipboard } from './image-sources.ts';
import { download, toCsv, toJson, type ExportRow } from './export-results.ts';
import { ImageUrlForm } from './components/ImageUrlForm.tsx';
import { ResultsTable } from './components/ResultsTable.tsx';
import { WebcamCapture } from './components/WebcamCapture.tsx';
import { PromptOptions } from './components/PromptOptions.tsx';
import { ClassificationQueue } from './components/ClassificationQueue.tsx';
import { DropZone } from './components/DropZone.tsx';
import { WorkSummary } from './components/WorkSummary.tsx';
import { ImageCard } from './components/ImageCard.tsx';
import { LabelsInput } from './components/LabelsInput.tsx';
import { ModelStatus } from './components/ModelStatus.tsx';
import { SettingsForm } from './components/SettingsForm.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { importFailureMessage, storageNoticeMessage } from './messages.ts';
import { useClassifier } from './use-classifier.ts';

/** A picked folder's files with their paths inside it (`folder/onnx/model.onnx` → `onnx/model.onnx`). */
function folderFiles(picked: readonly File[]): { folder: string; files: FolderFile[] } {
  const split = (file: File) => {
    const relative = file.webkitRelativePath || file.name;
    const slash = relative.indexOf('/');
    return slash < 0
      ? { folder: '', path: relative }
      : { folder: relative.slice(0, slash), path: relative.slice(slash + 1) };
  };
  return {
    folder: picked.length > 0 ? split(picked[0]).folder : '',
    files: picked.map((file) => ({ path: split(file).path, file })),
  };
}

export function App() {
  const { t } = useI18n();
  const { snapshot, session } = useClassifier();
  const { settings, problems, model, images, resultKey, backend, labels: parsed } = snapshot;
  const { source } = settings;
  const [importMessage, setImportMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const [skipped, setSkipped] = useState(0);
  const [view, setView] = useState<'grid' | 'table'>('grid');
  const modelScoring = model.phase === 'ready' ? model.info.scoring : null;
  const addImages = useCallback((files: Iterable<File>) => session.addImages(files), [session]);
  const removeImage = useCallback((id: string) => session.removeImage(id), [session]);

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
      template: snapshot.templates.join(' | '),
      scoring: snapshot.scoring === 'softmax' ? 'softmax (pick one)' : 'sigmoid (independent)',
    };
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    if (format === 'csv') download(toCsv(rows, setup), `zero-shot-results-${stamp}.csv`, 'text/csv');
    else download(toJson(rows, setup), `zero-shot-results-${stamp}.json`, 'application/json');
  };
  const resultCount = images.filter((image) => image.result?.key === resultKey).length;

  const importFolder = (picked: File[]) => {
    const { folder, files } = folderFiles(picked);
    setImportMessage({ text: t.importing(files.length), failed: false });
    void session
      .importModelFolder(folder, files)
      .then((outcome) =>
        setImportMessage(
          outcome.ok
            ? { text: t.imported(outcome.source.modelId, outcome.files, formatBytes(outcome.bytes)), failed: false }
            : { text: importFailureMessage(t, outcome.failure), failed: true },
        ),
      );
  };

  const idleReason =
    model.phase === 'error' || model.phase === 'cancelled'
      ? t.waitingForModel
      : model.phase === 'loading'
        ? t.waitingForLoad
        : parsed.labels.length === 0
          ? t.typeLabelsForImage
          : null;
  const notices = model.phase === 'ready' ? model.info.notices : [];
  const busyImages = idleReason === null && !snapshot.stopped ? snapshot.progress.total - snapshot.progress.done : 0;

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
          onCancel={() => session.cancelLoad()}
          onRetry={() => session.retryLoad()}
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
          runtime={settings.runtime}
          open={model.phase === 'error' && model.failure.code === 'host-unreachable'}
          dtypes={backend?.dtypes ?? []}
          onChange={(change) => session.applySettings(change)}
          onImportFolder={importFolder}
        />
        <section className="inputs" aria-label="Images and labels">
          <div>
            <DropZone onFiles={addImages} onSkipped={setSkipped} />
            <ImageUrlForm onFiles={addImages} />
            <WebcamCapture onFiles={addImages} />
            {skipped > 0 && (
              <p className="notice" aria-live="polite">
                {t.skippedFiles(skipped)}
              </p>
            )}
          </div>
          <div>
            <LabelsInput value={settings.labels} onChange={(text) => session.setLabelsText(text)} parsed={parsed} />
            <PromptOptions
              prompt={settings.prompt}
              onPromptChange={(prompt) => session.setPrompt(prompt)}
              modelScoring={modelScoring}
              scoring={settings.mode}
              onScoringChange={(mode) => session.setScoringMode(mode)}
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
                <button type="button" className="secondary" onClick={() => session.clearImages()}>
                  {t.clearAll}
                </button>
              </div>
            </div>
            {model.phase === 'ready' && parsed.labels.length > 0 && (
              <ClassificationQueue
                done={snapshot.progress.done}
                total={snapshot.progress.total}
                stopped={snapshot.stopped}
                onStop={() => session.stop()}
                onResume={() => session.resume()}
              />
            )}
            <p className="visually-hidden" aria-live="polite">
              {idleReason === null && snapshot.progress.total > 0 && snapshot.progress.done === snapshot.progress.total
                ? t.classifiedAnnouncement(snapshot.progress.done, snapshot.progress.total)
                : ''}
            </p>
            <WorkSummary work={snapshot.work} />
            {snapshot.scoring === 'sigmoid' && <p className="notice">{t.independentNotice}</p>}
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
                    onRemove={removeImage}
                  />
                ))}
              </div>
            )}
          </section>
        )}
        <StoragePanel refreshKey={model.phase === 'ready' ? `ready ${model.info.modelId}` : model.phase} />
      </main>
      <footer className="app-footer">
        <p>{t.footer}</p>
      </footer>
    </div>
  );
}
