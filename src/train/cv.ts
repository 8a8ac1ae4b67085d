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

/** One fit's scores. */
export type FitScores = Record<CvMetric, number>;

/** The fits of a cross-validation, scored one at a time (in any order, on any thread), then summarized. */
export interface CrossValidationPlan {
  readonly fits: number;
  /** Trains fit `index` (0-based, fold order) on its training rows and scores it on its test rows. */
  scoreFit(index: number, hooks?: { grower?: TreeGrower; onProgress?: ProgressListener }): Promise<FitScores>;
  /** The summary of every fit's scores, given in fold order. */
  summarize(scores: readonly FitScores[]): CrossValidationSummary;
}

export function planCrossValidation(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  scheme: FoldScheme,
  forestOptions: Partial<ForestOptions>,
): CrossValidationPlan {
  const plan = repeatedStratifiedKFold(y, scheme);
  const classes = [...new Set(y)].sort();
  return {
    fits: plan.folds.length,
    async scoreFit(index, hooks = {}) {
      const fold = plan.folds[index];
      if (!fold) throw new RangeError(`there is no fit ${index} in ${plan.folds.length}`);
      const model = await trainForest(
        fold.train.map((row) => X[row]!),
        fold.train.map((row) => y[row]!),
        featureNames,
        forestOptions,
        {
          ...(hooks.grower ? { grower: hooks.grower } : {}),
          onTree: (done, total) =>
            hooks.onProgress?.({ stage: 'cross-validation', trees: { done, total }, fold: { current: index + 1, total: plan.folds.length } }),
        },
      );
      const report = classificationReport(
        fold.test.map((row) => y[row]!),
        model.predict(fold.test.map((row) => X[row]!)),
        classes,
      );
      return {
        accuracy: report.accuracy,
        f1_macro: report.macro.f1,
        f1_weighted: report.weighted.f1,
        precision_macro: report.macro.precision,
        recall_macro: report.macro.recall,
      };
    },
    summarize(scores) {
      const metrics = Object.fromEntries(CV_METRICS.map((name) => [name, summarizeScores(scores.map((fit) => fit[name]))])) as Record<CvMetric, MetricSummary>;
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
    },
  };
}

/** Cross-validates on the calling thread, fit after fit. */
export async function crossValidate(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  scheme: FoldScheme,
  forestOptions: Partial<ForestOptions>,
  hooks: { grower?: TreeGrower; onProgress?: ProgressListener } = {},
): Promise<CrossValidationSummary> {
  const plan = planCrossValidation(X, y, featureNames, scheme, forestOptions);
  const scores: FitScores[] = [];
  for (let index = 0; index < plan.fits; index += 1) scores.push(await plan.scoreFit(index, hooks));
  return plan.summarize(scores);
}

/** Mean and population standard deviation. */
export function summarizeScores(values: readonly number[]): MetricSummary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), values: [...values] };
}
