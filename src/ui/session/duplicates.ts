/**
 * The duplicates part of the page's session: asks the worker for the library's duplicate groups at
 * the person's cutoff and holds them for `useSyncExternalStore`. Keeping one photo of a group goes
 * through the session's removal (to the trash, with Undo); this part then asks again.
 */
import { DEFAULT_DUPLICATE_CUTOFF } from '../../shared/duplicates.ts';
import type { RequestFailure } from '../../shared/failures.ts';
import { RequestError, type ClassifierClient } from './worker-client.ts';

export interface DuplicatesSnapshot {
  /** Cosine at or above which two photos are near duplicates. */
  cutoff: number;
  /** Image ids per group; null until asked. */
  groups: string[][] | null;
  busy: boolean;
  failure: RequestFailure | null;
}

export class Duplicates {
  private snapshot: DuplicatesSnapshot = {
    cutoff: DEFAULT_DUPLICATE_CUTOFF,
    groups: null,
    busy: false,
    failure: null,
  };
  private readonly listeners = new Set<() => void>();
  private controller: AbortController | null = null;

  constructor(private readonly client: Pick<ClassifierClient, 'findDuplicates'>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): DuplicatesSnapshot => this.snapshot;

  private update(change: Partial<DuplicatesSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }

  /** Asks for the groups at the current cutoff (a newer ask replaces an older one). */
  async find(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.update({ busy: true, failure: null });
    try {
      const groups = await this.client.findDuplicates(this.snapshot.cutoff, controller.signal);
      if (this.controller === controller) this.update({ groups, busy: false });
    } catch (error) {
      if (this.controller !== controller) return;
      if (error instanceof RequestError && error.failure.code === 'aborted') return;
      this.update({
        busy: false,
        failure: error instanceof RequestError ? error.failure : { code: 'failed', detail: String(error) },
      });
    }
  }

  /** Moves the cutoff; groups already shown are asked for again. */
  setCutoff(cutoff: number): void {
    this.update({ cutoff });
    if (this.snapshot.groups) void this.find();
  }

  dispose(): void {
    this.controller?.abort();
    this.listeners.clear();
  }
}
