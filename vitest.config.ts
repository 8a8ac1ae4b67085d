import { defineConfig } from 'vitest/config';

/**
 * Two projects; `npm test` runs both.
 * - unit: no Python, no MLflow server, no built CLI; seconds (`npm run test:unit`). A test file is
 *   a unit test only when it is listed here.
 * - integration: everything else, against one real MLflow server for the whole run
 *   (tests/harness/mlflow-server.ts) and the built CLI.
 */
const UNIT = [
  'tests/card/published-schema.test.ts',
  'tests/card/templates-generated.test.ts',
  'tests/card/penguin-charts.test.ts',
  'tests/card/render.test.ts',
  'tests/card/schema.test.ts',
  'tests/filestore/file-store.test.ts',
  'tests/generative/hf-folder.test.ts',
  'tests/generative/hub.test.ts',
  'tests/generative/model-files.test.ts',
  'tests/graphics/*.test.ts',
  'tests/mlflow/classifier-evaluation.test.ts',
  'tests/mlflow/config.test.ts',
  'tests/mlflow/retry-policy.test.ts',
  'tests/mlflow/transport.test.ts',
  'tests/mlflow/uris.test.ts',
  'tests/mlflow/validation.test.ts',
  'tests/onnx/forest-graph.test.ts',
  'tests/onnx/onnxruntime-node.test.ts',
  'tests/pickle/emulator.test.ts',
  'tests/pickle/fixtures.test.ts',
  'tests/pickle/fuzz.test.ts',
  'tests/pickle/globals.test.ts',
  'tests/pickle/to-card.test.ts',
  'tests/registry/changes.test.ts',
  'tests/train/cv.test.ts',
  'tests/train/data.test.ts',
  'tests/train/evaluate.test.ts',
  'tests/train/forest.test.ts',
  'tests/train/random.test.ts',
  'tests/train/split.test.ts',
  'tests/train/synthetic.test.ts',
  'tests/train/train-and-evaluate.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: UNIT,
          // One real MLflow server for the whole run (tests/harness/mlflow-server.ts).
          globalSetup: ['tests/harness/global-setup.ts'],
        },
      },
    ],
  },
});
