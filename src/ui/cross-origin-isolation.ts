/**
 * Multi-threaded WASM needs a cross-origin isolated page. Where the host cannot send COOP/COEP
 * (plain static hosting), the app's service worker adds them; a page opened before the service
 * worker controlled it is reloaded once to become isolated, as coi-serviceworker does.
 */
const RELOADED = 'zero-shot-classifier:isolation-reload';

export function isolateOnStaticHosts(): void {
  if (self.crossOriginIsolated || !('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  if (navigator.serviceWorker.controller) return; // Controlled yet not isolated: a reload would not help.
  void navigator.serviceWorker.ready.then(() => {
    // Once per tab: if the browser still does not isolate the page, do not reload in a loop.
    if (sessionStorage.getItem(RELOADED)) return;
    sessionStorage.setItem(RELOADED, '1');
    location.reload();
  });
}
