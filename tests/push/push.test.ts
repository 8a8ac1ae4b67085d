/**
 * `push` against the real MLflow server of the harness: a local run arrives whole (compared
 * through the REST API), a second push adds nothing, a push cut off by a failing connection
 * resumes without duplicates, and `--dry-run` sends nothing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/client.js';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { filterKey, filterLiteral } from '../../src/mlflow/filters.js';
import { pushLocalStore, type PushSummary } from '../../src/mlflow/push/index.js';
import { SOURCE_MODEL_TAG, SOURCE_RUN_TAG, SOURCE_VERSION_TAG } from '../../src/mlflow/tags.js';
import type { RestStore } from '../../src/mlflow/rest/index.js';
import { FaultProxy } from '../harness/fault-proxy.js';
import { describeWithServer, server, testConfig, testStore, uniqueName } from '../harness/context.js';
import { writeExampleRun, type ExampleRun } from '../filestore/example-run.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mlflow-mct-push-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function localExample(steps = 5): Promise<{ store: FileStore; example: ExampleRun }> {
  const store = new FileStore(await mkdtemp(join(scratch, 'mlruns-')));
  const example = await writeExampleRun(store, { experimentName: uniqueName('push'), registeredModel: uniqueName('push-model'), steps });
  return { store, example };
}

function push(store: FileStore, target: RestStore, dryRun = false): Promise<PushSummary> {
  return pushLocalStore({ source: store, target, targetUri: target.location, dryRun });
}

interface ServerCounts {
  runs: number;
  loggedModels: number;
  versions: number;
  points: Record<string, number>;
  artifacts: number;
}

async function serverCounts(client: MlflowClient, example: ExampleRun): Promise<ServerCounts> {
  const experiment = await client.getExperimentByName(example.experimentName);
  if (!experiment) return { runs: 0, loggedModels: 0, versions: 0, points: {}, artifacts: 0 };
  const runs = await client.searchRuns({ experimentIds: [experiment.experimentId], viewType: 'ALL' });
  const points: Record<string, number> = {};
  let artifacts = 0;
  for (const run of runs) {
    for (const key of Object.keys(run.data.metrics)) points[key] = (points[key] ?? 0) + (await client.getMetricHistory(run.info.runId, key)).length;
    artifacts += (await client.listArtifacts(`runs:/${run.info.runId}/`, { recursive: true })).filter((file) => !file.isDir).length;
  }
  // MLflow 2 has no LoggedModels: a pushed model is an entry of its run's model history.
  const loggedModels =
    server().major >= 3
      ? await client.searchLoggedModels({ experimentIds: [experiment.experimentId] })
      : runs.flatMap((run) => JSON.parse(run.data.tags['mlflow.log-model.history'] ?? '[]') as unknown[]);
  const versions = await client.searchModelVersions({ filter: `name = ${filterLiteral(example.registeredModel)}` }).catch(() => []);
  return { runs: runs.length, loggedModels: loggedModels.length, versions: versions.length, points, artifacts };
}

/** Run artifact files on the server: on MLflow 2 the model's files are run artifacts too. */
function runArtifactCount(example: ExampleRun): number {
  return Object.keys(example.artifacts).length + (server().major >= 3 ? 0 : Object.keys(example.modelFiles).length + 1);
}

function localPoints(example: ExampleRun): Record<string, number> {
  const points: Record<string, number> = {};
  for (const metric of example.metrics) points[metric.key] = (points[metric.key] ?? 0) + 1;
  return points;
}

