/** Configures transformers.js and ONNX Runtime for this app, before any model is created. */
import { env } from '@huggingface/transformers';
// Served from the app's own origin (hashed assets in the build), never from a CDN.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { ModelSource } from '../shared/protocol.ts';
import { chooseThreadCount } from './threads.ts';

export function configureRuntime(source: ModelSource): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `${source.host}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  // Model storage is the app's own business; the runtime files are served by the app.
  env.useBrowserCache = false;
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.wasmPaths = {
      wasm: new URL(ortWasmUrl, self.location.href).href,
      mjs: new URL(ortMjsUrl, self.location.href).href,
    };
    wasm.numThreads = chooseThreadCount(navigator.hardwareConcurrency || 1, self.crossOriginIsolated);
    wasm.proxy = false;
  }
}

export function wasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}
