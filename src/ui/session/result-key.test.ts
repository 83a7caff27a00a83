/**
 * The result key: what a picture's scores were computed for (model, host, backend, templates,
 * scoring, labels, corrections). Scores with another key are stale and never shown as current, so
 * everything that changes the scores must change the key, and nothing else may (a key that moves
 * on its own would re-run the library for nothing).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebGPUProbe } from '../../shared/backend.ts';
import { parseSettings } from '../../shared/settings.ts';
import type { ModelInfo, Scoring } from '../../shared/types.ts';
import { ClassifierSession } from './classifier-session.ts';
import { FakeWorker } from './fake-worker.ts';
import { ClassifierClient } from './worker-client.ts';

const NO_GPU: WebGPUProbe = { available: false, reason: 'no GPU adapter was found' };
const DEBOUNCE_MS = 250;

function info(scoring: Scoring): ModelInfo {
  return {
    modelId: 'fixtures/clip-colors',
    device: 'wasm',
    dtype: 'q8',
    layout: 'split',
    threads: 2,
    scoring,
    languages: ['en'],
    notices: [],
    timings: { loadMs: 1, warmUpMs: 1 },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A session on a fake worker, its library open and empty, its model loaded, `labels` applied. */
async function readySession(labels: string, scoring: Scoring = 'softmax') {
  const workers: FakeWorker[] = [];
  const session = new ClassifierSession({
    settings: parseSettings(new URLSearchParams('host=/models&model=fixtures/clip-colors'), 'http://localhost'),
    probeWebGPU: async () => NO_GPU,
    createClient: () =>
      new ClassifierClient(() => {
        workers.push(new FakeWorker());
        return workers[workers.length - 1] as unknown as Worker;
      }),
    debounceMs: DEBOUNCE_MS,
  });
  const worker = () => workers[workers.length - 1];
  session.start();
  await settle();
  const open = worker().requests('open-library').at(-1);
  if (open)
    worker().reply({
      type: 'library',
      id: open.id,
      library: { images: [], folders: [], corrections: [], problem: null },
    });
  const load = worker().requests('load').at(-1);
  if (!load) throw new Error('no load request');
  worker().reply({ type: 'loaded', id: load.id, info: info(scoring) });
  await settle();
  session.setLabelsText(labels);
  await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
  const key = () => session.getSnapshot().resultKey;
  expect(key()).not.toBe('');
  return { session, key };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the result key', () => {
  it('changes with the labels applied, their order included (scores are stored in label order)', async () => {
    const { session, key } = await readySession('red, green');
    const before = key();
    session.setLabelsText('red, green, blue');
    // Typed but not applied yet: the scores shown are still the applied labels'.
    expect(key()).toBe(before);
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    const more = key();
    expect(more).not.toBe(before);
    session.setLabelsText('green, red, blue');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(key()).not.toBe(more);
  });

  it('stays when the text changes but the labels do not (spacing, a duplicate, an empty entry)', async () => {
    const { session, key } = await readySession('red, green');
    const before = key();
    session.setLabelsText('  red ,green,, RED ');
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(session.getSnapshot().labels.labels).toEqual(['red', 'green']);
    expect(key()).toBe(before);
  });

  it('changes with the prompt template, and with the ensemble', async () => {
    const { session, key } = await readySession('red, green');
    const before = key();
    session.setPrompt({ template: 'a painting of a {}.', ensemble: false });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    const painting = key();
    expect(painting).not.toBe(before);
    session.setPrompt({ template: 'a painting of a {}.', ensemble: true });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(key()).not.toBe(painting);
  });

  it('changes with the model and with its host, even before the new model is loaded', async () => {
    const { session, key } = await readySession('red, green');
    const before = key();
    const { runtime, hostAsTyped, source } = session.getSnapshot().settings;
    session.applySettings({ source: { ...source, modelId: 'fixtures/clip-other' }, runtime, hostAsTyped });
    const otherModel = key();
    expect(otherModel).not.toBe(before);
    session.applySettings({
      source: { modelId: 'fixtures/clip-other', host: `${source.host}-mirror` },
      runtime,
      hostAsTyped,
    });
    expect(key()).not.toBe(otherModel);
  });

  it('changes with how a SigLIP model’s scores are read (one distribution or independent sigmoids)', async () => {
    const { session, key } = await readySession('red, green', 'sigmoid');
    expect(session.getSnapshot().scoring).toBe('sigmoid');
    const before = key();
    session.setScoringMode('softmax');
    expect(session.getSnapshot().scoring).toBe('softmax');
    expect(key()).not.toBe(before);
  });

  it('stays when only the "no match" cutoff moves (it is applied to the scores, not computed into them)', async () => {
    const { session, key } = await readySession('red, green');
    const before = key();
    session.setCutoff(2);
    expect(session.getSnapshot().settings.cutoff).toBe(2);
    expect(key()).toBe(before);
  });
});
