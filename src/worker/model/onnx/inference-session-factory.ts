/**
 * ONNX Runtime's session factory as this app uses it. transformers.js hands `InferenceSession.create`
 * each model file's bytes: the one place that sees both the bytes and the execution provider.
 * Wrapped once:
 * - a WebGPU session of an 8-bit graph runs its rewrite (`webgpu-inference-sessions.ts`);
 * - a WASM session gets its large initializers as external data that is the file itself, so the
 *   weights are copied into WASM memory once, as tensors, instead of also as a copy of the file and
 *   as the parsed protobuf (memory that WASM never gives back);
 * - sessions are created one at a time: ONNX Runtime mounts external data in one table that every
 *   creation clears when it ends, and creation is single-threaded work anyway.
 * The bytes in the model store stay exactly as downloaded.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { externaliseInitializers } from './onnx-wire.ts';
import { createWebGpuSession, isWebGpu } from './webgpu-inference-sessions.ts';

export type CreateSession = (
  model: Uint8Array,
  options?: ort.InferenceSession.SessionOptions,
) => Promise<ort.InferenceSession>;

/** The file name the weights are mounted under while a session is created. */
const WEIGHTS = 'weights.bin';

let installed = false;
/** Checked before every session is created: the current load's integrity (see StoreCache.assertIntact). */
let sessionGuard: (() => Promise<void> | void) | null = null;

/** The check the next sessions must pass (the worker loads one model at a time). */
export function setSessionGuard(guard: (() => Promise<void> | void) | null): void {
  sessionGuard = guard;
}
let queue: Promise<unknown> = Promise.resolve();

/** One creation after another, whatever the callers await. */
function serially<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work, work);
  queue = result.catch(() => undefined);
  return result;
}

/** A WASM session whose initializers over 1 kB are read from the file's own bytes as external data. */
export function createWasmSession(
  create: CreateSession,
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions | undefined,
): Promise<ort.InferenceSession> {
  if (options?.externalData) return create(model, options);
  let graph: Uint8Array | null = null;
  try {
    graph = externaliseInitializers(model, WEIGHTS);
  } catch {
    // Bytes this reader cannot walk go to ONNX Runtime as they are: its parser words the failure.
  }
  if (!graph) return create(model, options);
  return create(graph, { ...options, externalData: [{ path: WEIGHTS, data: model }] });
}

/** Installs the wrapper on ONNX Runtime's session factory (once; later calls do nothing). */
export function installSessionFactory(): void {
  if (installed) return;
  installed = true;
  const factory = ort.InferenceSession as { create: CreateSession };
  const create: CreateSession = factory.create.bind(ort.InferenceSession);
  factory.create = (model, options) =>
    serially(async () => {
      await sessionGuard?.();
      if (!(model instanceof Uint8Array)) return create(model, options);
      return isWebGpu(options)
        ? createWebGpuSession(create, model, options)
        : createWasmSession(create, model, options);
    });
}
