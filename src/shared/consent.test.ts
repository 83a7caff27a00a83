import { describe, expect, it } from 'vitest';
import {
  consentCovers,
  consentFor,
  consentNames,
  consentReasons,
  hostKind,
  NO_HINTS,
  sizeKnown,
  uncontactedRequest,
  UNKNOWN_SIZE_TOTAL_CAP,
} from './consent.ts';
import type { PlannedFile } from './types.ts';

const ORIGIN = 'http://localhost:4173';
const MB = 1_000_000;

function plan(...sizes: [number, boolean][]): PlannedFile[] {
  return sizes.map(([size, stored], i) => ({ file: `file-${i}`, size, stored }));
}

describe('consent before a download', () => {
  it('tells the default Hub, this origin and any other host apart (a path on the Hub’s domain is another host)', () => {
    expect(hostKind('https://huggingface.co', ORIGIN)).toBe('default');
    expect(hostKind('http://localhost:4173/models', ORIGIN)).toBe('own');
    expect(hostKind('http://127.0.0.1:4174/t/models', ORIGIN)).toBe('foreign');
    expect(hostKind('https://huggingface.co/evil/repo/resolve/main', ORIGIN)).toBe('foreign');
  });

  it('asks for another host, and for a model outside the catalogue on the Hub', () => {
    const files = plan([1 * MB, false]);
    expect(
      consentReasons(
        { host: 'http://127.0.0.1:4174/models', modelId: 'fixtures/clip-colors', files },
        ORIGIN,
        NO_HINTS,
      ),
    ).toEqual(['foreign-host']);
    expect(
      consentReasons({ host: 'https://huggingface.co', modelId: 'someone/clip', files }, ORIGIN, NO_HINTS),
    ).toEqual(['not-catalogued']);
    expect(
      consentReasons(
        { host: 'https://huggingface.co', modelId: 'Xenova/clip-vit-base-patch16', files },
        ORIGIN,
        NO_HINTS,
      ),
    ).toEqual([]);
    // The app's own server is as trusted as the app: its fixtures and imported models need no asking.
    expect(
      consentReasons({ host: `${ORIGIN}/models`, modelId: 'fixtures/clip-colors', files }, ORIGIN, NO_HINTS),
    ).toEqual([]);
  });

  it('asks above 300 MB still to download, counting only files not stored', () => {
    const host = 'https://huggingface.co';
    const modelId = 'Xenova/clip-vit-large-patch14';
    expect(
      consentReasons({ host, modelId, files: plan([200 * MB, false], [150 * MB, false]) }, ORIGIN, NO_HINTS),
    ).toEqual(['large']);
    expect(
      consentReasons({ host, modelId, files: plan([200 * MB, true], [150 * MB, false]) }, ORIGIN, NO_HINTS),
    ).toEqual([]);
  });

  it('asks nothing when every file is stored, whatever the host', () => {
    const files = plan([900 * MB, true]);
    expect(
      consentReasons({ host: 'http://mirror.lan', modelId: 'x/y', files }, ORIGIN, {
        saveData: true,
        deviceMemoryGiB: 0.25,
      }),
    ).toEqual([]);
  });

  it('asks when the browser saves data, or the model would not fit in the device’s memory', () => {
    const host = 'https://huggingface.co';
    const modelId = 'Xenova/clip-vit-base-patch16';
    const files = plan([152 * MB, false], [450 * MB, true]);
    expect(consentReasons({ host, modelId, files }, ORIGIN, { saveData: true, deviceMemoryGiB: null })).toEqual([
      'save-data',
    ]);
    // 602 MB × 2.5 = 1.5 GB: more than 1 GiB, less than 2 GiB.
    expect(consentReasons({ host, modelId, files }, ORIGIN, { saveData: false, deviceMemoryGiB: 1 })).toEqual([
      'memory',
    ]);
    expect(consentReasons({ host, modelId, files }, ORIGIN, { saveData: false, deviceMemoryGiB: 2 })).toEqual([]);
  });

  it('takes a consent for this host, this model and no more bytes than were shown', () => {
    const request = { host: 'http://mirror.lan', modelId: 'x/y', bytes: 10 };
    expect(consentCovers(null, request)).toBe(false);
    expect(consentCovers({ host: 'http://mirror.lan', modelId: 'x/y', maxBytes: 10 }, request)).toBe(true);
    expect(consentCovers({ host: 'http://mirror.lan', modelId: 'x/y', maxBytes: 9 }, request)).toBe(false);
    expect(consentCovers({ host: 'http://other.lan', modelId: 'x/y', maxBytes: 10 }, request)).toBe(false);
    expect(consentCovers({ host: 'http://mirror.lan', modelId: 'x/z', maxBytes: 10 }, request)).toBe(false);
  });

  it('asks a host it may not contact for the caps, not for a size it cannot know', () => {
    const source = { host: 'http://127.0.0.1:4174/models', modelId: 'fixtures/clip-colors' };
    const request = uncontactedRequest(source, 'q8', { saveData: true, deviceMemoryGiB: null });
    expect(request).toMatchObject({ contacted: false, files: [], reasons: ['foreign-host', 'save-data'] });
    expect(sizeKnown(request)).toBe(false);
    expect(consentFor(request)).toEqual({ ...source, maxBytes: UNKNOWN_SIZE_TOTAL_CAP });
    expect(consentNames(consentFor(request), source)).toBe(true);
    expect(consentNames(consentFor(request), { ...source, modelId: 'x/y' })).toBe(false);
    expect(consentNames(null, source)).toBe(false);
  });

  it('counts a file whose size the host did not say as unknown, never as 0 B', () => {
    const files = [
      { file: 'config.json', size: 500, stored: false },
      { file: 'onnx/model.onnx', size: null, stored: false },
    ];
    const request = {
      host: 'https://huggingface.co',
      modelId: 'someone/clip',
      dtype: 'q8' as const,
      bytes: 500,
      totalBytes: 500,
      files,
      reasons: consentReasons({ host: 'https://huggingface.co', modelId: 'someone/clip', files }, ORIGIN, NO_HINTS),
      contacted: true,
    };
    expect(request.reasons).toEqual(['not-catalogued']);
    expect(sizeKnown(request)).toBe(false);
    expect(consentFor(request).maxBytes).toBe(UNKNOWN_SIZE_TOTAL_CAP);
    expect(consentFor({ ...request, files: [files[0]] }).maxBytes).toBe(500);
  });
});
