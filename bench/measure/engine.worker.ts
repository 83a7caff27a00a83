/**
 * Measurement worker (bench/measure/): ONNX Runtime Web used directly on fixture files, one
 * configuration per worker (WASM threads are fixed when the runtime starts). Captures ONNX
 * Runtime's log lines, so node placement can be read from its verbose log.
 */
/// <reference types="vite/client" />
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import { rewriteForWebGpu, FOLD_DEQUANTIZE } from '../../src/worker/model/onnx/webgpu-graph.ts';
import { externaliseInitializers } from '../../src/worker/model/onnx/onnx-wire.ts';

// Type-checked with the scripts (DOM lib): only what a worker scope offers is used.
declare const self: {
  location: Location;
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

const log: string[] = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    log.push(args.map(String).join(' '));
    if (level === 'error' || level === 'warn') original(...args);
  };
}

export interface Job {
  /** Fixture files, e.g. `clip-vit-b32-random/onnx/vision_model_quantized.onnx`. */
  file: string;
  device: 'wasm' | 'webgpu';
  threads: number;
  /** Rewrite the 8-bit graph for WebGPU (and fold its DequantizeLinear). */
  rewrite: boolean;
  verbose: boolean;
  runs: number;
  batch: number;
  /** Text tower input instead of pixels. */
  text?: boolean;
  /** Tokens per text (77, CLIP's context, unless said): a typed query is about 8. */
  seq?: number;
  /** Session options that change memory: ONNX Runtime's arena, and its prepacked weight copies. */
  memArena?: boolean;
  prepacking?: boolean;
  /** ONNX Runtime's WASM build: with asyncify (WebGPU's, the default) or the plain CPU-only one. */
  build?: 'asyncify' | 'plain';
  /** Large initializers handed to ONNX Runtime as external data (the file itself) instead of inside the graph. */
  external?: boolean;
  /** ONNX Runtime's intra-op threads spin while waiting for work (its default) or sleep. */
  spinning?: boolean;
}

export interface JobResult {
  createMs: number;
  rewriteMs: number | null;
  report: unknown;
  settledAfter: number;
  times: number[];
  medianMs: number;
  output: number[];
  placement: string[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function run(job: Job): Promise<JobResult> {
  const ort = await import('onnxruntime-web/webgpu');
  const plain = job.build === 'plain';
  ort.env.wasm.wasmPaths = {
    wasm: new URL(plain ? plainWasmUrl : ortWasmUrl, self.location.href).href,
    mjs: new URL(plain ? plainMjsUrl : ortMjsUrl, self.location.href).href,
  };
  ort.env.wasm.numThreads = job.threads;
  ort.env.wasm.proxy = false;
  if (job.verbose) ort.env.logLevel = 'verbose';
  const response = await fetch(`/models/fixtures/${job.file.replace('/', '/resolve/main/')}`);
  let bytes: Uint8Array = new Uint8Array(await response.arrayBuffer());
  let rewriteMs: number | null = null;
  let report: unknown = null;
  let extra: Record<string, unknown> | undefined;
  if (job.rewrite) {
    const started = performance.now();
    const rewritten = rewriteForWebGpu(bytes);
    rewriteMs = performance.now() - started;
    if (rewritten) {
      bytes = rewritten.bytes;
      report = rewritten.report;
      extra = { ...FOLD_DEQUANTIZE };
    }
  }
  let externalData: { path: string; data: Uint8Array }[] | undefined;
  if (job.external) {
    const small = externaliseInitializers(bytes, 'weights.bin');
    if (!small) throw new Error('nothing to externalise');
    externalData = [{ path: 'weights.bin', data: bytes }];
    bytes = small;
  }
  const started = performance.now();
  // Both are session config entries: one `session` object holds whichever are asked for.
  const config: Record<string, unknown> = {
    ...(job.prepacking === false ? { disable_prepacking: '1' } : {}),
    ...(job.spinning === false ? { intra_op: { allow_spinning: '0' } } : {}),
  };
  if (Object.keys(config).length > 0) extra = { ...extra, session: config };
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [job.device],
    logSeverityLevel: job.verbose ? 0 : 3,
    logVerbosityLevel: 0,
    ...(job.memArena === false ? { enableCpuMemArena: false } : {}),
    ...(extra ? { extra } : {}),
    ...(externalData ? { externalData } : {}),
  });
  const createMs = performance.now() - started;
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  if (job.text) {
    const seq = job.seq ?? 77;
    const ids = BigInt64Array.from({ length: job.batch * seq }, (_, i) =>
      BigInt(i % seq === seq - 1 ? 49407 : (i * 37) % 400),
    );
    feeds.input_ids = new ort.Tensor('int64', ids, [job.batch, seq]);
    feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(job.batch * seq).fill(1n), [job.batch, seq]);
  } else {
    const pixels = Float32Array.from({ length: job.batch * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.001) * 1.5);
    feeds.pixel_values = new ort.Tensor('float32', pixels, [job.batch, 3, 224, 224]);
  }
  const inputs = Object.fromEntries(session.inputNames.map((name) => [name, feeds[name]]));
  const output = session.outputNames.includes('image_embeds')
    ? 'image_embeds'
    : session.outputNames.includes('text_embeds')
      ? 'text_embeds'
      : session.outputNames[0];
  // Warm up until four passes in a row agree within 15% (V8 tiers WASM up after a while), at most 20.
  const recent: number[] = [];
  let result: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    result = await session.run(inputs, [output]);
    recent.push(performance.now() - t);
    const last = recent.slice(-4);
    if (last.length === 4 && Math.max(...last) < Math.min(...last) * 1.15) break;
    if (job.device === 'webgpu') break; // SwiftShader is slow: one warm-up (it compiles the shaders) is enough
  }
  const times: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    const t = performance.now();
    result = await session.run(inputs, [output]);
    times.push(performance.now() - t);
  }
  await session.release();
  const placement = log.filter((line) =>
    /VerifyEachNodeIsAssignedToAnEp|Memcpy nodes|kernel not found|Force fallback/.test(line),
  );
  return {
    createMs,
    rewriteMs,
    report,
    settledAfter: recent.length,
    times,
    medianMs: median(times),
    output: Array.from(result[output].data as Float32Array),
    placement,
  };
}

self.onmessage = (event: MessageEvent<Job>) => {
  run(event.data).then(
    (result) => self.postMessage({ ok: true, result }),
    (error: unknown) =>
      self.postMessage({ ok: false, error: String(error instanceof Error ? error.stack : error), log: log.slice(-40) }),
  );
};
