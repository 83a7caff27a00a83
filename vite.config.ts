import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, modelFixtures } from './scripts/model-server.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));

export default defineConfig({
  // 'mpa': a missing file is a 404, not index.html posing as a model file.
  appType: 'mpa',
  plugins: [
    react(),
    modelFixtures(fixturesDir),
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
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  // Pre-bundling would move ONNX Runtime away from the files it locates relative to itself.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