describeWithServer('push to a tracking server', () => {
  it('replays a local run on the server: experiment, run, metrics, artifacts, model, registry', async () => {
    const { store, example } = await localExample();
    const target = testStore();
    const summary = await push(store, target);
    expect(summary).toMatchObject({ runsPushed: 1, loggedModels: 1, modelVersions: 1, aliases: 1, metricPoints: example.metrics.length });

    const client = new MlflowClient(target);
    const experiment = await client.getExperimentByName(example.experimentName);
    expect(experiment?.tags).toMatchObject({ team: 'governance' });
    const [run, ...others] = await client.searchRuns({
      experimentIds: [experiment!.experimentId],
      filter: `${filterKey('tags', SOURCE_RUN_TAG)} = ${filterLiteral(example.runId)}`,
    });
    expect(others).toEqual([]);
    expect(run!.info).toMatchObject({ runName: example.runName, status: 'FINISHED', startTime: example.startTime, endTime: example.endTime });
    expect(run!.data.params).toEqual(example.params);
    expect(run!.data.tags).toMatchObject({ ...example.tags, 'mlflow.runName': example.runName, [SOURCE_RUN_TAG]: example.runId });

    for (const [key, count] of Object.entries(localPoints(example))) {
      const remote = await client.getMetricHistory(run!.info.runId, key);
      const local = example.metrics.filter((metric) => metric.key === key);
      expect(remote).toHaveLength(count);
      const shape = (points: typeof local) =>
        points.map((point) => ({ value: Number.isNaN(point.value) ? 'NaN' : point.value, step: point.step, timestamp: point.timestamp })).sort((a, b) => a.timestamp - b.timestamp);
      expect(shape(remote)).toEqual(shape(local));
    }

    expect(run!.inputs.datasetInputs).toEqual([example.dataset]);
    const files = await client.listArtifacts(`runs:/${run!.info.runId}/`, { recursive: true });
    const modelFileNames = ['MLmodel', ...Object.keys(example.modelFiles)].sort();
    const modelPrefix = server().major >= 3 ? [] : modelFileNames.map((path) => `${example.modelName}/${path}`);
    expect(files.filter((file) => !file.isDir).map((file) => file.path).sort()).toEqual([...Object.keys(example.artifacts), ...modelPrefix].sort());
    const downloaded = await client.downloadArtifacts(`runs:/${run!.info.runId}/card/model_card.md`, await mkdtemp(join(scratch, 'dl-')));
    expect(await readFile(downloaded, 'utf8')).toBe(example.artifacts['card/model_card.md']);

    const registered = await client.getRegisteredModel(example.registeredModel);
    expect(registered).toMatchObject({ description: example.registeredModelDescription, tags: { domain: 'ecology' } });
    const version = await client.getModelVersionByAlias(example.registeredModel, example.alias);
    expect(version).toMatchObject({
      description: example.versionDescription,
      tags: { ...example.versionTags, [SOURCE_VERSION_TAG]: expect.any(String) as unknown as string },
      runId: run!.info.runId,
      aliases: [example.alias],
    });

    if (server().major < 3) {
      const history = JSON.parse(run!.data.tags['mlflow.log-model.history'] ?? '[]') as Array<Record<string, unknown>>;
      expect(history).toEqual([expect.objectContaining({ artifact_path: example.modelName, run_id: run!.info.runId })]);
      expect(version.source).toBe(`${run!.info.artifactUri}/${example.modelName}`);
      return;
    }
    const [model] = await client.searchLoggedModels({ experimentIds: [experiment!.experimentId] });
    expect(model).toMatchObject({
      name: example.modelName,
      status: 'LOGGED_MODEL_READY',
      modelType: 'random-forest',
      sourceRunId: run!.info.runId,
      params: { n_estimators: '100' },
      tags: { framework: 'ml-random-forest', [SOURCE_MODEL_TAG]: example.modelId },
    });
    expect(model!.metrics.map((metric) => ({ key: metric.key, value: metric.value, step: metric.step, datasetName: metric.datasetName }))).toEqual([
      { key: 'accuracy', value: 0.985, step: 5, datasetName: 'penguins' },
    ]);
    expect(run!.outputs.modelOutputs).toEqual([{ modelId: model!.modelId, step: 0 }]);
    const modelFiles = await client.listArtifacts(`models:/${model!.modelId}`, { recursive: true });
    expect(modelFiles.map((file) => file.path).sort()).toEqual(['MLmodel', ...Object.keys(example.modelFiles)].sort());
    const mlmodelFile = join(await mkdtemp(join(scratch, 'dl-')), 'MLmodel');
    await target.artifacts.downloadArtifact(model!.artifactUri, 'MLmodel', mlmodelFile);
    const mlmodel = await readFile(mlmodelFile, 'utf8');
    expect(mlmodel).toContain(`model_id: ${model!.modelId}`);
    expect(mlmodel).toContain(`run_id: ${run!.info.runId}`);

    // The SQL registry keeps the LoggedModel in the source only (no model_id column in 3.x).
    expect(version.source).toBe(`models:/${model!.modelId}`);
  }, 120_000);

  it('adds nothing when pushed twice', async () => {
    const { store, example } = await localExample();
    const target = testStore();
    const client = new MlflowClient(target);
    await push(store, target);
    const first = await serverCounts(client, example);
    const requestsBefore = target.http.stats.requests;
    const again = await push(store, target);
    expect(again).toMatchObject({ runsPushed: 0, runsUpToDate: 1, metricPoints: 0, loggedModels: 0, modelVersions: 0, aliases: 0, plan: [] });
    expect(target.http.stats.requests - requestsBefore).toBeLessThanOrEqual(2);
    expect(await serverCounts(client, example)).toEqual(first);
    expect(first).toEqual({ runs: 1, loggedModels: 1, versions: 1, points: localPoints(example), artifacts: runArtifactCount(example) });
  }, 120_000);

  it('finds what the server has when the ledger is lost, and creates nothing new', async () => {
    const { store, example } = await localExample();
    const target = testStore();
    const client = new MlflowClient(target);
    await push(store, target);
    const first = await serverCounts(client, example);
    await rm(join(store.root, '.mlflow-mct-push-ledger.json'));
    const again = await push(store, target);
    expect(again.modelVersions).toBe(0);
    expect(await serverCounts(client, example)).toEqual(first);
  }, 120_000);

  it('resumes after the connection is cut mid-push, without duplicates', async () => {
    const { store, example } = await localExample(1500);
    const proxy = await FaultProxy.start(server().url);
    try {
      let batches = 0;
      // After two metric batches reached the server, every answer is lost (the server still acts).
      proxy.inject({
        fault: { kind: 'reset-after' },
        match: ({ path }) => {
          if (path.includes('/runs/log-batch')) batches += 1;
          return batches > 3;
        },
      });
      const cut = testStore({ url: proxy.url, retry: { maxRetries: 1, backoffFactor: 0.01, backoffJitter: 0, backoffMax: 0.1, respectRetryAfter: false } });
      const failure = await push(store, cut).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(proxy.count('/runs/log-batch', 'reset-after')).toBeGreaterThan(0);

      proxy.clear();
      const resumed = await push(store, testStore({ url: proxy.url }));
      expect(resumed.runsPushed).toBe(1);
      expect(resumed.metricPoints).toBeLessThan(example.metrics.length);

      const counts = await serverCounts(new MlflowClient(testStore()), example);
      expect(counts).toEqual({ runs: 1, loggedModels: 1, versions: 1, points: localPoints(example), artifacts: runArtifactCount(example) });
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it('lists what it would send with --dry-run, and sends nothing', async () => {
    const { store, example } = await localExample();
    const target = testStore();
    const plan = await push(store, target, true);
    expect(target.http.stats.requests).toBe(0);
    expect(plan.plan.map((item) => [item.kind, item.action])).toEqual([
      ['experiment', 'create'],
      ['run', 'create'],
      ['logged-model', 'create'],
      ['model-version', 'create'],
    ]);
    expect(plan.plan.find((item) => item.kind === 'run')).toMatchObject({ metricPoints: example.metrics.length, artifacts: Object.keys(example.artifacts).length });
    expect(await new MlflowClient(testStore()).getExperimentByName(example.experimentName)).toBeUndefined();
    expect(testConfig().trackingUri).toBe(server().url);
  }, 60_000);
});
