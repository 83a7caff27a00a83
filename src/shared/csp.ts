/**
 * The app's Content-Security-Policy, in one place: the meta tag in index.html (checked against
 * this at build time), the dev and preview servers' headers, and the service worker's responses.
 *
 * - Scripts only from the app's origin; `'wasm-unsafe-eval'` lets ONNX Runtime compile its
 *   WebAssembly (no `'unsafe-eval'`, no `'unsafe-inline'`). Workers (the classifier, ORT's
 *   threads) are the app's own files.
 * - Connections to any http(s) host: a model mirror or an image URL is whatever the person
 *   chooses (consent covers model hosts); `data:` and `blob:` for image URLs and files.
 * - Images from the app, `blob:` (thumbnails the worker made as WebP) and `data:`.
 * - No plugins, no `<base>`, forms only to the app.
 *
 * In development Vite needs more: its React refresh preamble is an inline script, its CSS
 * arrives as inline `<style>` elements, and hot reload talks over a WebSocket; DEV_POLICY adds
 * `'unsafe-inline'` to script-src and style-src and `ws:`/`wss:` to connect-src, nothing else.
 */
type Directives = Record<string, string[]>;

const DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'connect-src': ["'self'", 'http:', 'https:', 'data:', 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
};

function serialise(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy of the built app (what index.html's meta tag says). */
export const CONTENT_SECURITY_POLICY = serialise(DIRECTIVES);

/** The policy in Vite's dev server: the built one plus what hot reload needs. */
export const DEV_CONTENT_SECURITY_POLICY = serialise({
  ...DIRECTIVES,
  'script-src': [...DIRECTIVES['script-src'], "'unsafe-inline'"],
  'style-src': [...DIRECTIVES['style-src'], "'unsafe-inline'"],
  'connect-src': [...DIRECTIVES['connect-src'], 'ws:', 'wss:'],
});

/** Directives a meta tag cannot carry: the page may not be framed (clickjacking). */
const HEADER_ONLY = "frame-ancestors 'none'";

/** Headers for every page and script the app serves. */
export function securityHeaders(policy = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'Content-Security-Policy': `${policy}; ${HEADER_ONLY}`,
    'X-Content-Type-Options': 'nosniff',
    // Model hosts and image sites learn nothing of the page (its URL carries the labels).
    'Referrer-Policy': 'no-referrer',
  };
}
