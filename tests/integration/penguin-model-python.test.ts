/**
 * The penguin model `train-penguins` logs, used from Python the way a Python MLflow user would:
 * loaded by alias with `mlflow.pyfunc.load_model`, its ONNX file run in onnxruntime, evaluated
 * with `mlflow.models.evaluate` and found with `search_logged_models` by a metric; the answers are
 * compared with Node's own forest row by row.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ForestModel } from '../../src/train/forest.js';
import { loadPenguins } from '../../src/train/data.js';
import { describeWithServer, scratchDir, server, testClient, uniqueName } from '../harness/context.js';
import { modelsPython, runModelsPython } from '../harness/python-models.js';
import { runCliAsync } from '../helpers/cli-async.js';

const USE_MODEL = `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd, mlflow, onnxruntime
from mlflow import MlflowClient
uri, experiment_id, local_dir = sys.argv[1], sys.argv[2], sys.argv[3]
model = mlflow.pyfunc.load_model(uri)
df = pd.read_csv("data/penguins.csv").dropna()
out = model.predict(df.drop(columns=["species"]))
session = onnxruntime.InferenceSession(local_dir + "/model.onnx", providers=["CPUExecutionProvider"])
feed = {i.name: (df[[i.name]].to_numpy(dtype=object) if i.type == "tensor(string)" else df[[i.name]].to_numpy(dtype=np.float64)) for i in session.get_inputs()}
labels, probabilities = session.run(None, feed)
result = {
  "pandas": pd.__version__,
  "pyfunc": {"label": list(out["label"]), "probabilities": np.asarray(out["probabilities"], dtype=np.float64).tolist()},
  "onnxruntime": {"label": list(labels), "probabilities": probabilities.astype(np.float64).tolist()},
  "flavors": sorted(mlflow.models.get_model_info(uri).flavors),
}
if int(mlflow.__version__.split(".")[0]) >= 3:
  found = MlflowClient().search_logged_models(experiment_ids=[experiment_id], filter_string="metrics.accuracy > 0.9")
  result["found"] = [m.model_id for m in found]
  with mlflow.start_run(experiment_id=experiment_id):
    evaluated = mlflow.models.evaluate(lambda d: model.predict(d)["label"], data=df, targets="species", model_type="classifier")
  result["evaluate_accuracy"] = evaluated.metrics["accuracy_score"]
print(json.dumps(result))
`;

describeWithServer('the logged penguin model in Python MLflow', () => {
  const name = uniqueName('penguins-onnx');
  const experiment = uniqueName('penguins-onnx');
  let summary: any;
  let localDir: string;

  beforeAll(async () => {
    await modelsPython();
    const cwd = await scratchDir('penguin-model');
    const trained = await runCliAsync(
      ['train-penguins', '--json', '--mlflow-uri', server().url, '--mlflow-experiment', experiment, '--mlflow-reg-name', name, '--mlflow-alias', 'champion', '--cv-folds', '2', '--cv-repeats', '1'],
      { cwd },
    );
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    summary = JSON.parse(trained.stdout);
    const client = testClient();
    try {
      localDir = await client.downloadArtifacts(`models:/${name}@champion`, join(cwd, 'model'));
    } finally {
      await client.close();
    }
  }, 1_200_000);

  it('loads by alias with mlflow.pyfunc.load_model and predicts every row like Node; onnxruntime agrees', { timeout: 300_000 }, async () => {
    const experimentId = summary.mlflow.experiment_id;
    const seen = await runModelsPython<any>(USE_MODEL, [`models:/${name}@champion`, experimentId, localDir]);
    const forest = ForestModel.fromJSON(JSON.parse(await readFile(join(localDir, 'forest.json'), 'utf8')));
    const penguins = await loadPenguins();
    const labels = forest.predict(penguins.X);
    const probabilities = forest.predictProba(penguins.X);
    expect(seen.flavors).toEqual(['mlflow_mct', 'onnx', 'python_function']);
    for (const answer of [seen.pyfunc, seen.onnxruntime]) {
      expect(answer.label).toEqual(labels);
      answer.probabilities.forEach((row: number[], r: number) => row.forEach((p, k) => expect(Math.abs(p - probabilities[r]![k]!)).toBeLessThan(1e-6)));
    }
    if (server().major >= 3) {
      expect(seen.found).toContain(summary.mlflow.model_uri.replace('models:/', ''));
      expect(seen.evaluate_accuracy).toBeCloseTo(labels.filter((label, i) => label === penguins.y[i]).length / labels.length, 12);
    }
  });
});
