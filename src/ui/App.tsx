import { useCallback, useRef, useState } from 'react';
import { formatBytes } from '../shared/format.ts';
import type { FolderFile } from '../shared/protocol.ts';
import type { PromptSettings } from '../shared/template.ts';
import type { Scoring } from '../shared/types.ts';
import { useI18n } from './i18n/i18n.ts';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { ImageUrlForm } from './components/ImageUrlForm.tsx';
import { WebcamCapture } from './components/WebcamCapture.tsx';
import { PromptOptions } from './components/PromptOptions.tsx';
import { DropZone } from './components/DropZone.tsx';
import { AddImagesInput } from './components/AddImagesInput.tsx';
import { usePageDrop } from './hooks/use-page-drop.ts';
import { TrashDialog } from './components/TrashDialog.tsx';
import { DuplicatesDialog } from './components/DuplicatesDialog.tsx';
import { BackupControls } from './components/BackupControls.tsx';
import { FolderControls } from './components/FolderControls.tsx';
import { LabelLanguageNotice } from './components/LabelLanguageNotice.tsx';
import { LabelsInput } from './components/LabelsInput.tsx';
import { LibrarySection } from './components/LibrarySection.tsx';
import { LibraryNotices } from './components/LibraryNotices.tsx';
import { usePersistOnce } from './platform/persist-storage.ts';
import { ModelStatus } from './components/ModelStatus.tsx';
import { SearchBox } from './components/SearchBox.tsx';
import { SettingsForm } from './components/SettingsForm.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { DeviceTest } from './components/DeviceTest.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { ToolsDrawer } from './components/ToolsDrawer.tsx';
import { ToolsSlotContext, useToolsDrawer } from './hooks/use-tools-drawer.ts';
import { importFailureMessage, libraryProblemMessage, recoveryMessage, storageNoticeMessage } from './i18n/messages.ts';
import { useIsolationPending } from './platform/cross-origin-isolation.ts';
import type { FileToAdd, SettingsChange } from './session/classifier-session.ts';
import { useSession, useSessionValue } from './hooks/use-session.ts';

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

/**
 * The page: a top bar (labels, search, Tools, Settings), the model's state on one line, then the
 * photos, with every other tool in the Tools drawer. Each part reads only its own slice of the
 * session, so a batch of scores re-renders the library and nothing else.
 */
