import { describe, expect, it, vi } from 'vitest';
import type { LibraryImage } from '../../shared/library.ts';
import { libraryRecord } from '../test-support/library-records.ts';
import { parseSettings } from '../../shared/settings.ts';
import { ClassifierSession } from './classifier-session.ts';
import { FakeWorker } from './fake-worker.ts';
import { countProgress } from './progress.ts';
import { Disposables, memo } from './store.ts';
import { ClassifierClient } from './worker-client.ts';

// Every walk of the library the session makes goes through this spy.
vi.mock('./progress.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('./progress.ts')>();
  return { ...original, countProgress: vi.fn(original.countProgress) };
});

const record = (id: string): LibraryImage => libraryRecord(id);

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('memo', () => {
  it('recomputes only when an argument is a different object', () => {
    const compute = vi.fn((a: object, b: string) => ({ a, b }));
    const memoised = memo(compute);
    const a = {};
    const first = memoised(a, 'x');
    expect(memoised(a, 'x')).toBe(first);
    expect(compute).toHaveBeenCalledTimes(1);
    memoised({}, 'x');
    memoised({}, 'y');
    expect(compute).toHaveBeenCalledTimes(3);
  });
});

describe('Disposables', () => {
  it('clears its timers and runs disposals last-first, and at once after disposal', () => {
    vi.useFakeTimers();
    const disposables = new Disposables();
    const order: string[] = [];
    const fired = vi.fn();
    disposables.timer().set(fired, 100);
    disposables.add(() => order.push('first'));
    disposables.add(() => order.push('second'));
    disposables.dispose();
    vi.advanceTimersByTime(200);
    expect(fired).not.toHaveBeenCalled();
    expect(order).toEqual(['second', 'first']);
    disposables.add(() => order.push('late'));
    expect(order).toEqual(['second', 'first', 'late']);
    vi.useRealTimers();
  });
});

describe('countProgress', () => {
  it('counts images without failures, and those scored for the key', () => {
    const images = ['a', 'b', 'c'].map(record);
    const results = new Map([
      ['a', { key: 'k' }],
      ['b', { key: 'old' }],
    ]);
    const failures = new Map([['c', { code: 'decode' as const, detail: 'bad' }]]);
    expect(countProgress(images, results, failures as never, 'k')).toEqual({ done: 1, total: 2 });
  });
});

describe('a keystroke in the labels box', () => {
  it('does not walk every image of a 10,000-image library', async () => {
    vi.useFakeTimers();
    const workers: FakeWorker[] = [];
    const session = new ClassifierSession({
      settings: parseSettings(new URLSearchParams('host=/models&model=fixtures/clip-colors'), 'http://localhost'),
      origin: 'http://localhost',
      probeWebGPU: async () => ({ available: false, reason: 'no GPU adapter was found' }),
      createClient: () =>
        new ClassifierClient(() => {
          workers.push(new FakeWorker());
          return workers[workers.length - 1] as unknown as Worker;
        }),
      now: () => 0,
      debounceMs: 250,
    });
    session.start();
    await settle();
    const worker = workers[workers.length - 1];
    const open = worker.requests('open-library').at(-1);
    if (!open) throw new Error('the library was not opened');
    const images = Array.from({ length: 10_000 }, (_, i) => record(`image-${i}`));
    worker.reply({ type: 'library', id: open.id, library: { images, folders: [], corrections: [], problem: null } });
    await settle();
    expect(session.getSnapshot().progress.total).toBe(10_000);

    const walks = vi.mocked(countProgress);
    walks.mockClear();
    for (const text of ['r', 're', 'red', 'red,', 'red, b', 'red, blue']) session.setLabelsText(text);
    expect(session.getSnapshot().settings.labels).toBe('red, blue');
    expect(walks).not.toHaveBeenCalled();

    // When the labels apply, the result key changes and the library is counted again, once.
    vi.advanceTimersByTime(250);
    await settle();
    expect(walks.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(walks.mock.calls.length).toBeLessThanOrEqual(3);
    session.dispose();
    vi.useRealTimers();
  });
});
