import { describe, expect, it } from 'vitest';
import { askPersistenceOnce, persistOutcome } from './persist-storage.ts';

function memoryStore() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('asking for persistent storage once', () => {
  it('asks once, remembers the answer, and never asks again', async () => {
    const store = memoryStore();
    let asked = 0;
    const storage = { persist: async () => (asked++, true) };
    expect(persistOutcome(store)).toBeNull();
    expect(await askPersistenceOnce(storage, store, () => 42)).toEqual({ at: 42, granted: true });
    expect(await askPersistenceOnce(storage, store, () => 43)).toBeNull();
    expect(asked).toBe(1);
    expect(persistOutcome(store)).toEqual({ at: 42, granted: true });
  });

  it('two adds at once ask once; a refusal is remembered as refused', async () => {
    const store = memoryStore();
    let asked = 0;
    const storage = { persist: async () => (asked++, false) };
    await Promise.all([askPersistenceOnce(storage, store), askPersistenceOnce(storage, store)]);
    expect(asked).toBe(1);
    expect(persistOutcome(store)?.granted).toBe(false);
  });

  it('asks nothing where the browser has no persist', async () => {
    const store = memoryStore();
    expect(await askPersistenceOnce({} as Pick<StorageManager, 'persist'>, store)).toBeNull();
    expect(persistOutcome(store)).toBeNull();
  });
});
