/** Configures transformers.js and ONNX Runtime for this app, before any model is created. */
import { env } from '@huggingface/transformers';
// Served from the app's own origin (hashed assets in the build), never from a CDN.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { ModelSource } from '../shared/types.ts';
import { threadCount } from './threads.ts';
import { installWebGpuGraphRewrite } from './webgpu-sessions.ts';

/** Where model files are read from and stored: the app's store (or nothing) and its checked fetch. */
export interface Transport {
  cache: {
    match(url: string): Promise<Response | undefined>;
    put(url: string, response: Response): Promise<void>;
  } | null;
  fetch: typeof fetch;
}

export function configureRuntime(source: ModelSource, transport: Transport, threads: number | null): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = `${source.host}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  // Model files live in the app's IndexedDB store only; the runtime files are served by the app.
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.useCustomCache = transport.cache !== null;
  env.customCache = transport.cache;
  env.fetch = transport.fetch;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.wasmPaths = {
      wasm: new URL(ortWasmUrl, self.location.href).href,
      mjs: new URL(ortMjsUrl, self.location.href).href,
    };
    wasm.numThreads = threadCount(threads, navigator.hardwareConcurrency || 1, self.crossOriginIsolated);
    wasm.proxy = false;
  }
  // WebGPU sessions of 8-bit files run as float operations on weights dequantized at creation.
  installWebGpuGraphRewrite();
}

export function wasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}

/** The GPU device ONNX Runtime's WebGPU backend runs on, once a WebGPU session exists. */
export async function webgpuDevice(): Promise<GPUDevice | null> {
  const webgpu = env.backends.onnx.webgpu as { device?: Promise<GPUDevice> } | undefined;
  return (await webgpu?.device) ?? null;
}
