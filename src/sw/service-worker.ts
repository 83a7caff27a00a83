/**
 * The app's service worker: precaches the built app (HTML, scripts, the classifier worker and
 * ONNX Runtime's files) so that it opens and classifies offline, and serves them with the
 * cross-origin isolation headers multi-threaded WASM needs and the app's Content-Security-Policy,
 * even from hosts that cannot set them.
 * Model files are not cached here: they live in the app's IndexedDB store only.
 */
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { securityHeaders } from '../shared/csp.ts';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

/** The headers a static host may not send: isolation, and the app's Content-Security-Policy with nosniff and no referrer. */
function withAppHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  for (const [name, value] of Object.entries(securityHeaders())) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: async ({ response }) => withAppHeaders(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// The app's page, whatever its query string (it carries the model and labels), opens the precached
// app shell; other pages of the origin are left to the network. (Workbox matches path and query.)
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { allowlist: [/^\/(index\.html)?(\?.*)?$/] }));

// A new version waits until the page's "Update available" prompt asks for it.
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
