import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { MlflowClient } from '../../src/mlflow/client.js';
import { MlflowApiError, MlflowConnectionError } from '../../src/mlflow/errors.js';
import { LOG_MODEL_HISTORY_TAG, REQUEST_MARKER_TAG } from '../../src/mlflow/tags.js';
import type { RetryPolicy } from '../../src/mlflow/config.js';
import { describeWithServer, scratchDir, server, testClient, uniqueName } from '../harness/context.js';
import { FaultProxy, type Fault } from '../harness/fault-proxy.js';

const FAST: RetryPolicy = { maxRetries: 4, backoffFactor: 0.02, backoffJitter: 0.01, backoffMax: 0.2, respectRetryAfter: true };

/** The faults a flaky network and an overloaded server produce, in turn. */
const TRANSIENT: Fault[] = [
  { kind: 'status', status: 503, body: 'Service Unavailable' },
  { kind: 'reset-after' },
  { kind: 'status', status: 429, retryAfter: '0', body: 'Too Many Requests' },
  { kind: 'reset-before' },
  { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
  { kind: 'delay', ms: 80 },
  { kind: 'status', status: 504, body: 'Gateway Timeout' },
];

/** Each endpoint that creates or appends something loses its first answer after the server acted. */
const CREATES = [
  'runs/create',
  'experiments/create',
  'runs/log-batch',
  'runs/log-inputs',
  'runs/log-model',
  'runs/outputs',
  '/mlflow/logged-models',
  'registered-models/create',
  'model-versions/create',
  'registered-models/alias',
  'mlflow-artifacts/artifacts/',
];

interface SessionResult {
  experimentId: string;
  runId: string;
  registeredName: string;
}

/**
 * What a training command does: an experiment, a run with tags, params, metric history and a
 * dataset, artifacts, a model, its registration and an alias, then the end of the run.
 */
async function session(client: MlflowClient, label: string, files: { artifact: string; modelDir: string }): Promise<SessionResult> {
  const experimentId = await client.getOrCreateExperiment(uniqueName(`flaky-${label}`));
  const run = await client.createRun({ experimentId, runName: 'session', tags: { 'mlflow.user': 'ci', phase: 'train' }, startTime: 1_700_000_000_000 });
  const { runId } = run.info;
  const metrics = Array.from({ length: 2400 }, (_, index) => ({ key: `m${index % 4}`, value: index / 7, step: index, timestamp: 1_700_000_000_000 + index }));
  await client.logBatch(runId, {
    params: Object.fromEntries(Array.from({ length: 120 }, (_, index) => [`p${index}`, `value-${index}`])),
    tags: { framework: 'ml-random-forest' },
    metrics,
  });
  await client.logInputs(runId, [
    { dataset: { name: 'penguins', digest: 'abcd1234', sourceType: 'local', source: '{"uri": "penguins.csv"}' }, tags: { 'mlflow.data.context': 'training' } },
  ]);
  await client.setTag(runId, 'stage', 'evaluated');
  await client.logArtifact(runId, files.artifact, 'results');
  const registeredName = uniqueName(`flaky-model-${label}`);
  const logged = await client.logModel({ runId, name: 'model', modelDir: files.modelDir, flavors: { mct: { file: 'model.json' } }, registeredModelName: registeredName });
  await client.setAlias(registeredName, 'champion', logged.registeredVersion?.version ?? '1');
  await client.endRun(runId, 'FINISHED', 1_700_000_100_000);
  return { experimentId, runId, registeredName };
}

/** Everything the server holds about a session, in a form two sessions can be compared in. */
async function snapshot(client: MlflowClient, result: SessionResult): Promise<unknown> {
  const runs = await client.searchRuns({ experimentIds: [result.experimentId], viewType: 'ALL' });
  const run = await client.getRun(result.runId);
  const histories: Record<string, unknown> = {};
  for (const key of Object.keys(run.data.metrics).sort()) {
    histories[key] = (await client.getMetricHistory(result.runId, key)).map((point) => [point.step, point.timestamp, point.value]);
  }
  const tags = { ...run.data.tags };
  const history = tags[LOG_MODEL_HISTORY_TAG];
  delete tags[LOG_MODEL_HISTORY_TAG];
  const versions = await client.searchModelVersions({ filter: `name = '${result.registeredName}'` });
  const loggedModels = server().major >= 3 ? await client.searchLoggedModels({ experimentIds: [result.experimentId] }) : [];
  const artifacts = await client.listArtifacts(`runs:/${result.runId}`, { recursive: true });
  return {
    runs: runs.length,
    status: run.info.status,
    params: run.data.params,
    tags,
    historyEntries: history === undefined ? 0 : (JSON.parse(history) as unknown[]).length,
    histories,
    datasets: run.inputs.datasetInputs.map((input) => [input.dataset.name, input.dataset.digest]),
    outputs: run.outputs.modelOutputs.length,
    loggedModels: loggedModels.map((model) => [model.name, model.status, Object.keys(model.tags).includes(REQUEST_MARKER_TAG)]),
    versions: versions.map((version) => [version.version, version.status, version.aliases, Object.keys(version.tags)]),
    artifacts: artifacts.map((file) => [file.path, file.isDir, file.fileSize]),
  };
}

describeWithServer('reliability through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  let files: { artifact: string; modelDir: string };

  beforeAll(async () => {
    proxy = await FaultProxy.start(server().url);
    const dir = await scratchDir('faults');
    files = { artifact: join(dir, 'results.json'), modelDir: join(dir, 'model') };
    await writeFile(files.artifact, JSON.stringify({ accuracy: 0.9851 }));
    await mkdir(files.modelDir);
    await writeFile(join(files.modelDir, 'model.json'), '{"trees": 100}');
  });

  beforeEach(() => {
    proxy.clear();
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('a flaky session leaves exactly what a clean one leaves: nothing lost, nothing duplicated', async () => {
    const clean = testClient({ retry: FAST });
    const cleanResult = await session(clean, 'clean', files);

    proxy.inject(
      ...CREATES.map((fragment) => ({
        fault: { kind: 'reset-after' } as Fault,
        match: ({ method, path }: { method: string; path: string }) => method !== 'GET' && path.includes(fragment),
        times: 1,
      })),
      { fault: (index: number) => (index % 3 === 1 ? TRANSIENT[Math.floor(index / 3) % TRANSIENT.length] : undefined) },
    );
    const flaky = testClient({ url: proxy.url, retry: FAST });
    const flakyResult = await session(flaky, 'flaky', files);

    const injected = proxy.log.filter((entry) => entry.fault !== 'forwarded');
    expect(new Set(injected.map((entry) => entry.fault))).toEqual(new Set(['status', 'reset-after', 'reset-before', 'delay']));
    for (const fragment of ['runs/create', 'runs/log-batch', 'model-versions/create', 'registered-models/create']) {
      expect(proxy.count(fragment, 'reset-after'), fragment).toBeGreaterThanOrEqual(1);
    }
    if (server().major >= 3) expect(proxy.count('runs/outputs', 'reset-after')).toBe(1);
    else expect(proxy.count('runs/log-model', 'reset-after')).toBe(1);

    const checker = testClient();
    const expected = await snapshot(checker, cleanResult);
    const actual = await snapshot(checker, flakyResult);
    expect(actual).toEqual(expected);
    expect(actual).toMatchObject({ runs: 1, status: 'FINISHED', outputs: server().major >= 3 ? 1 : 0 });
  }, 180_000);

  it('waits what Retry-After asks on a 429', async () => {
    proxy.inject({ fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 });
    const waits: number[] = [];
    await testClient({ url: proxy.url, retry: FAST }, { onRetry: (event) => waits.push(event.delayMs) }).getExperiment('0');
    expect(waits).toEqual([1000]);
    expect(proxy.count('experiments/get')).toBe(2);

    proxy.clear().inject({ fault: { kind: 'status', status: 429, retryAfter: '1' }, times: 1 });
    const ignored: number[] = [];
    await testClient({ url: proxy.url, retry: { ...FAST, respectRetryAfter: false } }, { onRetry: (event) => ignored.push(event.delayMs) }).getExperiment('0');
    // The first retry of MLflow's back-off does not wait.
    expect(ignored).toEqual([0]);
  });

  it('a persistent 503 ends in one clear error after the configured retries', async () => {
    proxy.inject({ fault: { kind: 'status', status: 503, body: 'upstream connect error' } });
    const waits: number[] = [];
    const error = (await testClient({ url: proxy.url, retry: FAST }, { onRetry: (event) => waits.push(event.delayMs) })
      .getExperiment('0')
      .catch((caught: unknown) => caught)) as MlflowApiError;
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error).toMatchObject({ httpStatus: 503, errorCode: 'HTTP_503', attempts: FAST.maxRetries + 1, exitCode: 1 });
    expect(error.oneLine).toMatch(/answered GET \/api\/2\.0\/mlflow\/experiments\/get with HTTP 503: upstream connect error after 5 attempts/);
    expect(proxy.count()).toBe(FAST.maxRetries + 1);
    // Waits: 0, then 0.02×2^(n−1) s plus up to 0.01 s of jitter, capped at 0.2 s.
    expect(waits).toHaveLength(FAST.maxRetries);
    expect(waits[0]).toBe(0);
    for (const [index, wait] of waits.slice(1).entries()) {
      expect(wait).toBeGreaterThanOrEqual(0.02 * 2 ** (index + 1) * 1000);
      expect(wait).toBeLessThanOrEqual(Math.min(200, (0.02 * 2 ** (index + 1) + 0.01) * 1000));
    }
  });

  it('persistent connection resets end in a connection error within the retry budget', async () => {
    proxy.inject({ fault: { kind: 'reset-before' } });
    const error = await testClient({ url: proxy.url, retry: FAST })
      .createExperiment(uniqueName('never'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlflowConnectionError);
    expect(error).toMatchObject({ attempts: FAST.maxRetries + 1 });
    expect((error as MlflowConnectionError).oneLine).toMatch(
      /connection to MLflow at http:\/\/127\.0\.0\.1:\d+ failed during (GET|POST) \S+: ECONNRESET \(5 attempts\) — check MLFLOW_TRACKING_URI/,
    );
  });

  it('a run whose create answer is lost is found again, once, without its marker tag', async () => {
    const client = testClient({ url: proxy.url, retry: FAST });
    const experimentId = await client.createExperiment(uniqueName('lost-answer'));
    proxy.inject({ fault: { kind: 'reset-after' }, match: ({ path }) => path.endsWith('runs/create'), times: 1 });
    const run = await client.createRun({ experimentId, runName: 'once' });
    // The retry first looks for the run by its marker, finds it and sends no second create.
    expect(proxy.count('runs/create')).toBe(1);
    expect(proxy.count('runs/search')).toBe(1);
    const runs = await testClient().searchRuns({ experimentIds: [experimentId], viewType: 'ALL' });
    expect(runs.map((found) => found.info.runId)).toEqual([run.info.runId]);
    expect(runs[0]?.data.tags).not.toHaveProperty(REQUEST_MARKER_TAG);
  });
});
