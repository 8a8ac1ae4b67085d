import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { MlflowModelLoggingError, MlflowNotFoundError } from '../../src/mlflow/errors.js';
import { LOG_MODEL_HISTORY_TAG } from '../../src/mlflow/tags.js';
import { describeWithServer, scratchDir, server, testClient, uniqueName } from '../harness/context.js';
import { pythonReadback } from '../harness/python-readback.js';

const FLAVORS = {
  mlflow_mct_random_forest: { model_file: 'model.json', format: 'ml-random-forest', library_version: '2.1.0' },
};

const READ_MLMODEL = `
import json, sys
from mlflow.models import Model
m = Model.load(sys.argv[1])
print(json.dumps({"flavors": m.flavors, "run_id": m.run_id, "model_uuid": m.model_uuid,
                  "artifact_path": m.artifact_path, "model_id": getattr(m, "model_id", None)}))
`;

describeWithServer('model logging that real MLflow understands', () => {
  const client = testClient();
  let modelDir: string;
  let experimentId: string;

  beforeAll(async () => {
    modelDir = await scratchDir('model');
    await mkdir(join(modelDir, 'extra'));
    await writeFile(join(modelDir, 'model.json'), JSON.stringify({ trees: 100 }));
    await writeFile(join(modelDir, 'extra', 'classes.txt'), 'Adelie\nChinstrap\nGentoo\n');
    await writeFile(join(modelDir, 'MLmodel'), 'stale: true\n');
    experimentId = await client.createExperiment(uniqueName('exp-models'));
  });

  it('logs a model the way the server version expects, and Python MLflow loads its MLmodel', async () => {
    const run = await client.createRun({ experimentId });
    const { runId } = run.info;
    const logged = await client.logModel({
      runId,
      name: 'penguin-classifier-rf',
      modelDir,
      flavors: FLAVORS,
      modelType: 'random-forest',
      params: { n_estimators: '100' },
      signature: { inputs: '[{"type": "double", "name": "bill_length_mm"}]', outputs: '[{"type": "string"}]' },
    });
    const mlflow3 = server().major >= 3;
    expect(logged.flow).toBe(mlflow3 ? 'logged-model' : 'run-artifacts');

    const files = await client.listArtifacts(logged.modelUri, { recursive: true });
    expect(files.filter((file) => !file.isDir).map((file) => file.path).sort()).toEqual(['MLmodel', 'extra/classes.txt', 'model.json']);
    const out = await scratchDir('model-download');
    const local = await client.downloadArtifacts(logged.modelUri, out);
    const mlmodel = parseYaml(await readFile(join(local, 'MLmodel'), 'utf8')) as Record<string, unknown>;
    expect(mlmodel).not.toHaveProperty('stale');
    expect(mlmodel.flavors).toEqual(FLAVORS);
    expect(mlmodel.utc_time_created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);

    const python = await pythonReadback<{ flavors: unknown; run_id: string; model_uuid: string; artifact_path: string; model_id: string | null }>(
      READ_MLMODEL,
      [logged.modelUri],
    );
    expect(python.flavors).toEqual(FLAVORS);
    expect(python.run_id).toBe(runId);

    if (mlflow3) {
      expect(logged.modelUri).toBe(`models:/${logged.modelId}`);
      expect(python.model_id).toBe(logged.modelId);
      expect(python.model_uuid).toBe(logged.modelId);
      expect(python.artifact_path).toBe(logged.artifactUri);
      const state = await pythonReadback<{ status: string; name: string; source_run_id: string; outputs: string[]; params: Record<string, string> }>(
        `
import json, sys, mlflow
m = mlflow.get_logged_model(sys.argv[1])
run = mlflow.MlflowClient().get_run(sys.argv[2])
print(json.dumps({"status": str(m.status), "name": m.name, "source_run_id": m.source_run_id, "params": m.params,
                  "outputs": [o.model_id for o in run.outputs.model_outputs]}))
`,
        [logged.modelId ?? '', runId],
      );
      expect(state).toMatchObject({ name: 'penguin-classifier-rf', source_run_id: runId, outputs: [logged.modelId], params: { n_estimators: '100' } });
      expect(state.status).toMatch(/READY/);
      // runs:/<run>/<name> finds the LoggedModel of that name from the run.
      const viaRun = await client.listArtifacts(`runs:/${runId}/penguin-classifier-rf`);
      expect(viaRun.map((file) => file.path).sort()).toEqual(['MLmodel', 'extra', 'model.json']);
      expect((await client.resolveModelUri(`runs:/${runId}/penguin-classifier-rf`)).artifactUri).toBe(logged.artifactUri);
    } else {
      expect(logged.modelUri).toBe(`runs:/${runId}/penguin-classifier-rf`);
      expect(python.artifact_path).toBe('penguin-classifier-rf');
      const history = JSON.parse((await client.getRun(runId)).data.tags[LOG_MODEL_HISTORY_TAG] ?? '[]') as Array<Record<string, unknown>>;
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ artifact_path: 'penguin-classifier-rf', run_id: runId, model_uuid: python.model_uuid });
    }
  });

  it('logs and registers in one call; the version points at the model and Python reads it', async () => {
    const { runId } = (await client.createRun({ experimentId })).info;
    const name = uniqueName('registered');
    const logged = await client.logModel({ runId, name: 'model', modelDir, flavors: FLAVORS, registeredModelName: name });
    const version = logged.registeredVersion;
    expect(version).toMatchObject({ name, version: '1', runId, status: 'READY' });
    if (server().major >= 3) expect(version).toMatchObject({ source: `models:/${logged.modelId}`, modelId: logged.modelId });
    else expect(version?.source).toBe(logged.artifactUri);

    const python = await pythonReadback<{ source: string; run_id: string; flavors: unknown }>(
      `
import json, sys, mlflow
from mlflow.models import Model
v = mlflow.MlflowClient().get_model_version(sys.argv[1], "1")
m = Model.load(f"models:/{sys.argv[1]}/1")
print(json.dumps({"source": v.source, "run_id": v.run_id, "flavors": m.flavors}))
`,
      [name],
    );
    expect(python).toEqual({ source: version?.source, run_id: runId, flavors: FLAVORS });

    // A second registration from the runs:/ URI makes version 2 of the same model.
    const again = await client.registerModel(`runs:/${runId}/model`, name, { description: 'segunda', tags: { origin: 'runs-uri' } });
    expect(again).toMatchObject({ version: '2', description: 'segunda', tags: { origin: 'runs-uri' } });
    expect(again.source).toBe(version?.source);
    const resolved = await client.resolveModelUri(`models:/${name}/2`);
    expect(resolved.artifactUri).toBe(logged.artifactUri);
  });

  it('resolves models:/<model_id> to the LoggedModel on MLflow 3', async () => {
    const { runId } = (await client.createRun({ experimentId })).info;
    if (server().major < 3) {
      // MLflow 2 has no LoggedModels: the id form cannot resolve.
      await expect(client.resolveModelUri('models:/m-0123456789abcdef0123456789abcdef')).rejects.toThrow(
        /names an MLflow 3 LoggedModel, but .* runs MLflow 2\.\d+\.\d+ without LoggedModels/,
      );
      return;
    }
    const logged = await client.logModel({ runId, name: 'by-id', modelDir, flavors: FLAVORS });
    const resolved = await client.resolveModelUri(`models:/${logged.modelId}`);
    expect(resolved.loggedModel).toMatchObject({ modelId: logged.modelId, status: 'LOGGED_MODEL_READY', sourceRunId: runId });
    const name = uniqueName('from-id');
    const version = await client.registerModel(`models:/${logged.modelId}`, name);
    expect(version).toMatchObject({ modelId: logged.modelId, runId });
    await expect(client.resolveModelUri('models:/m-0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('marks the LoggedModel FAILED when its files cannot be uploaded (MLflow 3), and says why', async () => {
    const { runId } = (await client.createRun({ experimentId })).info;
    const badDir = await scratchDir('bad-model');
    await writeFile(join(badDir, 'weights#1.bin'), 'x');
    const attempt = client.logModel({ runId, name: 'broken', modelDir: badDir, flavors: FLAVORS });
    if (server().major < 3) {
      await expect(attempt).rejects.toThrow(/"#" is not allowed/);
      expect((await client.getRun(runId)).data.tags).not.toHaveProperty(LOG_MODEL_HISTORY_TAG);
      return;
    }
    const error = (await attempt.catch((caught: unknown) => caught)) as MlflowModelLoggingError;
    expect(error).toBeInstanceOf(MlflowModelLoggingError);
    expect(error.message).toMatch(/marked FAILED.*"#" is not allowed/);
    expect((await client.getLoggedModel(error.modelId ?? '')).status).toBe('LOGGED_MODEL_UPLOAD_FAILED');
  });

  it('refuses a missing model directory before contacting the server', async () => {
    await expect(client.logModel({ runId: 'x', name: 'model', modelDir: join(tmpdir(), 'does-not-exist-mct'), flavors: FLAVORS })).rejects.toThrow(
      /does not exist or is not a directory/,
    );
    expect(await readdir(modelDir)).toContain('MLmodel');
  });
});
