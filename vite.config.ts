import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS, modelFixtures } from './scripts/model-server.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));

export default defineConfig({
  // 'mpa': a missing file is a 404, not index.html posing as a model file.
  appType: 'mpa',
  plugins: [react(), modelFixtures(fixturesDir)],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  // Pre-bundling would move ONNX Runtime away from the files it locates relative to itself.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});
