/**
 * The FileStore's own behaviour through the `TrackingStore` contract: typed errors, immutable
 * params, repeatable batches, MLflow's search grammar, deletion, the registry's version rules,
 * and nothing written where MLflow would misread it.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/client.js';
import {
  MlflowAlreadyExistsError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowValidationError,
} from '../../src/mlflow/errors.js';
import { FileStore } from '../../src/mlflow/file-store/index.js';

let dir: string;
let store: FileStore;
let client: MlflowClient;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-store-'));
  store = new FileStore(join(dir, 'mlruns'));
  client = new MlflowClient(store);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runWith(experimentId: string, name: string, metrics: Record<string, number>, params: Record<string, string>, tags: Record<string, string> = {}) {
  const run = await client.createRun({ experimentId, runName: name, tags, startTime: Date.now() });
  await client.logBatch(run.info.runId, { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value })), params });
  return run.info.runId;
}

describe('FileStore', () => {
  it('answers missing and duplicate things with the typed errors of a server', async () => {
    await expect(store.tracking.getRun('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(store.tracking.getExperiment('42')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(store.tracking.getLoggedModel('m-0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(store.registry.getRegisteredModel('nope')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(store.tracking.getExperimentByName('nope')).resolves.toBeUndefined();
    await store.tracking.createExperiment({ name: 'twice' });
    await expect(store.tracking.createExperiment({ name: 'twice' })).rejects.toBeInstanceOf(MlflowAlreadyExistsError);
    await store.registry.createRegisteredModel({ name: 'model' });
    await expect(store.registry.createRegisteredModel({ name: 'model' })).rejects.toBeInstanceOf(MlflowAlreadyExistsError);
  });

  it('numbers experiments from 1 after Default (0)', async () => {
    expect(await store.tracking.createExperiment({ name: 'a' })).toBe('1');
    expect(await store.tracking.createExperiment({ name: 'b' })).toBe('2');
    expect((await store.tracking.getExperiment('0')).name).toBe('Default');
  });

  it('keeps params immutable and stores a repeated batch once', async () => {
    const experimentId = await store.tracking.createExperiment({ name: 'e' });
    const runId = await runWith(experimentId, 'r', {}, { lr: '0.1' });
    await client.logParam(runId, 'lr', '0.1');
    await expect(client.logParam(runId, 'lr', '0.2')).rejects.toBeInstanceOf(MlflowInvalidRequestError);
    const batch = { metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }, { key: 'loss', value: 0.4, timestamp: 2, step: 1 }] };
    await client.logBatch(runId, batch);
    await client.logBatch(runId, batch);
    expect((await client.getMetricHistory(runId, 'loss')).map((point) => point.value)).toEqual([0.5, 0.4]);
  });

  it('refuses keys that would leave their directory, and writes nothing', async () => {
    const experimentId = await store.tracking.createExperiment({ name: 'e' });
    const run = await store.tracking.createRun({ experimentId, startTime: 1 });
    await expect(store.tracking.logBatch(run.info.runId, { metrics: [], params: [{ key: '../../escape', value: 'x' }], tags: [] })).rejects.toBeInstanceOf(MlflowValidationError);
    await expect(store.tracking.setTag(run.info.runId, '/abs', 'x')).rejects.toBeInstanceOf(MlflowValidationError);
    expect(await readdir(join(store.root, experimentId))).toEqual(expect.not.arrayContaining(['escape']));
    expect(await readdir(dir)).toEqual(['mlruns']);
  });

  it('searches runs with MLflow filter strings, order and pages', async () => {
    const experimentId = await store.tracking.createExperiment({ name: 'search' });
    await runWith(experimentId, 'alpha-1', { acc: 0.9 }, { seed: '1' }, { 'team.name': 'ml' });
    await runWith(experimentId, 'alpha-2', { acc: 0.7 }, { seed: '2' }, { 'team.name': "o'brien" });
    await runWith(experimentId, 'beta', { acc: 0.95 }, { seed: '1' });
    const names = async (filter: string, orderBy?: string[]) =>
      (await client.searchRuns({ experimentIds: [experimentId], filter, orderBy })).map((run) => run.info.runName);
    expect(await names("metrics.acc > 0.8 AND params.seed = '1'", ['metrics.acc DESC'])).toEqual(['beta', 'alpha-1']);
    expect(await names("attributes.run_name LIKE 'alpha%'", ['run_name ASC'])).toEqual(['alpha-1', 'alpha-2']);
    expect(await names("tags.`team.name` = 'o\\'brien'")).toEqual(['alpha-2']);
    expect(await names("run_name IN ('beta', 'alpha-2')", ['run_name'])).toEqual(['alpha-2', 'beta']);
    expect(await names("tags.\"team.name\" ILIKE 'ML'")).toEqual(['alpha-1']);
    const first = await store.tracking.searchRuns({ experimentIds: [experimentId], maxResults: 2, orderBy: ['run_name ASC'] });
    const second = await store.tracking.searchRuns({ experimentIds: [experimentId], maxResults: 2, orderBy: ['run_name ASC'], pageToken: first.nextPageToken });
    expect([...first.items, ...second.items].map((run) => run.info.runName)).toEqual(['alpha-1', 'alpha-2', 'beta']);
    expect(second.nextPageToken).toBeUndefined();
    await expect(names('metrics.acc >> 1')).rejects.toBeInstanceOf(MlflowValidationError);
  });

  it('moves a deleted experiment to .trash with its runs deleted, and keeps its name taken', async () => {
    const experimentId = await store.tracking.createExperiment({ name: 'gone' });
    const runId = await runWith(experimentId, 'r', { acc: 1 }, {});
    await store.tracking.deleteExperiment(experimentId);
    expect(await readdir(join(store.root, '.trash'))).toEqual([experimentId]);
    expect((await store.tracking.getExperimentByName('gone'))?.lifecycleStage).toBe('deleted');
    expect((await store.tracking.getRun(runId)).info.lifecycleStage).toBe('deleted');
    await expect(store.tracking.createExperiment({ name: 'gone' })).rejects.toBeInstanceOf(MlflowAlreadyExistsError);
    await expect(store.tracking.createRun({ experimentId, startTime: 1 })).rejects.toBeInstanceOf(MlflowInvalidRequestError);
    await expect(store.tracking.deleteExperiment('0')).rejects.toBeInstanceOf(MlflowInvalidRequestError);
  });

  it('never gives a deleted version number again, and archives on transition', async () => {
    await client.createRegisteredModel('reg');
    const source = 'file:///somewhere/model';
    const v1 = await store.registry.createModelVersion({ name: 'reg', source });
    const v2 = await store.registry.createModelVersion({ name: 'reg', source });
    await store.registry.setRegisteredModelAlias('reg', 'champion', v2.version);
    await store.registry.deleteModelVersion('reg', v2.version);
    expect((await store.registry.getRegisteredModel('reg')).aliases).toEqual({});
    const v3 = await store.registry.createModelVersion({ name: 'reg', source });
    expect([v1.version, v2.version, v3.version]).toEqual(['1', '2', '3']);
    await expect(store.registry.getModelVersion('reg', '2')).rejects.toBeInstanceOf(MlflowNotFoundError);

    await store.registry.transitionModelVersionStage('reg', '1', 'production', false);
    await store.registry.transitionModelVersionStage('reg', '3', 'Production', true);
    expect((await store.registry.getModelVersion('reg', '1')).currentStage).toBe('Archived');
    expect((await store.registry.getLatestVersions('reg', ['Production'])).map((version) => version.version)).toEqual(['3']);

    await store.registry.renameRegisteredModel('reg', 'renamed');
    expect((await store.registry.getModelVersion('renamed', '3')).name).toBe('renamed');
    await expect(store.registry.getRegisteredModel('reg')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('leaves only what MLflow expects at the store root: experiments, .trash, models and files', async () => {
    const experimentId = await store.tracking.createExperiment({ name: 'e' });
    await runWith(experimentId, 'r', { acc: 1 }, { a: 'b' });
    const entries = await readdir(store.root, { withFileTypes: true });
    const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    expect(directories).toEqual(['.trash', '0', experimentId, 'models']);
    expect(entries.filter((entry) => entry.isFile()).map((entry) => entry.name)).toEqual([]);
  });
});
