import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchState } from './classifier-session.ts';
import { FakeWorker } from './fake-worker.ts';
import { SearchController } from './search-controller.ts';
import { Disposables } from './store.ts';
import { ClassifierClient } from './worker-client.ts';

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup() {
  const worker = new FakeWorker();
  const client = new ClassifierClient(() => worker as unknown as Worker);
  const state: { search: SearchState | null; searchText: string; templates: string[] } = {
    search: null,
    searchText: '',
    templates: ['a photo of a {}.'],
  };
  const started = vi.fn();
  const disposables = new Disposables();
  const search = new SearchController(
    {
      client,
      current: () => state,
      update: (change) => Object.assign(state, change),
      debounceMs: 250,
      onSearchStarted: started,
    },
    disposables,
  );
  return { worker, client, state, search, started, disposables };
}

const HITS = { imageIds: ['b', 'a'], similarity: Float32Array.of(0.3, 0.1), strength: Float32Array.of(2, -1) };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SearchController', () => {
  it('searches once typing pauses, with the templates, and drops a superseded answer', async () => {
    const t = setup();
    t.search.setText('a d');
    t.search.setText('a dog ');
    expect(t.state.searchText).toBe('a dog ');
    await vi.advanceTimersByTimeAsync(249);
    expect(t.worker.requests('search')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const sent = t.worker.requests('search');
    expect(sent).toHaveLength(1);
    expect(sent[0].query).toEqual({ kind: 'text', text: 'a dog', templates: ['a photo of a {}.'] });
    expect(t.started).toHaveBeenCalledTimes(1);
    expect(t.state.search?.status).toBe('searching');

    t.search.like('a');
    expect(t.state.searchText).toBe('');
    t.worker.reply({ type: 'search-results', id: sent[0].id, hits: HITS });
    await settle();
    expect(t.state.search).toMatchObject({ query: { kind: 'image', imageId: 'a' }, status: 'searching' });
    const like = t.worker.requests('search').at(-1);
    t.worker.reply({ type: 'search-results', id: like?.id ?? 0, hits: HITS });
    await settle();
    expect(t.state.search).toMatchObject({ status: 'done', hits: { imageIds: ['b', 'a'] } });
  });

  it('empty text ends the search at once; disposal cancels a pending one', async () => {
    const t = setup();
    t.search.setText('cat');
    await vi.advanceTimersByTimeAsync(250);
    expect(t.state.search?.status).toBe('searching');
    t.search.setText('  ');
    expect(t.state.search).toBeNull();
    t.search.setText('owl');
    t.disposables.dispose();
    await vi.advanceTimersByTimeAsync(500);
    expect(t.worker.requests('search')).toHaveLength(1);
  });
});
