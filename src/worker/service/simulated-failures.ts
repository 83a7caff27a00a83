/**
 * `?simulate=`: WebGPU failures caused on purpose, to try the WASM fallback on a machine whose GPU
 * works. (Running out of memory needs no simulation: `fixtures/clip-colors-hungry` really does.)
 * A wrapper around the loader and the loaded model, applied only when asked, so production paths
 * carry no test branches.
 */
import type { ModelLoader } from './classifier-service.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { BackendError } from '../model/model-errors.ts';
import { webgpuDevice } from '../model/onnx/runtime.ts';

/** The GPU device really goes away, as when a driver resets mid-session; ONNX Runtime then meets it. */
async function encodeOnLostDevice(model: LoadedModel, images: Parameters<LoadedModel['encodeImages']>[0]) {
  const device = await webgpuDevice();
  device?.destroy();
  await device?.lost;
  return model.encodeImages(images);
}

/** The model as it is, but with its vision pass replaced. */
function withEncodeImages(model: LoadedModel, encodeImages: LoadedModel['encodeImages']): LoadedModel {
  return {
    info: model.info,
    lost: model.lost,
    notices: model.notices,
    get calibration() {
      return model.calibration;
    },
    get neutral() {
      return model.neutral;
    },
    encodeTexts: (texts) => model.encodeTexts(texts),
    encodeImages,
    dispose: () => model.dispose(),
  };
}

function failingModel(model: LoadedModel, failure: 'run-error' | 'device-lost'): LoadedModel {
  return withEncodeImages(model, async (images) => {
    if (failure === 'device-lost') return encodeOnLostDevice(model, images);
    throw new BackendError('simulated failure of a WebGPU inference.');
  });
}

export function withSimulatedFailures(load: ModelLoader): ModelLoader {
  return async (options, progress, signal) => {
    const failure = options.device === 'webgpu' ? options.simulate : null;
    if (failure === 'session-error') throw new BackendError('simulated failure while creating the WebGPU sessions.');
    const model = await load(options, progress, signal);
    // 'wrong-probe' is carried out by the loader's self-check itself.
    return failure === 'run-error' || failure === 'device-lost' ? failingModel(model, failure) : model;
  };
}
