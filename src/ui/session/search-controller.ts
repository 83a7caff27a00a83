/**
 * Search of the library by text (debounced like the labels) or by likeness to one picture. It owns
 * its timer and the controller of the search in flight; a newer search supersedes the older.
 */
import type { SearchQuery } from '../../shared/protocol.ts';
import type { SearchState } from './classifier-session.ts';
import type { Disposables } from './store.ts';
import { isSuperseded, type ClassifierClient } from './worker-client.ts';

/** What the search reads of the session and writes back to it. */
export interface SearchHost {
  client: ClassifierClient;
  current(): { search: SearchState | null; templates: string[] };
  update(change: { search?: SearchState | null; searchText?: string }): void;
  debounceMs: number;
  /** A search went to the worker (for the benchmark's timing). */
  onSearchStarted?(): void;
}

export class SearchController {
  private readonly timer;
  private controller: AbortController | null = null;

  constructor(
    private readonly host: SearchHost,
    disposables: Disposables,
  ) {
    this.timer = disposables.timer();
    disposables.add(() => this.controller?.abort());
  }

  /** Searches as the person types (after a pause); empty text ends the search. */
  setText(text: string): void {
    this.host.update({ searchText: text });
    this.timer.clear();
    if (text.trim() === '') {
      this.end();
      return;
    }
    this.timer.set(() => this.run({ kind: 'text', text: text.trim() }), this.host.debounceMs);
  }

  /** "More like this": the library ranked by likeness to one of its pictures. */
  like(imageId: string): void {
    this.timer.clear();
    this.host.update({ searchText: '' });
    this.run({ kind: 'image', imageId });
  }

  end(): void {
    this.timer.clear();
    this.controller?.abort();
    this.host.update({ search: null, searchText: '' });
  }

  private run(query: SearchState['query']): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const { search, templates } = this.host.current();
    this.host.update({ search: { query, status: 'searching', hits: search?.hits ?? null } });
    const asked: SearchQuery = query.kind === 'text' ? { ...query, templates } : query;
    this.host.onSearchStarted?.();
    this.host.client.search(asked, controller.signal).then(
      (hits) => {
        if (!controller.signal.aborted) this.host.update({ search: { query, status: 'done', hits } });
      },
      (error: unknown) => {
        if (!isSuperseded(error)) this.host.update({ search: { query, status: 'failed', hits: null } });
      },
    );
  }
}
