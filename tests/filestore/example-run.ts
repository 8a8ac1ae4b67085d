/**
 * One complete example run written through `MlflowClient`, shared by the FileStore and push
 * tests: params, metrics with several steps and explicit timestamps (NaN and a nested key
 * included), tags, a dataset input, an artifact directory, a LoggedModel with an MLmodel file
 * and a registered version with description, tags and an alias. `expected` says what was written,
 * so readers (Python MLflow, a server after push) are compared with it, not with themselves.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient } from '../../src/mlflow/client.js';
import type { MlflowStore } from '../../src/mlflow/store/index.js';
import type { DatasetInput, Metric } from '../../src/mlflow/types.js';

export interface ExampleRun {
  experimentName: string;
  experimentId: string;
  runId: string;
  runName: string;
  startTime: number;
  endTime: number;
  params: Record<string, string>;
  /** Every point, in logging order. */
  metrics: Metric[];
  tags: Record<string, string>;
  dataset: DatasetInput;
  /** Run artifact files (path → content). */
  artifacts: Record<string, string>;
  modelId: string;
  modelName: string;
  /** LoggedModel artifact files (path → content), MLmodel excluded. */
  modelFiles: Record<string, string>;
  registeredModel: string;
  registeredModelDescription: string;
  version: string;
  versionDescription: string;
  versionTags: Record<string, string>;
  alias: string;
}

export interface ExampleOptions {
  experimentName: string;
  registeredModel: string;
  /** Points per metric series (default 5). */
  steps?: number;
}

const T0 = 1_700_000_000_000;

export async function writeExampleRun(store: MlflowStore, options: ExampleOptions): Promise<ExampleRun> {
  const client = new MlflowClient(store);
  const steps = options.steps ?? 5;
  const experimentId = await client.getOrCreateExperiment(options.experimentName, { tags: { team: 'governance' } });
  const runName = 'rf-100-trees';
  const startTime = T0;
  const endTime = T0 + 60_000;
  const tags = { 'mlflow.user': 'ana', 'mlflow.note.content': 'Bosque aleatorio — pingüinos', stage: 'baseline' };
  const run = await client.createRun({ experimentId, runName, tags, startTime });
  const runId = run.info.runId;

  const params = { n_estimators: '100', max_depth: 'None', criterion: 'gini', seed: '42' };
  const metrics: Metric[] = [];
  for (let step = 0; step < steps; step += 1) {
    metrics.push({ key: 'accuracy', value: 0.5 + step / (2 * steps), timestamp: T0 + 1000 * step, step });
    metrics.push({ key: 'train/loss', value: 1 / (step + 1), timestamp: T0 + 1000 * step + 7, step });
  }
  metrics.push({ key: 'f1_macro', value: Number.NaN, timestamp: T0 + 50_000, step: 0 });
  metrics.push({ key: 'f1_macro', value: 0.97, timestamp: T0 + 50_001, step: 1 });
  await client.logBatch(runId, { params, metrics });

  const dataset: DatasetInput = {
    dataset: {
      name: 'penguins',
      digest: 'a1b2c3d4',
      sourceType: 'local',
      source: '{"uri": "data/penguins.csv"}',
      schema: '{"mlflow_colspec": [{"type": "double", "name": "bill_length_mm"}]}',
      profile: '{"num_rows": 333}',
    },
    tags: { 'mlflow.data.context': 'training' },
  };
  await client.logInputs(runId, [dataset]);

  const scratch = await mkdtemp(join(tmpdir(), 'mlflow-mct-example-'));
  try {
    const artifacts = { 'card/model_card.md': '# Model card\n', 'card/plots/confusion.txt': '33 0 0\n0 14 0\n0 0 20\n', 'notes.txt': 'hola\n' };
    for (const [path, content] of Object.entries(artifacts)) {
      await mkdir(join(scratch, 'artifacts', ...path.split('/').slice(0, -1)), { recursive: true });
      await writeFile(join(scratch, 'artifacts', ...path.split('/')), content);
    }
    await client.logArtifacts(runId, join(scratch, 'artifacts'));

    const modelFiles = { 'model.json': '{"trees": 100}\n', 'requirements.txt': 'ml-random-forest==2.1.0\n' };
    await mkdir(join(scratch, 'model'));
    for (const [path, content] of Object.entries(modelFiles)) await writeFile(join(scratch, 'model', path), content);
    const logged = await client.logModel({
      runId,
      name: 'model',
      modelDir: join(scratch, 'model'),
      flavors: { python_function: { loader_module: 'mlflow_mct.forest', python_version: '3.11.7', env: { virtualenv: 'python_env.yaml' } } },
      modelType: 'random-forest',
      params: { n_estimators: '100' },
      tags: { framework: 'ml-random-forest' },
    });
    const modelId = logged.modelId;
    if (modelId === undefined) throw new Error('the example expects a LoggedModel store');
    await client.logBatch(runId, {
      metrics: [{ key: 'accuracy', value: 0.985, timestamp: T0 + 55_000, step: steps, modelId, datasetName: 'penguins', datasetDigest: 'a1b2c3d4' }],
    });
    metrics.push({ key: 'accuracy', value: 0.985, timestamp: T0 + 55_000, step: steps, datasetName: 'penguins', datasetDigest: 'a1b2c3d4' });

    const registeredModelDescription = 'Clasificador de especies de pingüinos';
    await client.createRegisteredModel(options.registeredModel, { description: registeredModelDescription, tags: { domain: 'ecology' } }).catch(() => undefined);
    const versionDescription = 'Primera versión: 100 árboles';
    const versionTags = { validated: 'true', 'data.version': '2020' };
    const version = await client.registerModel(logged.modelUri, options.registeredModel, { description: versionDescription, tags: versionTags });
    const alias = 'champion';
    await client.setAlias(options.registeredModel, alias, version.version);
    await client.endRun(runId, 'FINISHED', endTime);

    return {
      experimentName: options.experimentName,
      experimentId,
      runId,
      runName,
      startTime,
      endTime,
      params,
      metrics,
      tags,
      dataset,
      artifacts,
      modelId,
      modelName: 'model',
      modelFiles,
      registeredModel: options.registeredModel,
      registeredModelDescription,
      version: version.version,
      versionDescription,
      versionTags,
      alias,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
