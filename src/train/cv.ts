/**
 * Cross-validation of the forest: repeated stratified K-fold (scikit-learn's folds for the same
 * seed), each fold scored with the same metrics as the test set, summarized by mean and
 * population standard deviation (`numpy.std`, as the reference project reports).
 */
import { classificationReport } from './evaluate.js';
import { repeatedStratifiedKFold, type FoldScheme } from './folds.js';
import { trainForest, type ForestOptions } from './forest.js';
import type { TreeGrower } from './grower.js';
import type { ProgressListener } from './progress.js';

export const DEFAULT_CV_SCHEME: FoldScheme = { folds: 5, repeats: 3, seed: 42 };

/** Metric names as scikit-learn's scorers call them. */
export const CV_METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'recall_macro'] as const;
export type CvMetric = (typeof CV_METRICS)[number];

export interface MetricSummary {
  mean: number;
  /** Population standard deviation over the fits (ddof = 0). */
  std: number;
  /** The metric on each fit, in fold order (repeat by repeat). */
  values: number[];
}

export interface CrossValidationSummary {
  /** Human-readable scheme, e.g. "RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=42) over 333 rows". */
  scheme: string;
  folds: number;
  repeats: number;
  seed: number;
  /** Number of forests trained: folds x repeats. */
  fits: number;
  /** Rows cross-validated. */
  rows: number;
  metrics: Record<CvMetric, MetricSummary>;
  /** Set when a class has fewer rows than folds. */
  warning?: string;
}

export async function crossValidate(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  scheme: FoldScheme,
  forestOptions: Partial<ForestOptions>,
  hooks: { grower?: TreeGrower; onProgress?: ProgressListener } = {},
): Promise<CrossValidationSummary> {
  const plan = repeatedStratifiedKFold(y, scheme);
  const classes = [...new Set(y)].sort();
  const values: Record<CvMetric, number[]> = { accuracy: [], f1_macro: [], f1_weighted: [], precision_macro: [], recall_macro: [] };

  for (const [index, fold] of plan.folds.entries()) {
    const model = await trainForest(
      fold.train.map((row) => X[row]!),
      fold.train.map((row) => y[row]!),
      featureNames,
      forestOptions,
      {
        ...(hooks.grower ? { grower: hooks.grower } : {}),
        outOfBagScore: false,
        onTree: (done, total) =>
          hooks.onProgress?.({ stage: 'cross-validation', trees: { done, total }, fold: { current: index + 1, total: plan.folds.length } }),
      },
    );
    const report = classificationReport(
      fold.test.map((row) => y[row]!),
      model.predict(fold.test.map((row) => X[row]!)),
      classes,
    );
    values.accuracy.push(report.accuracy);
    values.f1_macro.push(report.macro.f1);
    values.f1_weighted.push(report.weighted.f1);
    values.precision_macro.push(report.macro.precision);
    values.recall_macro.push(report.macro.recall);
  }

  const metrics = Object.fromEntries(CV_METRICS.map((name) => [name, summarizeScores(values[name])])) as Record<CvMetric, MetricSummary>;
  return {
    scheme: `RepeatedStratifiedKFold(n_splits=${scheme.folds}, n_repeats=${scheme.repeats}, random_state=${scheme.seed}) over ${y.length} rows`,
    folds: scheme.folds,
    repeats: scheme.repeats,
    seed: scheme.seed,
    fits: plan.folds.length,
    rows: y.length,
    metrics,
    ...(plan.warning ? { warning: plan.warning } : {}),
  };
}

/** Mean and population standard deviation. */
export function summarizeScores(values: readonly number[]): MetricSummary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), values: [...values] };
}
