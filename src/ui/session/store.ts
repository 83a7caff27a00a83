/**
 * The pieces every session part builds on: a memo that recomputes only when its inputs change
 * (by identity), and a list of disposals each part registers as it makes timers and controllers.
 */

/** Wraps `compute` so it runs again only when one of its arguments is not the same object as last time. */
export function memo<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let last: { args: A; result: R } | null = null;
  return (...args: A): R => {
    if (last && last.args.length === args.length && last.args.every((arg, i) => Object.is(arg, args[i]))) {
      return last.result;
    }
    const result = compute(...args);
    last = { args, result };
    return result;
  };
}

/** What a part must undo when the session ends: its timers, controllers and subscriptions. */
export class Disposables {
  private readonly disposals: (() => void)[] = [];
  private disposed = false;

  /** Registers an undo; run at once when already disposed, so nothing outlives the session. */
  add(dispose: () => void): void {
    if (this.disposed) dispose();
    else this.disposals.push(dispose);
  }

  /** A timer that replaces the previous one of the same slot, cleared on dispose. */
  timer(): { set(run: () => void, ms: number): void; clear(): void } {
    let handle: ReturnType<typeof setTimeout> | undefined;
    const slot = {
      set: (run: () => void, ms: number) => {
        clearTimeout(handle);
        handle = setTimeout(run, ms);
      },
      clear: () => clearTimeout(handle),
    };
    this.add(slot.clear);
    return slot;
  }

  dispose(): void {
    this.disposed = true;
    // Last made, first undone: a later part may depend on an earlier one.
    for (const dispose of this.disposals.splice(0).reverse()) dispose();
  }
}

/** A snapshot store for `useSyncExternalStore`: the snapshot is a new object only when it changed. */
export class Store<T> {
  private readonly listeners = new Set<() => void>();

  constructor(
    private state: T,
    private readonly derive: (next: T) => T = (next) => next,
  ) {
    this.state = derive(state);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T => this.state;

  update(change: Partial<T>): void {
    this.state = this.derive({ ...this.state, ...change });
    this.notify();
  }

  /** Tells subscribers to read again (state outside the snapshot, such as a stop mark, changed what derive gives). */
  notify(): void {
    for (const listener of this.listeners) listener();
  }
}
