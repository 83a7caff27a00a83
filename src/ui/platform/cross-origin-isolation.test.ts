import { describe, expect, it } from 'vitest';
import { reloadWhenIdle } from './cross-origin-isolation.ts';

function work(busy: boolean) {
  const listeners = new Set<() => void>();
  return {
    busy,
    isBusy() {
      return this.busy;
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change(busy: boolean) {
      this.busy = busy;
      for (const listener of [...listeners]) listener();
    },
    listeners,
  };
}

describe('the isolation reload', () => {
  it('reloads at once when nothing is loading or being classified', () => {
    let reloads = 0;
    reloadWhenIdle(
      work(false),
      () => reloads++,
      () => undefined,
    );
    expect(reloads).toBe(1);
  });

  it('waits while work goes on, says so, and reloads once it is done', () => {
    const w = work(true);
    let reloads = 0;
    const said: boolean[] = [];
    reloadWhenIdle(
      w,
      () => reloads++,
      (pending) => said.push(pending),
    );
    expect([reloads, said]).toEqual([0, [true]]);
    w.change(true);
    expect(reloads).toBe(0);
    w.change(false);
    expect([reloads, said]).toEqual([1, [true, false]]);
    w.change(false);
    expect(reloads).toBe(1);
    expect(w.listeners.size).toBe(0);
  });
});
