/**
 * `Test this device` in one worker: vision passes, a text pass and a search on the loaded model, on
 * its backend (the page runs the other backend in a worker of its own). The library is only read.
 */
import type { DeviceTestRow } from '../../shared/protocol.ts';
import type { Device } from '../../shared/types.ts';
import { dot } from '../../shared/scoring.ts';
import type { LoadedModel, Pixels } from '../model/loaded-model.ts';

/** Vision passes run until this much time has passed (at least two images, at most `MAX_IMAGES`). */
const VISION_BUDGET_MS = 1500;
const MAX_IMAGES = 16;
const TEXT_RUNS = 3;
const PROMPT = 'a photo of a dog.';

export interface DeviceTestDeps {
  /** The model as loaded now, on its own backend. */
  current: LoadedModel;
  /** The GPU adapter's description, or null where this browser has no WebGPU adapter. */
  gpuAdapter(): Promise<string | null>;
  /** Every stored embedding of the library for this model, to search over. */
  libraryVectors(): Promise<Float32Array[]>;
  /** One inference at a time on the model: each pass waits for a running classification's batch. */
  turn<T>(work: () => Promise<T>): Promise<T>;
  visionBatch: number;
  signal: AbortSignal;
}

/** A photo-like test picture: smooth colour gradients, 640 × 480, different per index. */
function testPicture(index: number): Pixels {
  const width = 640;
  const height = 480;
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / width + index * 37;
      data[o + 1] = (y * 255) / height + index * 53;
      data[o + 2] = ((x + y) * 127) / (width + height) + index * 71;
    }
  }
  return { data, width, height, channels: 3 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(
  model: LoadedModel,
  device: Device,
  adapter: string | null,
  deps: DeviceTestDeps,
  vectors: Float32Array[],
): Promise<DeviceTestRow> {
  const { signal, turn, visionBatch } = deps;
  // Warm-up: the first pass compiles shaders and fills caches; it is not what a person waits for per photo.
  await turn(() => model.encodeImages([testPicture(0)]));
  let images = 0;
  let visionMs = 0;
  while (images < MAX_IMAGES && (images < 2 || visionMs < VISION_BUDGET_MS)) {
    signal.throwIfAborted();
    const batch = Array.from({ length: Math.min(visionBatch, MAX_IMAGES - images) }, (_, i) =>
      testPicture(images + i + 1),
    );
    const started = performance.now();
    await turn(() => model.encodeImages(batch));
    visionMs += performance.now() - started;
    images += batch.length;
  }
  const textTimes: number[] = [];
  let text: Float32Array = new Float32Array(0);
  for (let run = 0; run < TEXT_RUNS; run++) {
    signal.throwIfAborted();
    const started = performance.now();
    [text] = await turn(() => model.encodeTexts([PROMPT]));
    textTimes.push(performance.now() - started);
  }
  // A search is one text embedding against every stored photo: the ranking, here a scan of dot products.
  const searchStarted = performance.now();
  let best = -Infinity;
  for (const vector of vectors) best = Math.max(best, dot(vector, text));
  const searchMs = performance.now() - searchStarted + textTimes[textTimes.length - 1];
  return {
    device,
    adapter,
    dtype: model.info.dtype,
    threads: model.info.threads,
    images,
    imagesPerSecond: images / (visionMs / 1000),
    visionMsPerImage: visionMs / images,
    textMs: median(textTimes),
    searchMs,
    searchedPhotos: vectors.length,
  };
}

/** The test on the loaded model's backend. */
export async function runDeviceTest(deps: DeviceTestDeps): Promise<DeviceTestRow> {
  const { device } = deps.current.info;
  const adapter = device === 'webgpu' ? await deps.gpuAdapter() : null;
  return measure(deps.current, device, adapter, deps, await deps.libraryVectors());
}
