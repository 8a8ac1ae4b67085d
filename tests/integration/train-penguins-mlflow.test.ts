import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { freePort } from '../harness/ports.js';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { FaultProxy } from '../harness/fault-proxy.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { runCli, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);
const FAST = ['--cv-folds', '2', '--cv-repeats', '1'];

/** What real Python MLflow sees of a run, through its own client (server or local store). */
const READ_RUN = `
import json, sys
from mlflow import MlflowClient
uri, run_id = sys.argv[1], sys.argv[2]
client = MlflowClient(tracking_uri=uri, registry_uri=uri)
r = client.get_run(run_id)
def files(path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        out.extend(files(f.path) if f.is_dir else [f.path])
    return out
history = client.get_metric_history(run_id, "accuracy")
models = []
if hasattr(client, "search_logged_models"):
    for m in client.search_logged_models(experiment_ids=[r.info.experiment_id], filter_string=f"source_run_id = '{run_id}'"):
        models.append({"tags": m.tags, "metrics": {x.key: [x.value, x.dataset_name] for x in m.metrics}})
print(json.dumps({
  "status": r.info.status, "name": r.info.run_name,
  "params": r.data.params, "metrics": r.data.metrics, "tags": r.data.tags,
  "user_id": r.info.user_id,
  "inputs": sorted([{"name": d.dataset.name, "context": {t.key: t.value for t in d.tags}["mlflow.data.context"], "rows": json.loads(d.dataset.profile)["num_rows"]} for d in r.inputs.dataset_inputs], key=lambda d: d["name"]),
  "accuracy_steps": [[m.step, m.value] for m in history],
  "logged_models": models,
  "artifacts": sorted(files()),
}))
`;