export function App() {
  const { t } = useI18n();
  usePersistOnce();
  const session = useSession();
  const settings = useSessionValue((s) => s.settings);
  const problems = useSessionValue((s) => s.problems);
  const model = useSessionValue((s) => s.model);
  const backend = useSessionValue((s) => s.backend);
  const parsed = useSessionValue((s) => s.labels);
  const library = useSessionValue((s) => s.library);
  const hasImages = useSessionValue((s) => s.images.length > 0);
  const recovery = useSessionValue((s) => s.recovery);
  const isolationPending = useIsolationPending();
  const { source } = settings;
  const [importMessage, setImportMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const [skipped, setSkipped] = useState(0);
  const modelScoring = model.phase === 'ready' ? model.info.scoring : null;
  const drawer = useToolsDrawer();
  const [toolsButton, setToolsButton] = useState<HTMLButtonElement | null>(null);
  const [toolsSlot, setToolsSlot] = useState<HTMLElement | null>(null);
  const { setOpen: setDrawerOpen } = drawer;
  const closeDrawer = useCallback(() => setDrawerOpen(false), [setDrawerOpen]);

  const addImages = useCallback((files: Iterable<File | FileToAdd>) => void session.addImages(files), [session]);
  const addFolder = useCallback((handle: FileSystemDirectoryHandle) => session.addFolder(handle), [session]);
  const rescan = useCallback((id: string) => session.rescanFolder(id), [session]);
  const applySettings = useCallback((change: SettingsChange) => session.applySettings(change), [session]);
  const setLabels = useCallback((text: string) => session.setLabelsText(text), [session]);
  const setPrompt = useCallback((prompt: PromptSettings) => session.setPrompt(prompt), [session]);
  const setScoring = useCallback((mode: Scoring) => session.setScoringMode(mode), [session]);
  const folderPicked = useCallback(
    (files: FileToAdd[], count: number) => {
      setSkipped(count);
      addImages(files);
    },
    [addImages],
  );
  const switchModel = useCallback(
    (modelId: string) =>
      session.applySettings({
        source: { ...settings.source, modelId },
        hostAsTyped: settings.hostAsTyped,
        runtime: settings.runtime,
      }),
    [session, settings],
  );

  const dragging = usePageDrop({ onFiles: addImages, onFolder: addFolder, onSkipped: setSkipped });
  const picker = useRef<HTMLInputElement>(null);
  const openPicker = useCallback(() => picker.current?.click(), []);

  const importFolder = useCallback(
    (picked: File[]) => {
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
    },
    [session, t],
  );

  const notices = model.phase === 'ready' ? model.info.notices : [];

  return (
    <ToolsSlotContext.Provider value={toolsSlot}>
      <div className={drawer.open && drawer.docked ? 'app tools-docked' : 'app'}>
        <header className="top-bar">
          <h1>{t.appTitle}</h1>
          <div className="top-labels">
            <LabelsInput value={settings.labels} onChange={setLabels} parsed={parsed} />
          </div>
          <SearchBox />
          {hasImages && <DropZone compact dragging={dragging} onOpen={openPicker} />}
          <AddImagesInput ref={picker} onFiles={addImages} />
          <div className="header-actions">
            <button
              ref={setToolsButton}
              type="button"
              className="secondary tools-button"
              aria-expanded={drawer.open}
              aria-controls="tools"
              onClick={() => drawer.setOpen(!drawer.open)}
            >
              {t.tools}
            </button>
            <SettingsForm
              key={`${source.modelId}@${source.host}`}
              source={source}
              runtime={settings.runtime}
              open={model.phase === 'error' && model.failure.code === 'host-unreachable'}
              dtypes={backend?.dtypes ?? []}
              onChange={applySettings}
              onImportFolder={importFolder}
            >
              <StoragePanel refreshKey={model.phase === 'ready' ? `ready ${model.info.modelId}` : model.phase} />
              <DeviceTest />
            </SettingsForm>
            <LanguageSwitch />
          </div>
        </header>
        <div className="workspace">
          <main>
            <UpdatePrompt />
            <ModelStatus
              model={model}
              source={source}
              device={backend?.device ?? null}
              onCancel={() => session.cancelLoad()}
              onRetry={() => session.retryLoad()}
              onAcceptDownload={() => session.acceptDownload()}
              onDeclineDownload={() => session.declineDownload()}
              onPrecision={(dtype) => session.applySettings({ ...settings, runtime: { ...settings.runtime, dtype } })}
              onModel={switchModel}
            />
            <div className="model-notices" aria-live="polite">
              {backend?.fallbackReason && (
                <p className="notice warning">
                  {t.webgpuFailed(
                    backend.selfCheck
                      ? t.webgpuSelfCheck(backend.selfCheck)
                      : backend.fallbackReason.replace(/[.\s]+$/, ''),
                  )}
                </p>
              )}
              {importMessage && (
                <p className={importMessage.failed ? 'notice error' : 'notice'}>{importMessage.text}</p>
              )}
              {notices.map((notice) => (
                <p key={notice.kind} className="notice warning">
                  {storageNoticeMessage(t, notice, source.modelId)}
                </p>
              ))}
              {library.problem && <p className="notice warning">{libraryProblemMessage(t, library.problem)}</p>}
              {recovery && <p className="notice warning">{recoveryMessage(t, recovery)}</p>}
              {isolationPending && <p className="notice">{t.isolationPending}</p>}
              {skipped > 0 && <p className="notice">{t.skippedFiles(skipped)}</p>}
            </div>
            {problems.map((problem) => (
              <p key={problem.kind} role="alert" className="error">
                {problem.kind === 'model' ? t.badModelId(problem.value) : t.badHostParam(problem.value)} {t.useDefault}
              </p>
            ))}
            <LabelLanguageNotice
              labels={parsed.labels}
              model={model.phase === 'ready' ? model.info : null}
              modelId={source.modelId}
              onSwitch={switchModel}
            />
            {!hasImages && <DropZone compact={false} dragging={dragging} onOpen={openPicker} />}
            <LibraryNotices />
            <LibrarySection />
          </main>
          <ToolsDrawer
            open={drawer.open}
            docked={drawer.docked}
            onClose={closeDrawer}
            opener={toolsButton}
            onSlot={setToolsSlot}
          >
            <section className="tools-group" aria-label={t.imagesAndLabels}>
              <PromptOptions
                prompt={settings.prompt}
                onPromptChange={setPrompt}
                modelScoring={modelScoring}
                scoring={settings.mode}
                onScoringChange={setScoring}
              />
            </section>
            <section className="tools-group tools-add">
              <FolderControls folders={library.folders} onFolder={addFolder} onFiles={folderPicked} onRescan={rescan} />
              <ImageUrlForm onFiles={addImages} />
              <WebcamCapture onFiles={addImages} />
              <BackupControls />
            </section>
            <section className="tools-group trash-tools">
              <TrashDialog />
              <DuplicatesDialog />
            </section>
          </ToolsDrawer>
        </div>
        <footer className="app-footer">
          <p>
            {t.tagline} {t.footer}
          </p>
        </footer>
      </div>
    </ToolsSlotContext.Provider>
  );
}
