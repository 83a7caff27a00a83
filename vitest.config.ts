import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    // The fixture contract tests run the real transformers.js pipeline through onnxruntime-node.
    testTimeout: 60_000,
  },
});
