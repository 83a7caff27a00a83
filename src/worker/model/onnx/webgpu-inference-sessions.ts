/**
 * WebGPU sessions from 8-bit files, and the proof that their numbers are right.
 *
 * `inference-session-factory.ts` hands each WebGPU session's bytes here. Its 8-bit graph is rewritten into
 * float operations on dequantized weights (`webgpu-graph.ts`), and ONNX Runtime is asked to fold
 * those weights at creation; the bytes stored in the model store stay as downloaded. The rewrite
 * is redone at each load (a pass over the graph's nodes and one copy of the file; see the
 * `webgpu-graph-rewrite` performance measures), which costs far less than caching a float copy
 * four times the download's size.
 *
 * The self-check runs a fixed probe through a WebGPU session and through a CPU (WASM) session made
 * from the same downloaded bytes, and compares the embeddings: a GPU that computes the graph wrongly
 * (transformers.js#1728: cosine ≈ 0 on some GPUs) fails the load as a backend failure, so the page
 * moves to WASM and says why.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { BackendError } from '../model-errors.ts';
import { FOLD_DEQUANTIZE, rewriteForWebGpu } from './webgpu-graph.ts';
import type { CreateSession } from './inference-session-factory.ts';

/** The downloaded bytes of each WebGPU session, kept until its self-check has run. */
const sources = new WeakMap<ort.InferenceSession, Uint8Array>();

export function isWebGpu(options: ort.InferenceSession.SessionOptions | undefined): boolean {
  return (options?.executionProviders ?? []).some(
    (provider) => (typeof provider === 'string' ? provider : provider.name) === 'webgpu',
  );
}

/** A WebGPU session of `model`, its 8-bit graph rewritten into float operations first (`inference-session-factory.ts` calls it). */
export async function createWebGpuSession(
  create: CreateSession,
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions | undefined,
): Promise<ort.InferenceSession> {
  const started = performance.now();
  const rewritten = rewriteForWebGpu(model);
  const rewrittenAt = performance.now();
  const session = rewritten
    ? await create(rewritten.bytes, { ...options, extra: { ...options?.extra, ...FOLD_DEQUANTIZE } })
    : await create(model, options);
  sources.set(session, model);
  if (rewritten) {
    performance.measure('webgpu-graph-rewrite', {
      start: started,
      end: rewrittenAt,
      detail: { ...rewritten.report, bytes: model.byteLength, sessionMs: performance.now() - rewrittenAt },
    });
  }
  return session;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}

/** The lowest cosine between corresponding rows (last dimension) of two outputs; NaN anywhere gives NaN. */
export function lowestRowCosine(a: Float32Array, b: Float32Array, width: number): number {
  let lowest = 1;
  for (let start = 0; start < a.length; start += width) {
    const value = cosine(a.subarray(start, start + width), b.subarray(start, start + width));
    if (!(value >= lowest)) lowest = value; // NaN sticks
  }
  return lowest;
}

/**
 * Embeddings from WebGPU and from the CPU may differ by the CPU's activation quantisation
 * (8-bit files) or by summation order; a GPU that computes wrongly gives unrelated vectors.
 */
export const SELF_CHECK_MIN_COSINE = 0.99;

export interface SelfCheckResult {
  /** Lowest row cosine per output compared. */
  cosines: Record<string, number>;
  ms: number;
}

/**
 * Runs `feeds` through the WebGPU `session` and through a WASM session made from the same
 * downloaded file, and compares `outputs`. Throws a BackendError when they disagree. `tamper`
 * (tests only) spoils the CPU reference, as a GPU computing wrongly would look.
 */
export async function selfCheck(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputs: string[],
  { tamper = false }: { tamper?: boolean } = {},
): Promise<SelfCheckResult> {
  const started = performance.now();
  const source = sources.get(session);
  if (!source) throw new BackendError('the WebGPU self-check found no model file to compare with.');
  const inputs = Object.fromEntries(session.inputNames.map((name) => [name, feeds[name]]));
  const gpu = await session.run(inputs, outputs);
  // Through the app's factory: a WASM session like the CPU path's own.
  const cpuSession = await ort.InferenceSession.create(source, { executionProviders: ['wasm'] });
  let cpu: ort.InferenceSession.ReturnType;
  try {
    cpu = await cpuSession.run(inputs, outputs);
  } finally {
    await cpuSession.release();
  }
  const cosines: Record<string, number> = {};
  for (const name of outputs) {
    const reference = Float32Array.from(cpu[name].data as Float32Array);
    if (tamper) reference.reverse();
    cosines[name] = lowestRowCosine(gpu[name].data as Float32Array, reference, gpu[name].dims.at(-1) ?? 1);
  }
  const result = { cosines, ms: performance.now() - started };
  performance.measure('webgpu-self-check', { start: started, detail: result });
  const failed = Object.entries(cosines).find(([, value]) => !(value >= SELF_CHECK_MIN_COSINE));
  if (failed) {
    const [output, cosine] = failed;
    throw new BackendError(
      `WebGPU self-check: ${output} cosine ${cosine} to the CPU's, needs ${SELF_CHECK_MIN_COSINE}`,
      {
        output: output.startsWith('image') ? 'image' : 'text',
        cosine,
        needed: SELF_CHECK_MIN_COSINE,
      },
    );
  }
  return result;
}

/** Lets the downloaded bytes of a session go once its self-check is done. */
export function releaseSource(session: ort.InferenceSession): void {
  sources.delete(session);
}
