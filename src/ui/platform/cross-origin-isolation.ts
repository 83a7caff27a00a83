/**
 * Multi-threaded WASM needs a cross-origin isolated page. Where the host cannot send COOP/COEP
 * (plain static hosting), the app's service worker adds them; a page opened before the service
 * worker controlled it is reloaded once to become isolated, as coi-serviceworker does. The reload
 * never interrupts work: it waits until nothing is loading, being classified or being added, and
 * the page says that it will reload.
 */
import { useSyncExternalStore } from 'react';

const RELOADED = 'zero-shot-classifier:isolation-reload';

/** What the reload waits for. */
export interface Work {
  isBusy(): boolean;
  subscribe(listener: () => void): () => void;
}

let pending = false;
const listeners = new Set<() => void>();

function setPending(value: boolean): void {
  if (pending === value) return;
  pending = value;
  for (const listener of listeners) listener();
}

/** Whether the isolation reload is waiting for work to finish (for the page's notice). */
export function useIsolationPending(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => pending,
  );
}

/** Calls `reload` as soon as `work` is idle: at once, or when it next becomes idle (saying it waits meanwhile). */
export function reloadWhenIdle(work: Work, reload: () => void, waiting: (pending: boolean) => void): void {
  if (!work.isBusy()) {
    reload();
    return;
  }
  waiting(true);
  const unsubscribe = work.subscribe(() => {
    if (work.isBusy()) return;
    unsubscribe();
    waiting(false);
    reload();
  });
}

export function isolateOnStaticHosts(work: Work): void {
  if (self.crossOriginIsolated || !('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  if (navigator.serviceWorker.controller) return; // Controlled yet not isolated: a reload would not help.
  void navigator.serviceWorker.ready.then(() => {
    // Once per tab: if the browser still does not isolate the page, do not reload in a loop.
    if (sessionStorage.getItem(RELOADED)) return;
    reloadWhenIdle(
      work,
      () => {
        sessionStorage.setItem(RELOADED, '1');
        location.reload();
      },
      setPending,
    );
  });
}
