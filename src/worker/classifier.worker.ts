/**
 * The classifier worker: turns the page's messages into calls on the classifier service, and the
 * service's replies into messages. Nothing else lives here.
 */
import type { WorkerRequest } from '../shared/protocol.ts';
import { ClassifierService } from './classifier-service.ts';
import { decodeImage } from './decode-image.ts';
import { createModelLoader } from './model-loader.ts';
import { ModelStore } from './model-store.ts';
import { withSimulatedFailures } from './simulated-failures.ts';

declare const self: DedicatedWorkerGlobalScope;

const store = new ModelStore();
const service = new ClassifierService({
  post: (reply) => self.postMessage(reply),
  loadModel: withSimulatedFailures(createModelLoader(store)),
  store,
  decodeImage,
});

self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  void service.receive(event.data);
});
