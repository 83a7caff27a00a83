import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { markLabelsApplied, markSearchStarted } from './platform/bench-marks.ts';
import { I18nProvider } from './components/I18nProvider.tsx';
import { isolateOnStaticHosts } from './platform/cross-origin-isolation.ts';
import { isSvg, rasteriseSvg } from './platform/rasterise-svg.ts';
import { ClassifierSession } from './session/classifier-session.ts';
import { Thumbnails } from './session/thumbnails.ts';
import { readUrlSettings, writeUrlSettings } from './session/url-settings.ts';
import { SessionContext } from './hooks/use-session.ts';
import { ThumbnailsContext } from './hooks/use-thumbnail.ts';
import { webGPUProbe } from './platform/webgpu-probe.ts';
import { deviceHints } from './platform/device-hints.ts';
import { TEST_HOOKS } from '../shared/test-hooks.ts';
import './styles.css';

/** The page's one session: the model it holds is too large to load twice. */
const session = new ClassifierSession({
  settings: readUrlSettings(),
  probeWebGPU: webGPUProbe,
  saveSettings: writeUrlSettings,
  // SVG is drawn on the page (workers cannot decode it), then classified like any bitmap.
  prepareFile: async (file) => (isSvg(file) ? rasteriseSvg(file) : file),
  onLabelsApplied: markLabelsApplied,
  onSearchStarted: markSearchStarted,
  deviceHints,
});
session.start();
// The one-time reload for cross-origin isolation waits until nothing is loading or classifying.
isolateOnStaticHosts({ isBusy: () => session.isBusy(), subscribe: session.subscribe });
// The library is stored by the worker; only images not yet handed to it would be lost by leaving.
window.addEventListener('beforeunload', (event) => {
  if (session.hasUnsavedWork()) event.preventDefault();
});
// Test builds only: lets an end-to-end test kill the classifier worker as a crash would.
if (TEST_HOOKS) Object.assign(window, { __classifierTestHooks: { crashWorker: () => session.worker.crashForTest() } });
const thumbnails = new Thumbnails(() => session.worker);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <SessionContext value={session}>
      <ThumbnailsContext value={thumbnails}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </ThumbnailsContext>
    </SessionContext>
  </StrictMode>,
);
