/**
 * The evaluation `train-penguins` records where `mlflow.models.evaluate` records its own, read back
 * with Python MLflow (the server's version, 3.x or 2.22) from the server and from the local
 * ./mlruns store: the classifier metrics on the run (and on the LoggedModel with the evaluation
 * dataset, MLflow 3), `per_class_metrics.csv` and `confusion_matrix.png` at the run's root. The
 * values are scikit-learn's for the logged model's own predictions on the test rows, and the ones
 * evaluate itself computes from the same labels.
 */
import { beforeAll, expect, it } from 'vitest';
import { trainAndEvaluate } from '../../src/train/index.js';
import { describeWithServer, scratchDir, server, uniqueName } from '../harness/context.js';
import { modelsPython, runModelsPython } from '../harness/python-models.js';
import { runCliAsync } from '../helpers/cli-async.js';

const READ_BACK = `
import json, sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd, mlflow
from mlflow import MlflowClient
from sklearn import metrics as m
run_id, model_uri, model_id, rows, evaluate = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5] == "evaluate"
client = MlflowClient()
df = pd.read_csv("data/penguins.csv").iloc[rows].reset_index(drop=True)
model = mlflow.pyfunc.load_model(model_uri)
out = model.predict(df.drop(columns=["species"]))
y, pred, P = df["species"].to_numpy(), np.asarray(out["label"]), np.asarray(out["probabilities"])
expected = {
  "example_count": len(y),
  "accuracy_score": m.accuracy_score(y, pred),
  "recall_score": m.recall_score(y, pred, average="weighted"),
  "precision_score": m.precision_score(y, pred, average="weighted"),
  "f1_score": m.f1_score(y, pred, average="weighted"),
  "log_loss": m.log_loss(y, P, labels=sorted(set(y))),
  "roc_auc": m.roc_auc_score(y, P, average="weighted", multi_class="ovr"),
}
run = client.get_run(run_id)
result = {
  "expected": expected,
  "run_metrics": {k: run.data.metrics.get(k) for k in expected},
  "artifacts": sorted(f.path for f in client.list_artifacts(run_id)),
  "per_class": pd.read_csv(mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="per_class_metrics.csv")).to_dict(orient="records"),
}
if int(mlflow.__version__.split(".")[0]) >= 3:
  logged = client.get_logged_model(model_id)
  result["model_metrics"] = {x.key: x.value for x in logged.metrics if x.key in expected}
  result["model_metric_datasets"] = sorted({x.dataset_name for x in logged.metrics if x.key in expected})
  result["found"] = [x.model_id for x in client.search_logged_models(experiment_ids=[run.info.experiment_id], filter_string="metrics.f1_score > 0.5")]
if evaluate:
  with mlflow.start_run(experiment_id=run.info.experiment_id):
    evaluated = mlflow.models.evaluate(lambda d: model.predict(d)["label"], data=df, targets="species", model_type="classifier")
  result["evaluate_metrics"] = {k: v for k, v in evaluated.metrics.items() if k in expected}
  result["evaluate_per_class"] = evaluated.artifacts["per_class_metrics"].content.to_dict(orient="records")
print(json.dumps(result, default=float))
`;

interface ReadBack {
  expected: Record<string, number>;
  run_metrics: Record<string, number>;
  artifacts: string[];
  per_class: Array<Record<string, string | number>>;
  model_metrics?: Record<string, number>;
  model_metric_datasets?: string[];
  found?: string[];
  evaluate_metrics?: Record<string, number>;
  evaluate_per_class?: Array<Record<string, string | number>>;
}

function expectClose(actual: Record<string, number> | undefined, expected: Record<string, number>): void {
  expect(Object.keys(actual ?? {}).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) expect([key, actual?.[key]]).toEqual([key, expect.closeTo(value, 6)]);
}

describeWithServer('evaluation recorded where mlflow.models.evaluate records it', () => {
  const name = uniqueName('penguins-eval');
  let testRows: number[] = [];

  beforeAll(async () => {
    await modelsPython();
    testRows = (await trainAndEvaluate({ crossValidation: false, workers: 0 })).split.testRowIndices;
  }, 1_200_000);

  async function trainAndReadBack(storeArgs: string[], env: NodeJS.ProcessEnv, evaluate: boolean): Promise<{ document: any; seen: ReadBack }> {
    const cwd = await scratchDir('evaluation');
    const trained = await runCliAsync(['train-penguins', '--json', '--no-evaluate', '--mlflow-reg-name', name, '--mlflow-alias', 'champion', ...storeArgs.map((arg) => arg.replace('<cwd>', cwd))], { cwd });
    expect(trained.code, trained.stderr).toBe(0);
    const document = JSON.parse(trained.stdout);
    const modelId = String(document.mlflow.model_uri).replace('models:/', '');
    const seen = await runModelsPython<ReadBack>(
      READ_BACK,
      [document.mlflow.run_id, `models:/${name}@champion`, modelId, JSON.stringify(testRows), evaluate ? 'evaluate' : 'no'],
      typeof env.MLFLOW_TRACKING_URI === 'string' ? { MLFLOW_TRACKING_URI: env.MLFLOW_TRACKING_URI.replace('<cwd>', cwd) } : {},
    );
    return { document, seen };
  }

  function expectEvaluation(seen: ReadBack, modelId: string): void {
    expectClose(seen.run_metrics, seen.expected);
    expect(seen.artifacts).toEqual(expect.arrayContaining(['confusion_matrix.png', 'per_class_metrics.csv']));
    expect(seen.per_class.map((row) => row.positive_class)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    for (const row of seen.per_class) {
      expect(Object.keys(row)).toEqual(['positive_class', 'true_negatives', 'false_positives', 'false_negatives', 'true_positives', 'example_count', 'accuracy_score', 'recall_score', 'precision_score', 'f1_score', 'roc_auc', 'precision_recall_auc']);
      expect(row.example_count).toBe(seen.expected.example_count);
    }
    if (server().major >= 3) {
      expectClose(seen.model_metrics, seen.expected);
      expect(seen.model_metric_datasets).toEqual(['penguins-test']);
      expect(seen.found).toContain(modelId);
    }
  }

  it('on the server: the metrics evaluate computes, its per-class table, linked to the model', { timeout: 600_000 }, async () => {
    const { document, seen } = await trainAndReadBack(['--mlflow-uri', server().url], {}, true);
    expectEvaluation(seen, String(document.mlflow.model_uri).replace('models:/', ''));
    const fromEvaluate = seen.evaluate_metrics!;
    expectClose(Object.fromEntries(Object.keys(fromEvaluate).map((key) => [key, seen.run_metrics[key]!])), fromEvaluate);
    expect(Object.keys(fromEvaluate)).toEqual(expect.arrayContaining(['accuracy_score', 'f1_score', 'precision_score', 'recall_score', 'example_count']));
    seen.evaluate_per_class!.forEach((row, k) => {
      for (const [column, value] of Object.entries(row)) expect([column, seen.per_class[k]![column]]).toEqual([column, typeof value === 'number' ? expect.closeTo(value, 9) : value]);
    });
  });

  it('in the local ./mlruns store, read by Python MLflow the same way', { timeout: 600_000 }, async () => {
    const { document, seen } = await trainAndReadBack(['--mlflow-uri', 'file:<cwd>/mlruns'], { MLFLOW_TRACKING_URI: 'file:<cwd>/mlruns' }, false);
    expectEvaluation(seen, String(document.mlflow.model_uri).replace('models:/', ''));
  });
});
