/**
 * The consent rule at its edges: exactly 300 MB to download is not "large", one byte more is; a
 * model that needs exactly the device's memory fits, one byte more does not; a consent covers
 * exactly the bytes it showed.
 */
import { describe, expect, it } from 'vitest';
import {
  consentCovers,
  consentReasons,
  LARGE_DOWNLOAD_BYTES,
  MEMORY_PER_MODEL_BYTE,
  NO_HINTS,
  type DeviceHints,
} from './consent.ts';
import type { PlannedFile } from './types.ts';

const ORIGIN = 'http://localhost:4173';
// A catalogued model on the default Hub: nothing but size and device hints can ask.
const HUB = { host: 'https://huggingface.co', modelId: 'Xenova/clip-vit-base-patch16' };
const GIB = 2 ** 30;

const plan = (...files: [number, boolean][]): PlannedFile[] =>
  files.map(([size, stored], i) => ({ file: `file-${i}`, size, stored }));
const reasons = (files: PlannedFile[], hints: DeviceHints = NO_HINTS) =>
  consentReasons({ ...HUB, files }, ORIGIN, hints);

describe('consent boundaries', () => {
  it('is 300 MB (decimal) still to download: exactly that is not large, one byte more is', () => {
    expect(LARGE_DOWNLOAD_BYTES).toBe(300_000_000);
    expect(reasons(plan([300_000_000, false]))).toEqual([]);
    expect(reasons(plan([300_000_001, false]))).toEqual(['large']);
    // Split over files, and with a stored file that would tip it over if counted.
    expect(reasons(plan([150_000_000, false], [150_000_000, false], [1, true]))).toEqual([]);
    expect(reasons(plan([150_000_000, false], [150_000_001, false]))).toEqual(['large']);
  });

  it('asks about memory when the whole model × 2.5 exceeds the device’s memory, not when it equals it', () => {
    expect(MEMORY_PER_MODEL_BYTE).toBe(2.5);
    // 2 GiB of memory holds a model of 2 GiB / 2.5 bytes, stored files included.
    const fits = (2 * GIB) / MEMORY_PER_MODEL_BYTE;
    const hints = { saveData: false, deviceMemoryGiB: 2 };
    expect(reasons(plan([fits - 100, true], [100, false]), hints)).toEqual([]);
    expect(reasons(plan([fits - 100, true], [101, false]), hints)).toEqual(['memory']);
  });

  it('asks nothing of memory when the browser does not say it, and asks on the smallest memory it reports', () => {
    const files = plan([110_000_000, true], [1000, false]);
    expect(reasons(files, { saveData: false, deviceMemoryGiB: null })).toEqual([]);
    // navigator.deviceMemory's smallest value: 0.25 GiB holds about 107 MB of model.
    expect(reasons(files, { saveData: false, deviceMemoryGiB: 0.25 })).toEqual(['memory']);
  });

  it('covers exactly the bytes shown: equal is covered, one byte more is not', () => {
    const consent = { ...HUB, maxBytes: 300_000_001 };
    expect(consentCovers(consent, { ...HUB, bytes: 300_000_001 })).toBe(true);
    expect(consentCovers(consent, { ...HUB, bytes: 300_000_002 })).toBe(false);
    expect(consentCovers(consent, { ...HUB, bytes: 0 })).toBe(true);
  });

  it('gives every reason that applies, in a fixed order', () => {
    const files = plan([400_000_000, false]);
    expect(
      consentReasons({ host: 'http://mirror.lan', modelId: 'x/y', files }, ORIGIN, {
        saveData: true,
        deviceMemoryGiB: 0.5,
      }),
    ).toEqual(['foreign-host', 'large', 'save-data', 'memory']);
    expect(
      consentReasons({ host: HUB.host, modelId: 'someone/clip', files }, ORIGIN, {
        saveData: true,
        deviceMemoryGiB: 0.5,
      }),
    ).toEqual(['not-catalogued', 'large', 'save-data', 'memory']);
  });
});
