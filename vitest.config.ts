import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // One real MLflow server for the whole run (tests/harness/mlflow-server.ts).
    globalSetup: ['tests/harness/global-setup.ts'],
  },
});
