import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { APP_HEADERS, DEV_APP_HEADERS, modelFixtures } from './scripts/model-server.ts';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './src/shared/csp.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));

/**
 * Marks a build made with the test hooks (`VITE_TEST_HOOKS=1`, as `npm run test:e2e` builds) with
 * `dist/test-hooks.txt`, so the end-to-end tests can refuse a build without them, saying why.
 */
function testHooksMarker(): Plugin {
  return {
    name: 'test-hooks-marker',
    apply: 'build',
    generateBundle() {
      if (process.env.VITE_TEST_HOOKS !== '1') return;
      this.emitFile({ type: 'asset', fileName: 'test-hooks.txt', source: 'built with VITE_TEST_HOOKS=1\n' });
    },
  };
}

const CSP_META = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/;

/**
 * index.html's Content-Security-Policy meta tag: the build checks that it says what csp.ts says
 * (so the two cannot drift apart); the dev server swaps in the development policy, which also
 * allows Vite's inline React refresh preamble, inline styles and hot-reload WebSocket.
 */
function contentSecurityPolicy(): Plugin {
  let serving = false;
  return {
    name: 'content-security-policy',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        const match = CSP_META.exec(html);
        if (!match) throw new Error('index.html has no Content-Security-Policy meta tag');
        if (serving) return html.replace(CSP_META, `$1${DEV_CONTENT_SECURITY_POLICY}$3`);
        if (match[2] !== CONTENT_SECURITY_POLICY) {
          throw new Error(
            `index.html's Content-Security-Policy differs from src/shared/csp.ts: ${CONTENT_SECURITY_POLICY}`,
          );
        }
        return html;
      },
    },
  };
}

export default defineConfig({
  // A separate dependency cache (e.g. a fresh folder) for checking a cold `npm run dev`: scripts/dev-first-visit.ts.
  cacheDir: process.env.VITE_CACHE_DIR ?? 'node_modules/.vite',
  // 'mpa': a missing file is a 404, not index.html posing as a model file.
  appType: 'mpa',
  plugins: [
    react(),
    modelFixtures(fixturesDir),
    testHooksMarker(),
    contentSecurityPolicy(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'service-worker.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        // The app shell, the classifier worker and ONNX Runtime's .mjs/.wasm (27 MB): all of it, for offline use.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      manifest: {
        name: 'Zero-shot image classifier',
        short_name: 'Zero-shot',
        description: 'Classify images against labels you type, with a CLIP model running on your device.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#1f5fbf',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  // Isolation (COOP/COEP) and security headers (CSP, nosniff, no referrer) on every response.
  server: { headers: DEV_APP_HEADERS },
  preview: { headers: APP_HEADERS },
  resolve: {
    // transformers.js imports `Tensor` from onnxruntime-common (the 1.30 copy at the top level),
    // while ONNX Runtime Web bundles its own 1.31 copy: one runtime, one Tensor class. ORT's
    // package re-exports all of onnxruntime-common.
    alias: [{ find: /^onnxruntime-common$/, replacement: 'onnxruntime-web/webgpu' }],
  },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  optimizeDeps: {
    // The workers too, so a cold `npm run dev` finds their dependencies (idb) before the first visit
    // instead of re-optimising and reloading the page under it (docs/testing.md, "First dev visit").
    entries: ['index.html', 'src/**/*.worker.ts'],
    // Pre-bundling would move ONNX Runtime away from the files it locates relative to itself, and
    // onnxruntime-common (aliased to it above) would become a second copy of it.
    exclude: ['@huggingface/transformers', 'onnxruntime-web', 'onnxruntime-common'],
  },
});
