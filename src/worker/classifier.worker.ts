/**
 * The classifier worker: turns the page's messages into calls on the classifier service, and the
 * service's replies into messages. Nothing else lives here.
 */
import type { WorkerRequest } from '../shared/protocol.ts';
import { ClassifierService } from './service/classifier-service.ts';
import { CROP, GRID, gridCrops } from './images/crops.ts';
import { decodeImage } from './images/decode-image.ts';
import { createImageReader } from './images/image-reader.ts';
import { coreLeftForReading } from './model/onnx/runtime.ts';
import { Library } from './library/library.ts';
import { exportLibrary, importLibrary } from './library/backup.ts';
import { LibraryStore } from './library/library-store.ts';
import { TabSync } from './library/tab-sync.ts';
import { createModelLoader } from './model/model-loader.ts';
import { ModelStore } from './storage/model-store.ts';
import { withSimulatedFailures } from './service/simulated-failures.ts';
import { TEST_HOOKS } from '../shared/test-hooks.ts';

declare const self: DedicatedWorkerGlobalScope;

const store = new ModelStore();
const loader = createModelLoader(store);
const libraryStore = new LibraryStore();
const service = new ClassifierService({
  post: (reply, transfer) => self.postMessage(reply, transfer ?? []),
  // `?simulate=` exists only in development and test builds.
  loadModel: TEST_HOOKS ? withSimulatedFailures(loader) : loader,
  store,
  // Every tab's worker shares the library: writes under one Web Lock, changes told on a BroadcastChannel.
  library: new Library(libraryStore, { sync: TabSync.forWorker() }),
  models: { get: (request) => libraryStore.model(request), put: (record) => libraryStore.putModel(record) },
  texts: {
    get: (key, prompts) => libraryStore.texts(key, prompts),
    put: (key, entries) => libraryStore.putTexts(key, entries),
  },
  backup: {
    export: (options) => exportLibrary(libraryStore, options),
    import: (file) => importLibrary(libraryStore, file),
  },
  readImage: createImageReader(() => coreLeftForReading(navigator.hardwareConcurrency || 1)),
  gpuAdapter: async () => {
    const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
    if (!adapter) return null;
    const { vendor, architecture, description } = adapter.info;
    return [vendor, architecture, description].filter(Boolean).join(' ') || 'WebGPU adapter';
  },
  crops: async (blob) => ({ crops: await gridCrops(blob, decodeImage), columns: GRID, rows: GRID, cropSize: CROP }),
});

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  void service.receive(event.data);
});
