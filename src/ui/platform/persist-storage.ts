/**
 * Persistent storage, asked for once: after the library's first image or correction, so that the
 * browser does not evict the library under storage pressure. The outcome is remembered (shown in
 * Settings → Storage) and the question is never asked again.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useSessionValue } from '../hooks/use-session.ts';

const ASKED_KEY = 'zero-shot-persist-asked';

export interface PersistOutcome {
  /** When it was asked (ms since the epoch). */
  at: number;
  granted: boolean;
}

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

/** Told when the question has been answered (the storage panel shows the outcome). */
const listeners = new Set<() => void>();

function localStore(): KeyValue | null {
  try {
    return localStorage;
  } catch {
    // Blocked site data: nothing is remembered, and nothing is asked (it would be asked on every visit).
    return null;
  }
}

/** What the one question got, or null when it has not been asked. */
export function persistOutcome(store: KeyValue | null = localStore()): PersistOutcome | null {
  try {
    const value = JSON.parse(store?.getItem(ASKED_KEY) ?? 'null') as unknown;
    if (value && typeof value === 'object' && 'at' in value && 'granted' in value) {
      const { at, granted } = value as Record<string, unknown>;
      if (typeof at === 'number' && typeof granted === 'boolean') return { at, granted };
    }
  } catch {
    // A damaged entry counts as not asked.
  }
  return null;
}

/** Asks for persistent storage unless it was asked before; resolves with the new outcome (null: not asked now). */
export async function askPersistenceOnce(
  storage: Pick<StorageManager, 'persist'> | undefined = navigator.storage,
  store: KeyValue | null = localStore(),
  now: () => number = Date.now,
): Promise<PersistOutcome | null> {
  if (!store || !storage?.persist || persistOutcome(store)) return null;
  // Remembered before the answer comes: two quick adds ask once.
  store.setItem(ASKED_KEY, JSON.stringify({ at: now(), granted: false }));
  const granted = await storage.persist().catch(() => false);
  const outcome = { at: now(), granted };
  store.setItem(ASKED_KEY, JSON.stringify(outcome));
  for (const listener of listeners) listener();
  return outcome;
}

/** Asks once the library holds its first image or correction. */
export function usePersistOnce(): void {
  const hasContent = useSessionValue((snapshot) => snapshot.images.length > 0 || snapshot.corrections.length > 0);
  useEffect(() => {
    if (hasContent) void askPersistenceOnce();
  }, [hasContent]);
}

/** The outcome as stored, kept current when the question is answered in this page. */
export function usePersistOutcome(): PersistOutcome | null {
  const stored = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => localStore()?.getItem(ASKED_KEY) ?? null,
  );
  // Parsed from the stored string, so the snapshot stays the same while the string does.
  return stored === null ? null : persistOutcome({ getItem: () => stored, setItem: () => undefined });
}
