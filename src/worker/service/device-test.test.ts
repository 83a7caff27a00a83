import { describe, expect, it } from 'vitest';
import type { Device, ModelInfo } from '../../shared/types.ts';
import type { LoadedModel, Pixels } from '../model/loaded-model.ts';
import { Turns } from '../../shared/turns.ts';
import { runDeviceTest, type DeviceTestDeps } from './device-test.ts';

/** A model whose every pass takes `ms` of real time, and that records its passes and disposal. */
function timedModel(device: Device, ms: number) {
  const info: ModelInfo = {
    modelId: 'fake',
    device,
    dtype: 'q8',
    layout: 'split',
    threads: 2,
    scoring: 'softmax',
    languages: ['en'],
    notices: [],
    timings: { loadMs: 1, warmUpMs: 1 },
  };
  const wait = () => new Promise((resolve) => setTimeout(resolve, ms));
  const pictures: Pixels[] = [];
  const model = {
    info,
    calibration: { scale: 100, bias: 0 },
    neutral: new Float32Array(2),
    pictures,
    async encodeImages(images: Pixels[]) {
      pictures.push(...images);
      await wait();
      return images.map(() => Float32Array.of(1, 0));
    },
    async encodeTexts(texts: string[]) {
      await wait();
      return texts.map(() => Float32Array.of(0.6, 0.8));
    },
    async dispose() {},
  };
  return model satisfies LoadedModel;
}

function deps(current: LoadedModel, overrides: Partial<DeviceTestDeps> = {}): DeviceTestDeps {
  const turns = new Turns();
  return {
    current,
    gpuAdapter: () => Promise.resolve(null),
    libraryVectors: () => Promise.resolve([Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(0.6, 0.8)]),
    turn: (work) => turns.run(work),
    visionBatch: 4,
    signal: new AbortController().signal,
    ...overrides,
  };
}

describe('runDeviceTest', () => {
  it('times vision passes after a warm-up, a text pass and a search over every stored photo', async () => {
    const model = timedModel('wasm', 5);
    const row = await runDeviceTest(deps(model));
    expect(row).toMatchObject({ device: 'wasm', adapter: null, dtype: 'q8', threads: 2, searchedPhotos: 3 });
    // Batches of four, at least two pictures, one warm-up before them.
    expect(row.images).toBeGreaterThanOrEqual(2);
    expect(model.pictures.length).toBe(row.images + 1);
    // Each batch of four took about 5 ms: far more than one image a second, far less than one a microsecond.
    expect(row.imagesPerSecond).toBeGreaterThan(50);
    expect(row.imagesPerSecond).toBeLessThan(4 / 0.004);
    expect(row.visionMsPerImage).toBeCloseTo(1000 / row.imagesPerSecond, 6);
    expect(row.textMs).toBeGreaterThanOrEqual(4);
    expect(row.searchMs).toBeGreaterThanOrEqual(row.textMs * 0.8);
  });

  it('names the adapter on WebGPU', async () => {
    const row = await runDeviceTest(
      deps(timedModel('webgpu', 2), { gpuAdapter: () => Promise.resolve('SwiftShader') }),
    );
    expect(row).toMatchObject({ device: 'webgpu', adapter: 'SwiftShader' });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runDeviceTest(deps(timedModel('wasm', 1), { signal: controller.signal }))).rejects.toThrow();
  });
});
