/** Builds the benchmark's reference page (bench/reference/) into dist-bench/, served by bench/run.ts under /bench/. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./bench/reference', import.meta.url)),
  base: '/bench/',
  build: {
    outDir: fileURLToPath(new URL('./dist-bench', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
