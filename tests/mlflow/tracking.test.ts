import { expect, it } from 'vitest';
import {
  MlflowAlreadyExistsError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowValidationError,
} from '../../src/mlflow/errors.js';
import type { LogBatchInput } from '../../src/mlflow/client.js';
import { REQUEST_MARKER_TAG } from '../../src/mlflow/tags.js';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';

describeWithServer('tracking against a real MLflow server', () => {
  const client = testClient();

  it('reports the server version and whether it has LoggedModels', async () => {
    const capabilities = await client.capabilities();
    expect(capabilities.version).toBe(server().version);
    expect(capabilities.loggedModels).toBe(server().major >= 3);
  });

  it('creates, finds and searches experiments', async () => {
    const name = uniqueName('exp');
    const id = await client.createExperiment(name, { tags: { team: 'mlops' } });
    expect(id).toMatch(/^\d+$/);
    const byName = await client.getExperimentByName(name);
    expect(byName).toMatchObject({ experimentId: id, name, lifecycleStage: 'active', tags: { team: 'mlops' } });
    expect(byName?.artifactLocation).toMatch(/^mlflow-artifacts:/);
    expect((await client.getExperiment(id)).name).toBe(name);
    expect(await client.getOrCreateExperiment(name)).toBe(id);
    const found = await client.searchExperiments({ filter: `name = '${name}'` });
    expect(found.map((experiment) => experiment.experimentId)).toEqual([id]);
    await client.setExperimentTag(id, 'stage', 'dev');
    expect((await client.getExperiment(id)).tags.stage).toBe('dev');
  });

  it('getOrCreateExperiment creates a missing experiment once', async () => {
    const name = uniqueName('exp-goc');
    const first = await client.getOrCreateExperiment(name);
    const second = await client.getOrCreateExperiment(name);
    expect(second).toBe(first);
    expect(await client.searchExperiments({ filter: `name = '${name}'` })).toHaveLength(1);
  });

  it('resolves the experiment from MLFLOW_EXPERIMENT_NAME / _ID semantics', async () => {
    const name = uniqueName('exp-env');
    const id = await client.resolveExperimentId({ experimentName: name });
    expect((await client.getExperiment(id)).name).toBe(name);
    expect(await client.resolveExperimentId({ experimentName: name, experimentId: id })).toBe(id);
    await expect(client.resolveExperimentId({ experimentName: name, experimentId: '999999' })).rejects.toThrow(/does not match/);
    expect(await client.resolveExperimentId({ experimentId: id })).toBe(id);
    await expect(client.resolveExperimentId({ experimentId: '987654321' })).rejects.toThrow(/MLFLOW_EXPERIMENT_ID/);
    expect(await client.resolveExperimentId({})).toBe('0');
  });

  it('types server errors by error_code: missing and duplicate experiments', async () => {
    const missing = client.getExperiment('987654321');
    await expect(missing).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(missing).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404 });
    expect(await client.getExperimentByName(uniqueName('nope'))).toBeUndefined();

    const name = uniqueName('exp-dup');
    await client.createExperiment(name);
    const duplicate = client.createExperiment(name);
    await expect(duplicate).rejects.toBeInstanceOf(MlflowAlreadyExistsError);
    // MLflow answers "already exists" with 400, not 409.
    await expect(duplicate).rejects.toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS', httpStatus: 400, exitCode: 1 });
  });

  it('refuses to log into a deleted experiment by name', async () => {
    const name = uniqueName('exp-del');
    const id = await client.createExperiment(name);
    await client.deleteExperiment(id);
    expect((await client.getExperiment(id)).lifecycleStage).toBe('deleted');
    await expect(client.getOrCreateExperiment(name)).rejects.toThrow(/is deleted/);
  });

  it('creates, updates, tags, searches and ends runs', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-runs'));
    const run = await client.createRun({ experimentId, runName: 'rf-100', tags: { 'mlflow.user': 'ana', purpose: 'test' }, startTime: 1_700_000_000_000 });
    const { runId } = run.info;
    expect(run.info).toMatchObject({ experimentId, runName: 'rf-100', status: 'RUNNING', lifecycleStage: 'active', startTime: 1_700_000_000_000 });
    expect(run.info.artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    expect(run.data.tags).toMatchObject({ 'mlflow.runName': 'rf-100', 'mlflow.user': 'ana', purpose: 'test' });

    // The retry marker used during creation is gone from the server.
    const stored = await client.getRun(runId);
    expect(stored.data.tags).not.toHaveProperty(REQUEST_MARKER_TAG);
    expect(run.data.tags).not.toHaveProperty(REQUEST_MARKER_TAG);

    await client.setTag(runId, 'mlflow.note.content', 'Notas en español: precisión');
    await client.setTag(runId, 'empty', '');
    await client.deleteTag(runId, 'purpose');
    const renamed = await client.updateRun(runId, { runName: 'rf-renamed' });
    expect(renamed.runName).toBe('rf-renamed');
    const ended = await client.endRun(runId, 'FINISHED', 1_700_000_100_000);
    expect(ended).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_100_000 });

    const again = await client.getRun(runId);
    expect(again.data.tags['mlflow.note.content']).toBe('Notas en español: precisión');
    expect(again.data.tags.empty).toBe('');
    expect(again.data.tags).not.toHaveProperty('purpose');

    const second = await client.createRun({ experimentId, runName: 'other' });
    const finished = await client.searchRuns({ experimentIds: [experimentId], filter: "attributes.status = 'FINISHED'" });
    expect(finished.map((found) => found.info.runId)).toEqual([runId]);
    const all = await client.searchRuns({ experimentIds: [experimentId], orderBy: ['attributes.start_time ASC'] });
    expect(all.map((found) => found.info.runId)).toEqual([runId, second.info.runId]);
    const limited = await client.searchRuns({ experimentIds: [experimentId], limit: 1, pageSize: 1 });
    expect(limited).toHaveLength(1);

    await client.deleteRun(second.info.runId);
    expect((await client.getRun(second.info.runId)).info.lifecycleStage).toBe('deleted');
    expect(await client.searchRuns({ experimentIds: [experimentId] })).toHaveLength(1);
    expect(await client.searchRuns({ experimentIds: [experimentId], viewType: 'ALL' })).toHaveLength(2);
    await expect(client.getRun('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('pages through searches until the last page', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-pages'));
    for (let index = 0; index < 5; index += 1) await client.createRun({ experimentId, runName: `r${index}` });
    const runs = await client.searchRuns({ experimentIds: [experimentId], pageSize: 2 });
    expect(new Set(runs.map((run) => run.info.runName))).toEqual(new Set(['r0', 'r1', 'r2', 'r3', 'r4']));
  });

  it('logs params, tags and metrics (NaN and ±Infinity included) and reads them back', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-batch'));
    const { runId } = (await client.createRun({ experimentId })).info;
    const result = await client.logBatch(runId, {
      params: { n_estimators: 100, criterion: 'gini', bootstrap: true },
      tags: { 'model/kind': 'random-forest' },
      metrics: [
        { key: 'accuracy', value: 0.9851, step: 0, timestamp: 1000 },
        { key: 'accuracy', value: 0.99, step: 1, timestamp: 2000 },
        { key: 'loss/train', value: Number.NaN, timestamp: 1000 },
        { key: 'max', value: Number.POSITIVE_INFINITY, timestamp: 1000 },
        { key: 'min', value: Number.NEGATIVE_INFINITY, timestamp: 1000 },
      ],
    });
    expect(result.requests).toBe(1);
    const run = await client.getRun(runId);
    expect(run.data.params).toEqual({ n_estimators: '100', criterion: 'gini', bootstrap: 'true' });
    expect(run.data.tags['model/kind']).toBe('random-forest');
    expect(run.data.metrics.accuracy).toBe(0.99);
    expect(run.data.metrics['loss/train']).toBeNaN();
    // SQL stores keep ±Infinity as ±Number.MAX_VALUE (MLflow's own behaviour).
    expect(Math.abs(run.data.metrics.max ?? 0)).toBeGreaterThan(1e308);
    expect(run.data.metrics.min).toBeLessThan(-1e308);
    const history = await client.getMetricHistory(runId, 'accuracy');
    expect(history.map((point) => [point.step, point.value, point.timestamp])).toEqual([
      [0, 0.9851, 1000],
      [1, 0.99, 2000],
    ]);

    await client.logParam(runId, 'n_estimators', 100);
    await client.logMetric(runId, 'accuracy', 0.5, { step: 2, timestamp: 3000 });
    expect(await client.getMetricHistory(runId, 'accuracy')).toHaveLength(3);
  });

  it('chunks big batches to the server limits and loses nothing', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-chunks'));
    const { runId } = (await client.createRun({ experimentId })).info;
    // Values at the server's maximum lengths: the 1 MB request size, not the counts, decides.
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, index) => [`p${index}`, 'x'.repeat(6000)]));
    const tags = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`t${index}`, 'y'.repeat(8000)]));
    const metrics = Array.from({ length: 2500 }, (_, index) => ({ key: `m${index % 7}`, value: index, step: index, timestamp: 1000 + index }));
    const { requests } = await client.logBatch(runId, { params, tags, metrics });
    // Counts alone would need 3 requests (100 params each); 2.7 MB of values need more.
    expect(requests).toBeGreaterThanOrEqual(4);
    const run = await client.getRun(runId);
    expect(Object.keys(run.data.params)).toHaveLength(250);
    expect(run.data.params.p249).toHaveLength(6000);
    expect(run.data.tags.t149).toHaveLength(8000);
    expect(Object.keys(run.data.tags).filter((key) => /^t\d+$/.test(key))).toHaveLength(150);
    const history = await client.getMetricHistory(runId, 'm3');
    expect(history).toHaveLength(metrics.filter((metric) => metric.key === 'm3').length);
    expect(run.data.metrics.m3).toBe(Math.max(...metrics.filter((metric) => metric.key === 'm3').map((metric) => metric.value)));
  }, 120_000);

  it('refuses bad keys, long values and changed params locally, sending nothing', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-invalid'));
    const { runId } = (await client.createRun({ experimentId })).info;
    const rejected: LogBatchInput[] = [
      { metrics: [{ key: '../escape', value: 1 }] },
      { params: { 'bad#key': '1' } },
      { params: { ['k'.repeat(251)]: '1' } },
      { params: { long: 'x'.repeat(6001) } },
      { tags: { long: 'x'.repeat(8001) } },
      { metrics: [{ key: 'ok', value: 1, timestamp: 1.5 }] },
      { params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] },
    ];
    for (const input of rejected) {
      await expect(client.logBatch(runId, { metrics: [{ key: 'good', value: 1 }], ...input })).rejects.toBeInstanceOf(MlflowValidationError);
    }
    const run = await client.getRun(runId);
    expect(run.data.metrics).toEqual({});
    expect(run.data.params).toEqual({});
    // Spanish and other non-ASCII letters are valid key characters, as on the server.
    await client.logBatch(runId, { metrics: [{ key: 'precisión media', value: 0.9 }] });
    expect((await client.getRun(runId)).data.metrics['precisión media']).toBe(0.9);
  });

  it('surfaces the server refusals the client cannot foresee: invalid key, changed param, oversize batch', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-server-invalid'));
    const { runId } = (await client.createRun({ experimentId })).info;
    const invalidKey = client.store.tracking.logBatch(runId, { metrics: [{ key: '../x', value: 1, timestamp: 1, step: 0 }], params: [], tags: [] });
    await expect(invalidKey).rejects.toBeInstanceOf(MlflowInvalidRequestError);
    await expect(invalidKey).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', httpStatus: 400 });

    const oversize = client.store.tracking.logBatch(runId, {
      metrics: Array.from({ length: 1001 }, (_, index) => ({ key: 'm', value: index, timestamp: index, step: 0 })),
      params: [],
      tags: [],
    });
    await expect(oversize).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });

    await client.logParam(runId, 'lr', 0.1);
    await expect(client.logParam(runId, 'lr', 0.2)).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    expect((await client.getRun(runId)).data.params.lr).toBe('0.1');
  });

  it('records dataset inputs with digests, once per (name, digest)', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-inputs'));
    const { runId } = (await client.createRun({ experimentId })).info;
    const dataset = {
      name: 'palmer-penguins',
      digest: 'a1b2c3d4',
      sourceType: 'local',
      source: JSON.stringify({ uri: 'data/penguins.csv' }),
      schema: JSON.stringify({ mlflow_colspec: [{ name: 'bill_length_mm', type: 'double' }] }),
      profile: JSON.stringify({ num_rows: 333 }),
    };
    await client.logInputs(runId, [{ dataset, tags: { 'mlflow.data.context': 'training' } }]);
    await client.logInputs(runId, [{ dataset, tags: { 'mlflow.data.context': 'training' } }]);
    const run = await client.getRun(runId);
    expect(run.inputs.datasetInputs).toHaveLength(1);
    expect(run.inputs.datasetInputs[0]).toMatchObject({ dataset, tags: { 'mlflow.data.context': 'training' } });
    const byDigest = await client.searchRuns({ experimentIds: [experimentId], filter: "dataset.digest = 'a1b2c3d4'" });
    expect(byDigest.map((found) => found.info.runId)).toEqual([runId]);
    await expect(
      client.logInputs(runId, [{ dataset: { ...dataset, digest: 'd'.repeat(37) }, tags: {} }]),
    ).rejects.toBeInstanceOf(MlflowValidationError);
  });
});
