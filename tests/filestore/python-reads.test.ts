/**
 * What the FileStore writes is read back by real Python MLflow (its own FileStore classes), and
 * `mlflow migrate-filestore` turns it into a SQLite database without error.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { writeExampleRun, type ExampleRun } from './example-run.js';
import { mlflowPython, runCommand, runPythonJson, type MlflowPython } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));

interface PythonView {
  experiments: string[];
  experiment: { id: string; tags: Record<string, string>; lifecycle_stage: string };
  runs: Array<{
    run_id: string;
    run_name: string;
    status: string;
    start_time: number;
    end_time: number;
    user_id: string;
    lifecycle_stage: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    latest_metrics: Record<string, number | 'NaN'>;
    history: Record<string, Array<{ value: number | 'NaN'; step: number; timestamp: number }>>;
    datasets: Array<Record<string, unknown>>;
    outputs: Array<{ model_id: string; step: number }>;
    artifacts: Record<string, string>;
  }>;
  logged_models: Array<{
    model_id: string;
    name: string;
    status: string;
    model_type: string;
    source_run_id: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    metrics: Array<{ key: string; value: number; step: number; dataset_name: string | null }>;
    files: string[];
    mlmodel: { model_id: string; run_id: string; flavors: string[] };
  }>;
  registered_model: {
    name: string;
    description: string;
    tags: Record<string, string>;
    aliases: Record<string, string>;
    versions: Array<{ version: string; description: string; tags: Record<string, string>; aliases: string[]; source: string; run_id: string; model_id: string; status: string }>;
    champion: string;
    download_uri: string;
  };
}

let python: MlflowPython;
let dir: string;
let example: ExampleRun;
let view: PythonView;

beforeAll(async () => {
  python = await mlflowPython();
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-filestore-'));
  example = await writeExampleRun(new FileStore(join(dir, 'mlruns')), { experimentName: 'penguins', registeredModel: 'penguin-classifier' });
  if ('python' in python) {
    const script = await readFile(join(here, 'read-with-mlflow.py'), 'utf8');
    view = await runPythonJson<PythonView>(python.python, script, [join(dir, 'mlruns'), example.experimentName, example.registeredModel]);
  }
}, 600_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectedHistory(run: ExampleRun): Record<string, Array<{ value: number | 'NaN'; step: number; timestamp: number }>> {
  const history: Record<string, Array<{ value: number | 'NaN'; step: number; timestamp: number }>> = {};
  for (const metric of run.metrics) {
    (history[metric.key] ??= []).push({ value: Number.isNaN(metric.value) ? 'NaN' : metric.value, step: metric.step, timestamp: metric.timestamp });
  }
  return history;
}

describe('Python MLflow reads the local store', () => {
  it('converts it to SQLite with mlflow migrate-filestore, keeping every row', async ({ skip }) => {
    if (!('mlflow' in python)) return skip(why());
    const target = `sqlite:///${join(dir, 'migrated.db')}`;
    const { stdout } = await runCommand(python.mlflow, ['migrate-filestore', '--source', join(dir, 'mlruns'), '--target', target]);
    expect(stdout).toContain('Migration completed successfully');
    const counts = Object.fromEntries(
      [...stdout.matchAll(/^\s+(\w+)\s+(\d+)\s+(\d+)$/gm)].map((match) => [match[1], [Number(match[2]), Number(match[3])]]),
    );
    const points = example.metrics.length;
    expect(counts).toMatchObject({
      experiments: [2, 2],
      runs: [1, 1],
      params: [4, 4],
      metrics: [points, points],
      datasets: [1, 1],
      logged_models: [1, 1],
      registered_models: [1, 1],
      model_versions: [1, 1],
      registered_model_aliases: [1, 1],
    });
    const seen = await runPythonJson<{ runs: number; points: number; version: string }>(
      python.python,
      [
        'import json, sys',
        'from mlflow import MlflowClient',
        'c = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])',
        'e = c.get_experiment_by_name("penguins")',
        'runs = c.search_runs([e.experiment_id])',
        'points = sum(len(c.get_metric_history(runs[0].info.run_id, k)) for k in runs[0].data.metrics)',
        'v = c.get_model_version_by_alias("penguin-classifier", "champion")',
        'print(json.dumps({"runs": len(runs), "points": points, "version": str(v.version)}))',
      ].join('\n'),
      [target],
    );
    expect(seen).toEqual({ runs: 1, points, version: example.version });
  }, 180_000);

  const withPython = () => 'python' in python;
  const why = () => ('missing' in python ? `no Python MLflow: ${python.missing}` : '');

  it('sees the experiments, with tags', ({ skip }) => {
    if (!withPython()) return skip(why());
    expect(view.experiments).toEqual(['Default', 'penguins']);
    expect(view.experiment).toEqual({ id: example.experimentId, tags: { team: 'governance' }, lifecycle_stage: 'active' });
  });

  it('sees the run with its name, times, status, user, params and tags', ({ skip }) => {
    if (!withPython()) return skip(why());
    expect(view.runs).toHaveLength(1);
    const run = view.runs[0]!;
    expect(run).toMatchObject({
      run_id: example.runId,
      run_name: example.runName,
      status: 'FINISHED',
      start_time: example.startTime,
      end_time: example.endTime,
      user_id: 'ana',
      lifecycle_stage: 'active',
      params: example.params,
    });
    expect(run.tags).toMatchObject({ ...example.tags, 'mlflow.runName': example.runName });
  });

  it('sees every metric point with its value, step and timestamp, and the latest values', ({ skip }) => {
    if (!withPython()) return skip(why());
    const run = view.runs[0]!;
    expect(run.history).toEqual(expectedHistory(example));
    expect(run.latest_metrics).toEqual({ accuracy: 0.985, 'train/loss': 0.2, f1_macro: 0.97 });
  });

  it('sees the dataset input and the model output', ({ skip }) => {
    if (!withPython()) return skip(why());
    const run = view.runs[0]!;
    const { dataset } = example.dataset;
    expect(run.datasets).toEqual([
      { name: dataset.name, digest: dataset.digest, source_type: dataset.sourceType, source: dataset.source, schema: dataset.schema, profile: dataset.profile, tags: example.dataset.tags },
    ]);
    expect(run.outputs).toEqual([{ model_id: example.modelId, step: 0 }]);
  });

  it('lists and downloads the run artifacts', ({ skip }) => {
    if (!withPython()) return skip(why());
    expect(view.runs[0]!.artifacts).toEqual(example.artifacts);
  });

  it('sees the LoggedModel, its files, metrics and MLmodel', ({ skip }) => {
    if (!withPython()) return skip(why());
    expect(view.logged_models).toEqual([
      {
        model_id: example.modelId,
        name: example.modelName,
        status: 'READY',
        model_type: 'random-forest',
        source_run_id: example.runId,
        params: { n_estimators: '100' },
        tags: { framework: 'ml-random-forest' },
        metrics: [{ key: 'accuracy', value: 0.985, step: 5, dataset_name: 'penguins' }],
        files: ['MLmodel', ...Object.keys(example.modelFiles)].sort(),
        mlmodel: { model_id: example.modelId, run_id: example.runId, flavors: ['python_function'] },
      },
    ]);
  });

  it('sees the registered model, its version with description, tags and alias', ({ skip }) => {
    if (!withPython()) return skip(why());
    const registered = view.registered_model;
    expect(registered).toMatchObject({
      name: example.registeredModel,
      description: example.registeredModelDescription,
      tags: { domain: 'ecology' },
      aliases: { [example.alias]: example.version },
      champion: example.version,
    });
    expect(registered.versions).toEqual([
      {
        version: example.version,
        description: example.versionDescription,
        tags: example.versionTags,
        aliases: [example.alias],
        source: `models:/${example.modelId}`,
        run_id: example.runId,
        model_id: example.modelId,
        status: 'READY',
      },
    ]);
    expect(registered.download_uri).toMatch(new RegExp(`/models/${example.modelId}/artifacts$`));
  });
});
