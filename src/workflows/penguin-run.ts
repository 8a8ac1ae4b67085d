import { execFile } from 'node:child_process';
import { PENGUINS_SOURCE_NAME } from '../card/presets/penguins.js';
import type { DatasetInput, Tags } from '../mlflow/types.js';
import type { MetricInput } from '../mlflow/client.js';
import { sklearnParam, type TrainingResult } from '../train/index.js';
import { GIT_COMMIT_TAG, SOURCE_NAME_TAG, SOURCE_TYPE_TAG, USER_TAG } from '../mlflow/tags.js';
import { currentUser } from '../mlflow/config.js';

/**
 * What a train-penguins run records in MLflow, computed from the training result alone so that a
 * dry run can show exactly what a real run would send. Names follow the `mlops-train` CLI where
 * it has one (params, `<metric>_cv_mean`/`_cv_std`, `results/model_results.json`, artifact path
 * `model`).
 */
export interface PenguinRunContent {
  params: Record<string, string>;
  /** Each metric with the rows it was measured on: the test rows, or the training rows (cross-validation, out-of-bag). */
  metrics: Array<{ key: string; value: number; dataset: 'evaluation' | 'training' }>;
  tags: Tags;
  /** The run's source tags (`mlflow.source.*`, `mlflow.user`), which the logged model carries too. */
  sourceTags: Tags;
  /** The user who ran it (`mlflow.user`, the run's `user_id`). */
  user: string;
  datasets: { training: DatasetInput; evaluation: DatasetInput };
}

export interface PenguinRunContext {
  modelVersion: string;
  userTags: Tags;
  /** The commit of the git checkout the command runs in, for the source tags (`gitCommit`). */
  commit: string | undefined;
}


/**
 * The commit of the git checkout `cwd` is in, if any. Asked without blocking, so a command can
 * start it before training and have the answer when it builds the run's tags.
 */
export function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

/** Metric keys allow letters, digits, `_ - . / space`; class names are kept as they are when they fit. */
function metricSuffix(label: string): string {
  return label.replace(/[^\w\-. /]/g, '_');
}

/**
 * `evaluatorMetrics` are the test-row metrics under the names `mlflow.models.evaluate` logs them
 * (`accuracy_score`, `f1_score`...), so MLflow's model and evaluation views show them.
 */
export function penguinRunContent(
  result: TrainingResult,
  context: PenguinRunContext,
  datasets: PenguinRunContent['datasets'],
  evaluatorMetrics: Record<string, number>,
): PenguinRunContent {
  const h = result.hyperparameters;
  const cv = result.crossValidation;
  const params: Record<string, string> = {
    n_estimators: String(h.nEstimators),
    max_depth: sklearnParam(h.maxDepth),
    max_features: sklearnParam(h.maxFeatures),
    min_samples_split: String(h.minSamplesSplit),
    min_samples_leaf: String(h.minSamplesLeaf),
    bootstrap: sklearnParam(h.bootstrap),
    random_state: String(h.randomState),
    test_size: String(result.split.testSize),
    split: result.split.method,
    split_seed: String(result.split.seed),
    cv_scheme: cv ? cv.scheme : 'none',
    cv_folds: String(cv?.folds ?? 0),
    cv_repeats: String(cv?.repeats ?? 0),
    n_features: String(result.data.featureNames.length),
    rows_total: String(result.data.rowsTotal),
    rows_used: String(result.data.rowsUsed),
    rows_dropped: String(result.data.rowsDropped),
    train_rows: String(result.split.trainRows),
    test_rows: String(result.split.testRows),
    version: context.modelVersion,
  };
  const test = result.test;
  const evaluation: Array<{ key: string; value: number }> = [
    { key: 'accuracy', value: test.accuracy },
    { key: 'accuracy_ci_lower', value: test.accuracyInterval.lower },
    { key: 'accuracy_ci_upper', value: test.accuracyInterval.upper },
    { key: 'f1_macro', value: test.macro.f1 },
    { key: 'f1_weighted', value: test.weighted.f1 },
    { key: 'precision_macro', value: test.macro.precision },
    { key: 'recall_macro', value: test.macro.recall },
    ...test.perClass.flatMap((perClass) => [
      { key: `f1_${metricSuffix(perClass.label)}`, value: perClass.f1 },
      { key: `precision_${metricSuffix(perClass.label)}`, value: perClass.precision },
      { key: `recall_${metricSuffix(perClass.label)}`, value: perClass.recall },
    ]),
    ...Object.entries(evaluatorMetrics).map(([key, value]) => ({ key, value })),
  ];
  const training: Array<{ key: string; value: number }> = [
    ...(result.outOfBag ? [{ key: 'oob_accuracy', value: result.outOfBag.accuracy }] : []),
    ...(cv
      ? Object.entries(cv.metrics).flatMap(([name, summary]) => [
          { key: `${name}_cv_mean`, value: summary.mean },
          { key: `${name}_cv_std`, value: summary.std },
        ])
      : []),
  ];
  const metrics: PenguinRunContent['metrics'] = [
    ...evaluation.map((metric) => ({ ...metric, dataset: 'evaluation' as const })),
    ...training.map((metric) => ({ ...metric, dataset: 'training' as const })),
  ];
  const commit = context.commit;
  const user = currentUser();
  const sourceTags: Tags = {
    [SOURCE_NAME_TAG]: PENGUINS_SOURCE_NAME,
    [SOURCE_TYPE_TAG]: 'LOCAL',
    [USER_TAG]: user,
    ...(commit ? { [GIT_COMMIT_TAG]: commit } : {}),
  };
  const tags: Tags = {
    ...sourceTags,
    model_version: context.modelVersion,
    model_name: 'random_forest',
    model_framework: 'ml-random-forest',
    ...context.userTags,
  };
  return { params, metrics, tags, sourceTags, user, datasets };
}

/**
 * Metric points for logBatch, all at one timestamp and step 0. Given the LoggedModel (MLflow 3),
 * each point names it and the dataset it was measured on, as `mlflow.models.evaluate` logs them,
 * so the model's page and `search_logged_models` see the metrics.
 */
export function metricPoints(content: PenguinRunContent, timestamp: number, modelId?: string): MetricInput[] {
  return content.metrics.map(({ key, value, dataset }) => ({
    key,
    value,
    timestamp,
    step: 0,
    ...(modelId
      ? { modelId, datasetName: content.datasets[dataset].dataset.name, datasetDigest: content.datasets[dataset].dataset.digest }
      : {}),
  }));
}

/** The results file, laid out like mlops-train's `model_results.json`. */
export function resultsDocument(result: TrainingResult, content: PenguinRunContent): Record<string, unknown> {
  return {
    model: 'random_forest',
    model_display_name: 'Random Forest',
    test_metrics: Object.fromEntries(content.metrics.map(({ key, value }) => [key, value])),
    metrics: result.crossValidation
      ? Object.fromEntries(Object.entries(result.crossValidation.metrics).map(([name, summary]) => [name, { test_mean: summary.mean, test_std: summary.std }]))
      : {},
    confusion_matrix: result.test.confusionMatrix,
    feature_importance: result.featureImportance,
    misclassified: result.misclassified,
    config: {
      cv_folds: result.crossValidation?.folds ?? 0,
      cv_repeats: result.crossValidation?.repeats ?? 0,
      random_seed: result.hyperparameters.randomState,
      split: result.split.description,
    },
    data: { source: result.data.source, sha256: result.data.sha256, rows_used: result.data.rowsUsed, rows_dropped: result.data.rowsDropped },
  };
}
