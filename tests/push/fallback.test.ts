/**
 * Opening the tracking target: the local store without a URI, and the local store instead of a
 * server that does not answer, with the warning, the exit code and the later push.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/client.js';
import { loadMlflowConfig } from '../../src/mlflow/config.js';
import { createStore } from '../../src/mlflow/create-store.js';
import { MlflowAuthError, MlflowUnsupportedStoreError } from '../../src/mlflow/errors.js';
import { describeTarget, exitCodeFor, openTrackingTarget, recordWithFallback } from '../../src/mlflow/fallback.js';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { pushLocalStore } from '../../src/mlflow/push/index.js';
import { INCOMPLETE_RUN_TAG } from '../../src/mlflow/tags.js';
import type { MlflowStore } from '../../src/mlflow/store/index.js';
import { FaultProxy } from '../harness/fault-proxy.js';
import { freePort } from '../harness/ports.js';
import { describeWithServer, server, testConfig, testStore, uniqueName } from '../harness/context.js';
import { writeExampleRun } from '../filestore/example-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-fallback-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quickRetry = { maxRetries: 1, backoffFactor: 0.01, backoffJitter: 0, backoffMax: 0.1, respectRetryAfter: false };

describe('without a server', () => {
  it('records into ./mlruns when no tracking URI is set, and says how to view it', async () => {
    const config = loadMlflowConfig({}, { env: {}, credentialsFile: '/nonexistent' });
    const target = await openTrackingTarget(config, { localDir: join(dir, 'default', 'mlruns') });
    expect(target).toMatchObject({ kind: 'local', location: join(dir, 'default', 'mlruns') });
    expect(target.store).toBeInstanceOf(FileStore);
    const { warning, lines } = describeTarget(target, 'abc');
    expect(warning).toBeUndefined();
    expect(lines).toEqual([
      `Recorded run abc in the local store ${join(dir, 'default', 'mlruns')}`,
      `View it: MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ${join(dir, 'default', 'mlruns')}`,
    ]);
    expect(exitCodeFor(target)).toBe(0);
  });

  it('is what createStore gives for no URI, a path or a file: URI', () => {
    const local = (uri: string | undefined) => createStore(loadMlflowConfig({ mlflowUri: uri }, { env: {}, credentialsFile: '/nonexistent' }));
    expect(local(undefined)).toBeInstanceOf(FileStore);
    expect((local(undefined) as FileStore).root).toBe(join(process.cwd(), 'mlruns'));
    expect((local(`file://${join(dir, 'a b')}`) as FileStore).root).toBe(join(dir, 'a b'));
    expect((local('file:relative/store') as FileStore).root).toBe(join(process.cwd(), 'relative', 'store'));
    expect((local(join(dir, 'plain')) as FileStore).root).toBe(join(dir, 'plain'));
    expect(() => local('s3://bucket/mlruns')).toThrow(MlflowUnsupportedStoreError);
  });

  it('uses the directory of a file: URI', async () => {
    const config = loadMlflowConfig({ mlflowUri: `file://${join(dir, 'elsewhere')}` }, { env: {}, credentialsFile: '/nonexistent' });
    const target = await openTrackingTarget(config, { localDir: join(dir, 'unused') });
    expect(target).toMatchObject({ kind: 'local', location: join(dir, 'elsewhere') });
    const client = new MlflowClient(target.store);
    const experimentId = await client.getOrCreateExperiment('here');
    expect((await new FileStore(join(dir, 'elsewhere')).tracking.getExperiment(experimentId)).name).toBe('here');
  });

  it('falls back to the local store when the server refuses connections, and fails unless offline is fine', async () => {
    const port = await freePort();
    const config = testConfig({ url: `http://127.0.0.1:${port}`, retry: quickRetry });
    const target = await openTrackingTarget(config, { localDir: join(dir, 'refused') });
    expect(target.kind).toBe('local-fallback');
    expect(target.fallback).toMatchObject({ server: `http://127.0.0.1:${port}` });
    expect(target.fallback?.reason).toContain('connection refused');
    const { warning, lines } = describeTarget(target);
    expect(warning).toContain(`MLflow at http://127.0.0.1:${port} did not answer`);
    expect(lines.at(-1)).toBe(`Send it when the server is back: mlflow-mct push --from ${join(dir, 'refused')} --mlflow-uri http://127.0.0.1:${port}`);
    expect(exitCodeFor(target)).toBe(1);
    expect(exitCodeFor(target, { offlineOk: true })).toBe(0);
  });
});

describeWithServer('with a server that is down, then back', () => {
  it('keeps the run locally while the server answers 503, and push sends it once it is back', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      proxy.inject({ fault: { kind: 'status', status: 503 } });
      const target = await openTrackingTarget(testConfig({ url: proxy.url, retry: quickRetry }), { localDir: join(dir, 'outage') });
      expect(target.kind).toBe('local-fallback');
      const example = await writeExampleRun(target.store, { experimentName: uniqueName('offline'), registeredModel: uniqueName('offline-model') });

      proxy.clear();
      const summary = await pushLocalStore({ source: target.store as FileStore, target: testStore({ url: proxy.url }), targetUri: proxy.url });
      expect(summary).toMatchObject({ runsPushed: 1, modelVersions: 1 });
      const client = new MlflowClient(testStore());
      const experiment = await client.getExperimentByName(example.experimentName);
      const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
      expect(runs.map((run) => run.info.runName)).toEqual([example.runName]);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('records the whole run locally when the server goes away mid-run; push marks the partial one FAILED', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      let batches = 0;
      proxy.inject({
        fault: { kind: 'reset-before' },
        match: ({ path }) => {
          if (path.includes('/runs/log-batch')) batches += 1;
          return batches > 1;
        },
      });
      const localDir = join(dir, 'mid-run');
      const target = await openTrackingTarget(testConfig({ url: proxy.url, retry: quickRetry }), { localDir });
      expect(target.kind).toBe('server');
      const experimentName = uniqueName('mid-run');
      const t0 = 1_700_000_000_000;
      const record = async (store: MlflowStore) => {
        const client = new MlflowClient(store);
        const experimentId = await client.getOrCreateExperiment(experimentName);
        const run = await client.createRun({ experimentId, runName: 'trained', startTime: t0 });
        await client.logBatch(run.info.runId, { params: { seed: '42' } });
        await client.logBatch(run.info.runId, { metrics: [{ key: 'accuracy', value: 0.98, timestamp: t0 + 10, step: 0 }] });
        await client.endRun(run.info.runId, 'FINISHED', t0 + 1000);
        return run.info.runId;
      };
      const { result: localRunId, target: used } = await recordWithFallback(target, record, { localDir });
      expect(used.kind).toBe('local-fallback');
      expect(exitCodeFor(used)).toBe(1);
      const localRun = await used.store.tracking.getRun(localRunId);
      expect(localRun.info.status).toBe('FINISHED');
      expect(localRun.data).toMatchObject({ params: { seed: '42' }, metrics: { accuracy: 0.98 } });

      proxy.clear();
      const summary = await pushLocalStore({ source: used.store as FileStore, target: testStore({ url: proxy.url }), targetUri: proxy.url });
      expect(summary.plan.map((item) => [item.kind, item.action])).toContainEqual(['incomplete-run', 'mark-failed']);
      const client = new MlflowClient(testStore());
      const experiment = await client.getExperimentByName(experimentName);
      const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
      const byStatus = Object.fromEntries(runs.map((run) => [run.info.status, run]));
      expect(Object.keys(byStatus).sort()).toEqual(['FAILED', 'FINISHED']);
      expect(byStatus.FAILED!.data.tags[INCOMPLETE_RUN_TAG]).toContain('complete copy');
      expect(byStatus.FINISHED!.data).toMatchObject({ params: { seed: '42' }, metrics: { accuracy: 0.98 } });
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('does not hide a rejected login behind the local store', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      proxy.inject({ fault: { kind: 'status', status: 401 } });
      const failure = await openTrackingTarget(testConfig({ url: proxy.url, retry: quickRetry }), { localDir: join(dir, 'auth') }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MlflowAuthError);
    } finally {
      await proxy.close();
    }
  });

  it('uses the server when it answers', async () => {
    const target = await openTrackingTarget(testConfig(), { localDir: join(dir, 'unused-local') });
    expect(target).toMatchObject({ kind: 'server', location: server().url });
    expect(describeTarget(target, 'r1').lines).toEqual([`Recorded run r1 in MLflow at ${server().url}`]);
    await target.store.close();
  });
});
