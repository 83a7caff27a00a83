import { describe, expect, it, vi } from 'vitest';
import { memo, Store } from './store.ts';

describe('Store', () => {
  it('notifies subscribers on update and derives the new snapshot', () => {
    const store = new Store({ a: 1, twice: 0 }, (next) => ({ ...next, twice: next.a * 2 }));
    const listener = vi.fn();
    const unsubscribe = store.subscribe(listener);
    expect(store.getSnapshot().twice).toBe(2);
    store.update({ a: 3 });
    expect(store.getSnapshot()).toEqual({ a: 3, twice: 6 });
    expect(listener).toHaveBeenCalledTimes(1);
    unsubscribe();
    store.update({ a: 4 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps the snapshot object between updates, so selectors do not re-render', () => {
    const store = new Store({ a: 1 });
    const first = store.getSnapshot();
    store.notify();
    expect(store.getSnapshot()).toBe(first);
  });
});

describe('memo', () => {
  it('recomputes only when an input changes by identity', () => {
    const compute = vi.fn((xs: number[]) => xs.length);
    const counted = memo(compute);
    const xs = [1, 2];
    counted(xs);
    counted(xs);
    expect(compute).toHaveBeenCalledTimes(1);
    counted([1, 2]);
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
