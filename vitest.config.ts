import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    globalSetup: ['test/helpers/backbone-global-setup.ts', 'test/helpers/worker-global-setup.ts'],
    // Real workerd, ONNX Runtime and TensorFlow.js start slowly on 2 cores; nothing here is timed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
