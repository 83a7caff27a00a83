/**
 * `?simulate=`: WebGPU failures caused on purpose, to try the WASM fallback on a machine whose GPU
 * works; and ONNX Runtime running out of memory, on a picture that is pure magenta, to try the
 * recovery without exhausting a real heap (a batch without one runs normally). A wrapper around the loader and the loaded model, applied only when asked, so production
 * paths carry no test branches.
 */
import type { RawImage } from '@huggingface/transformers';
import type { ModelLoader } from './classifier-service.ts';
import type { LoadedModel } from './loaded-model.ts';
import { BackendError } from './model-errors.ts';
import { webgpuDevice } from './runtime.ts';

/** The GPU device really goes away, as when a driver resets mid-session. */
async function loseGpuDevice(): Promise<never> {
  const device = await webgpuDevice();
  device?.destroy();
  await device?.lost;
  throw new BackendError('the GPU device was lost (destroyed).');
}

/** Pure magenta at the first pixel: the marker of a picture that "runs out of memory". */
function isMagenta(image: RawImage): boolean {
  return image.data[0] === 255 && image.data[1] === 0 && image.data[2] === 255;
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

function runningOutOfMemory(model: LoadedModel): LoadedModel {
  return withEncodeImages(model, async (images) => {
    // What ONNX Runtime's WASM build says when its heap cannot grow.
    if (images.some(isMagenta)) throw new Error('Aborted(OOM) (simulated). Build with -sASSERTIONS for more info.');
    return model.encodeImages(images);
  });
}

function failingModel(model: LoadedModel, failure: 'run-error' | 'device-lost'): LoadedModel {
  return withEncodeImages(model, async () => {
    if (failure === 'device-lost') return loseGpuDevice();
    throw new BackendError('simulated failure of a WebGPU inference.');
  });
}

export function withSimulatedFailures(load: ModelLoader): ModelLoader {
  return async (options, progress, signal) => {
    if (options.simulate === 'out-of-memory') return runningOutOfMemory(await load(options, progress, signal));
    const failure = options.device === 'webgpu' ? options.simulate : null;
    if (failure === 'session-error') throw new BackendError('simulated failure while creating the WebGPU sessions.');
    const model = await load(options, progress, signal);
    // 'wrong-probe' is carried out by the loader's self-check itself.
    return failure === 'run-error' || failure === 'device-lost' ? failingModel(model, failure) : model;
  };
}