async function readWithPython(uri: string, runId: string): Promise<any> {
  const python = server().python;
  if (!python) throw new Error('the harness server has no Python to read with');
  const { stdout } = await run(python, ['-c', READ_RUN, uri, runId], { env: { ...process.env, MLFLOW_TRACKING_URI: uri, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore' }, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

function expectPenguinRun(seen: any, summary: any): void {
  expect(seen.status).toBe('FINISHED');
  expect(seen.params).toMatchObject({ n_estimators: '100', random_state: '42', max_features: 'sqrt', test_size: '0.2', rows_used: '333', rows_dropped: '11', cv_folds: '2', cv_repeats: '1' });
  for (const [key, value] of Object.entries(summary.metrics as Record<string, number>)) expect(seen.metrics[key]).toBeCloseTo(value, 12);
  expect(seen.accuracy_steps).toEqual([[0, summary.metrics.accuracy]]);
  expect(seen.tags).toMatchObject({ 'mlflow.source.name': 'mlflow-mct train-penguins', model_version: '0.1.0', team: '29' });
  expect(seen.user_id).toBe(userInfo().username);
  expect(seen.inputs).toEqual([
    { name: 'penguins-test', context: 'evaluation', rows: 67 },
    { name: 'penguins-train', context: 'training', rows: 266 },
  ]);
  if (seen.logged_models.length > 0) {
    // MLflow 3: the LoggedModel carries the source tags and the metrics, each with the rows it was measured on.
    const [model] = seen.logged_models;
    expect(model.tags).toMatchObject({ 'mlflow.source.name': 'mlflow-mct train-penguins', 'mlflow.user': userInfo().username });
    expect(model.metrics.accuracy).toEqual([summary.metrics.accuracy, 'penguins-test']);
    expect(model.metrics.accuracy_cv_mean[1]).toBe('penguins-train');
  } else if (summary.mlflow.model_uri.startsWith('runs:/')) {
    // MLflow 2: the model is run artifacts.
    expect(seen.artifacts).toEqual(expect.arrayContaining(['model/MLmodel', 'model/model.onnx', 'model/forest.json', 'model/requirements.txt']));
  }
  expect(seen.artifacts).toEqual(
    expect.arrayContaining([
      'model_card/penguin_model_card.html',
      'model_card/penguin_model_card.md',
      'model_card/penguin_model_card.json',
      'graphics/confusion_matrix.png',
      'graphics/feature_importance.png',
      'results/model_results.json',
    ]),
  );
}

describeWithServer('train-penguins recorded in MLflow', () => {
  it('records into ./mlruns by default, and real MLflow reads the run back', { timeout: 120_000 }, async () => {
    const cwd = tempDir();
    const result = runCli(['train-penguins', '--json', '--mlflow-tags', '{"team": "29"}', ...FAST], { cwd, env: { MLFLOW_TRACKING_URI: '' } });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.mlflow).toMatchObject({ recorded: true, tracking: join(cwd, 'mlruns'), fallback: null });
    const seen = await readWithPython(`file://${join(cwd, 'mlruns')}`, summary.mlflow.run_id);
    expectPenguinRun(seen, summary);
    expect(seen.name).toMatch(/^train_penguins_\d{8}_\d{6}$/);
  });

  it('records, registers and aliases on a server; the version carries the card', { timeout: 120_000 }, async () => {
    const cwd = tempDir();
    const name = uniqueName('penguins-rf');
    const experiment = uniqueName('penguins');
    const result = runCli(
      ['train-penguins', '--json', '--mlflow-uri', server().url, '--mlflow-experiment', experiment, '--mlflow-reg-name', name, '--mlflow-alias', 'champion', '--mlflow-tags', '{"team": "29"}', ...FAST],
      { cwd },
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    const { run_id: runId, registered_model: registered } = summary.mlflow;
    expect(registered).toEqual({ name, version: '1', alias: 'champion' });
    expect(existsSync(join(cwd, 'mlruns'))).toBe(false);

    expectPenguinRun(await readWithPython(server().url, runId), summary);

    const client = testClient();
    try {
      const version = await client.getModelVersionByAlias(name, 'champion');
      expect(version.version).toBe('1');
      expect(version.runId).toBe(runId);
      expect(version.description).toContain('Penguin Species Classifier');
      expect(version.description).toContain('| Accuracy | 1.0000 (95% CI 0.9458–1.0000) |');
      expect(version.description).not.toContain('base64');
      expect(version.tags['mlflow-mct.card']).toBe(`runs:/${runId}/model_card/penguin_model_card.html`);
      const runInfo = await client.getRun(runId);
      expect(runInfo.data.tags['mlflow-mct.registered_version']).toBe(`models:/${name}/1`);
      const card = JSON.parse(await (await fetch(`${server().url}/get-artifact?path=model_card/penguin_model_card.json&run_uuid=${runId}`)).text());
      expect(card.model_details.references.map((reference: { reference: string }) => reference.reference)).toEqual(
        expect.arrayContaining([`models:/${name}/1`, expect.stringContaining(`/runs/${runId}`)]),
      );
    } finally {
      await client.close();
    }
    // One log-batch carries all params, metrics and tags; the whole run stays within a few dozen requests.
    expect(summary.mlflow.http_requests).toBeLessThan(60);

    // A second version takes the alias over, and says from which version.
    // The same folder already holds the first run's card: --force replaces it.
    const again = runCli(['train-penguins', '--no-evaluate', '--force', '--mlflow-uri', server().url, '--mlflow-experiment', experiment, '--mlflow-reg-name', name, '--mlflow-alias', 'champion'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Registered ${name} version 2 (alias @champion, moved from version 1)`);
  });

  it('falls back to ./mlruns when the server is unreachable: exit 1, or 0 with --offline-ok', async () => {
    const cwd = tempDir();
    const port = await freePort();
    const env = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0', MLFLOW_HTTP_REQUEST_TIMEOUT: '5' };
    const args = ['train-penguins', '--no-evaluate', '--mlflow-uri', `http://127.0.0.1:${port}`];
    const failed = runCli(args, { cwd, env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('did not answer');
    expect(failed.stdout).toContain(`mlflow-mct push --from ${join(cwd, 'mlruns')} --mlflow-uri http://127.0.0.1:${port}`);
    expect(existsSync(join(cwd, 'penguin_model_card.html'))).toBe(true);
    // The first run wrote the card; writing it again needs --force.
    const ok = runCli([...args, '--offline-ok', '--force', '--json'], { cwd, env });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).mlflow.fallback.server).toBe(`http://127.0.0.1:${port}`);
  });

  it('keeps the run whole in ./mlruns when the server goes away mid-run', async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      // The server answers until the first artifact upload, then resets every connection.
      let down = false;
      proxy.inject({
        fault: { kind: 'reset-before' },
        match: ({ path }) => (down ||= path.includes('/mlflow-artifacts/')),
      });
      const cwd = tempDir();
      const env = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' };
      const result = await runCliAsync(['train-penguins', '--no-evaluate', '--json', '--mlflow-uri', proxy.url, '--mlflow-experiment', uniqueName('mid-run')], { cwd, env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('was recorded locally instead');
      const summary = JSON.parse(result.stdout);
      expect(summary.mlflow.fallback.server).toBe(proxy.url);
      const local = new FileStore(join(cwd, 'mlruns'));
      const run = await local.tracking.getRun(summary.mlflow.run_id);
      expect(run.info.status).toBe('FINISHED');
      const files = (await local.artifacts.listArtifacts(run.info.artifactUri, 'model_card')).map((file) => file.path);
      expect(files).toContain('model_card/penguin_model_card.html');
      // The card names the local run, not the server's partial one.
      const card = JSON.parse(await readFile(join(cwd, 'penguin_model_card.json'), 'utf8'));
      expect(JSON.stringify(card.model_details.references)).toContain(summary.mlflow.run_id);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
