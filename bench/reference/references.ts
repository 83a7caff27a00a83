/**
 * The benchmark's references (in a Web Worker), measured in the same browser as the app: the transformers.js
 * zero-shot pipeline called the way its documentation shows, one text-tower pass, one vision pass,
 * and ONNX Runtime sessions created from buffers already in memory. Driven by bench/run.ts.
 */
import {
  AutoImageProcessor,
  AutoTokenizer,
  CLIPModel,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  RawImage,
  env,
  pipeline,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-web/webgpu';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

interface Setup {
  host: string;
  model: string;
  threads: number;
}

/**
 * transformers.js' own choice in a browser is ONNX Runtime's asyncify build (the pipeline runs on it);
 * the bare passes and sessions the app is compared with run its CPU build, the plain one (each
 * harness call is a fresh worker).
 */
function configure({ host, threads }: Setup, build: 'asyncify' | 'plain' = 'asyncify'): void {
  env.allowLocalModels = false;
  env.remoteHost = `${host}/`;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  const wasm = env.backends.onnx.wasm!; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- always set in browsers
  wasm.wasmPaths = {
    wasm: new URL(build === 'plain' ? plainWasmUrl : ortWasmUrl, self.location.href).href,
    mjs: new URL(build === 'plain' ? plainMjsUrl : ortMjsUrl, self.location.href).href,
  };
  wasm.numThreads = threads;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs `pass` until its times settle (the browser first runs WASM on baseline code and swaps in
 * optimised code seconds later), then returns the median of `runs` more.
 */
async function settledMedian(pass: () => Promise<unknown>, runs: number): Promise<number> {
  const recent: number[] = [];
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    await pass();
    recent.push(performance.now() - started);
    const last = recent.slice(-4);
    if (last.length === 4 && Math.max(...last) < Math.min(...last) * 1.15) break;
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await pass();
    times.push(performance.now() - started);
  }
  return median(times);
}

const references = {
  /** The documented way: a pipeline, then one call per image with the candidate labels. */
  async pipeline(
    setup: Setup,
    imageUrls: string[],
    labels: string[],
    template: string,
  ): Promise<{ ms: number; scores: Record<string, number>[] }> {
    configure(setup);
    const classifier = await pipeline('zero-shot-image-classification', setup.model, { device: 'wasm', dtype: 'q8' });
    // The app's template, so both sides do the same work.
    const options = { hypothesis_template: template };
    await classifier(imageUrls[0], labels, options); // warm-up, as the app warms up too
    const started = performance.now();
    const scores: Record<string, number>[] = [];
    for (const url of imageUrls) {
      const output = (await classifier(url, labels, options)) as { label: string; score: number }[];
      scores.push(Object.fromEntries(output.map(({ label, score }) => [label, score])));
    }
    return { ms: performance.now() - started, scores };
  },

  /** The pipeline's scores for one image, as its documentation calls it (for the parity tests). */
  async zeroShot(
    setup: Setup,
    imageUrl: string,
    labels: string[],
    template: string,
    dtype: 'q8' | 'fp32',
  ): Promise<{ label: string; score: number }[]> {
    configure(setup);
    const classifier = await pipeline('zero-shot-image-classification', setup.model, { device: 'wasm', dtype });
    const output = await classifier(imageUrl, labels, { hypothesis_template: template });
    await classifier.dispose();
    return output as { label: string; score: number }[];
  },

  /**
   * A prompt ensemble's softmax scores computed from the joint model's own outputs: per label, the
   * normalised mean of its templates' (normalised) text embeddings, scaled by the model's logit scale.
   */
  async ensembleScores(
    setup: Setup,
    imageUrl: string,
    labels: string[],
    templates: string[],
    dtype: 'q8' | 'fp32',
  ): Promise<number[]> {
    configure(setup);
    const tokenizer = await AutoTokenizer.from_pretrained(setup.model);
    const processor = await AutoImageProcessor.from_pretrained(setup.model);
    const model = await CLIPModel.from_pretrained(setup.model, { device: 'wasm', dtype });
    const texts = templates.flatMap((template) => labels.map((label) => template.replace('{}', label)));
    const { pixel_values } = await processor(await RawImage.read(imageUrl));
    const output = await model({ ...tokenizer(texts, { padding: true, truncation: true }), pixel_values });
    await model.dispose();
    const width = output.image_embeds.dims[1] as number;
    const row = (tensor: { data: Float32Array }, i: number) =>
      Array.from(tensor.data.subarray(i * width, (i + 1) * width));
    const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);
    const image = row(output.image_embeds, 0);
    const scale = output.logits_per_image.data[0] / dot(image, row(output.text_embeds, 0));
    const logits = labels.map((_, l) => {
      const mean = new Array<number>(width).fill(0);
      templates.forEach((_, t) => row(output.text_embeds, t * labels.length + l).forEach((x, i) => (mean[i] += x)));
      const norm = Math.hypot(...mean);
      return (scale * dot(image, mean)) / norm;
    });
    const max = Math.max(...logits);
    const exps = logits.map((x) => Math.exp(x - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps.map((x) => x / sum);
  },

  /** Median time of one text-tower pass for one label (prompted as the app prompts it). */
  async textPass(setup: Setup, label: string, runs: number): Promise<number> {
    configure(setup, 'plain');
    const tokenizer = await AutoTokenizer.from_pretrained(setup.model);
    const model = await CLIPTextModelWithProjection.from_pretrained(setup.model, { device: 'wasm', dtype: 'q8' });
    const inputs = tokenizer([`a photo of a ${label}.`], { padding: true, truncation: true });
    return settledMedian(() => model(inputs), runs);
  },

  /** Median time of one vision-tower pass for one preprocessed image. */
  async visionPass(
    setup: Setup,
    imageUrl: string,
    runs: number,
    device: 'wasm' | 'webgpu' = 'wasm',
    dtype: 'q8' | 'fp32' = device === 'wasm' ? 'q8' : 'fp32',
  ): Promise<number> {
    configure(setup, device === 'wasm' ? 'plain' : 'asyncify');
    const processor = await AutoImageProcessor.from_pretrained(setup.model);
    const model = await CLIPVisionModelWithProjection.from_pretrained(setup.model, { device, dtype });
    const { pixel_values } = await processor(await RawImage.read(imageUrl));
    return settledMedian(() => model({ pixel_values }), runs);
  },

  /** Time to create the text and vision sessions from buffers already in memory (ONNX Runtime started first). */
  async sessionsFromMemory(setup: Setup, files: string[]): Promise<number> {
    configure(setup, 'plain'); // transformers.js' env.backends.onnx is ONNX Runtime's own env
    const buffers = await Promise.all(
      files.map(
        async (file) =>
          new Uint8Array(await (await fetch(`${setup.host}/${setup.model}/resolve/main/${file}`)).arrayBuffer()),
      ),
    );
    // ONNX Runtime's own start (the WASM module) is paid by the app too, so it is part of the figure.
    const started = performance.now();
    const sessions = [];
    for (const buffer of buffers)
      sessions.push(await ort.InferenceSession.create(buffer, { executionProviders: ['wasm'] }));
    const ms = performance.now() - started;
    await Promise.all(sessions.map((session) => session.release()));
    return ms;
  },
};

export type References = typeof references;
export type Method = keyof References;

// Runs in a worker, like the app's inference: ONNX Runtime's threads block on Atomics.wait there,
// which a page's main thread may not do (on it, more threads are slower, not faster).
self.addEventListener('message', (event: MessageEvent<{ id: number; method: Method; args: unknown[] }>) => {
  const { id, method, args } = event.data;
  const run = references[method] as (...a: unknown[]) => Promise<unknown>;
  run(...args).then(
    (value) => self.postMessage({ id, value }),
    (error: unknown) => self.postMessage({ id, error: String(error) }),
  );
});
