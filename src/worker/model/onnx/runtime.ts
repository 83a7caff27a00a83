/** Configures transformers.js and ONNX Runtime for this app, before any model is created. */
import { env } from '@huggingface/transformers';
// Served from the app's own origin (hashed assets in the build), never from a CDN.
import asyncifyWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import asyncifyMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { runtimeBuildFor, type RuntimeBuild } from '../../../shared/backend.ts';
import type { Device, ModelSource } from '../../../shared/types.ts';
import { threadCount } from './threads.ts';
import { installSessionFactory } from './inference-session-factory.ts';

/** Where model files are read from and stored: the app's store (or nothing) and its checked fetch. */
export interface Transport {
  cache: {
    match(url: string): Promise<Response | undefined>;
    put(url: string, response: Response): Promise<void>;
  } | null;
  fetch: typeof fetch;
}

const BUILDS: Record<RuntimeBuild, { wasm: string; mjs: string }> = {
  asyncify: { wasm: asyncifyWasmUrl, mjs: asyncifyMjsUrl },
  plain: { wasm: plainWasmUrl, mjs: plainMjsUrl },
};

/** The ONNX Runtime build this worker started; it cannot change without a fresh worker. */
let startedBuild: RuntimeBuild | null = null;

export function configureRuntime(
  source: ModelSource,
  transport: Transport,
  threads: number | null,
  device: Device,
): void {
  const build = runtimeBuildFor(device);
  if (startedBuild !== null && startedBuild !== build) {
    // The page starts a fresh worker when the backend needs the other build; reaching here is a bug.
    throw new Error(`ONNX Runtime's ${startedBuild} build is running here; ${device} needs a fresh worker`);
  }
  startedBuild = build;
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
      wasm: new URL(BUILDS[build].wasm, self.location.href).href,
      mjs: new URL(BUILDS[build].mjs, self.location.href).href,
    };
    wasm.numThreads = threadCount(threads, navigator.hardwareConcurrency || 1, self.crossOriginIsolated);
    wasm.proxy = false;
  }
  // WebGPU sessions of 8-bit files run as float operations; WASM sessions read weights from the file's bytes.
  installSessionFactory();
}

/**
 * Whether a core is left beside ONNX Runtime for reading pictures in a worker of their own: on
 * WebGPU the GPU runs the passes; on WASM, when it runs on fewer threads than there are cores.
 */
export function coreLeftForReading(cores: number): boolean {
  return startedBuild === 'asyncify' || wasmThreads() < cores;
}

export function wasmThreads(): number {
  return env.backends.onnx.wasm?.numThreads ?? 1;
}

/** The GPU device ONNX Runtime's WebGPU backend runs on, once a WebGPU session exists. */
export async function webgpuDevice(): Promise<GPUDevice | null> {
  const webgpu = env.backends.onnx.webgpu as { device?: Promise<GPUDevice> } | undefined;
  return (await webgpu?.device) ?? null;
}
