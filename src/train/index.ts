/**
 * The training core of `train-penguins`: load and validate the data, split it like the seed
 * recipe, train the forest, evaluate it on the test rows, cross-validate, and return everything a
 * Model Card and an MLflow run need in one `TrainingResult`.
 */
import { performance } from 'node:perf_hooks';
import { countClasses, loadPenguins, DEFAULT_DATA_PATH, TARGET_COLUMN, type DatasetDescription, type PenguinDataset } from './data.js';
import { classificationReport, type ClassificationReport } from './evaluate.js';
import { crossValidate, DEFAULT_CV_SCHEME, type CrossValidationSummary } from './cv.js';
import type { FoldScheme } from './folds.js';
import { DEFAULT_FOREST_OPTIONS, trainForest, type ForestHyperparameters, type ForestModel, type ForestOptions, type OutOfBagScore } from './forest.js';
import { createTreeGrower } from './grower.js';
import type { ProgressListener } from './progress.js';
import { DEFAULT_SPLIT, trainTestSplit, type SplitOptions } from './split.js';

export * from './cv.js';
export * from './data.js';
export * from './evaluate.js';
export * from './folds.js';
export * from './forest.js';
export { createTreeGrower, workerEntryAvailable, WORKER_MIN_ROWS, type TreeGrower } from './grower.js';
export { LEAF, leafOf, type FlatTree } from './flat-tree.js';
export { toRandomForestJson, fromRandomForestJson, type RandomForestJson } from './ml-random-forest.js';
export * from './progress.js';
export * from './random.js';
export * from './split.js';
export { syntheticPenguinsCsv } from './synthetic.js';

export interface TrainOptions {
  /** CSV to train on; defaults to the shipped canonical `data/penguins.csv`. */
  dataPath?: string;
  /** One seed for the split, the forest and cross-validation (each can still be overridden below). Default 42. */
  seed?: number;
  /** Test fraction, seed and stratification. Default: 0.2, 42, not stratified (the seed recipe). */
  split?: Partial<SplitOptions>;
  /** Forest hyperparameters (see `ForestOptions`). */
  forest?: Partial<ForestOptions>;
  /** Cross-validation scheme (default 5 folds x 3 repeats, seed 42), or `false` to skip it. */
  crossValidation?: Partial<FoldScheme> | false;
  /** Threads for growing trees: `'auto'` (default) uses one per core when running from the built package. */
  workers?: number | 'auto';
}

export interface DataSummary extends DatasetDescription {
  target: typeof TARGET_COLUMN;
  /** Rows per class in all kept rows, the training rows and the test rows. */
  classCounts: { all: Record<string, number>; train: Record<string, number>; test: Record<string, number> };
}

export interface SplitSummary {
  method: 'shuffle' | 'stratified';
  testSize: number;
  seed: number;
  trainRows: number;
  testRows: number;
  /** 0-based data-row indices (in the file) of the test rows, in split order. */
  testRowIndices: number[];
  /** E.g. "train_test_split(test_size=0.2, random_state=42): 266 training / 67 test rows". */
  description: string;
}

export interface FeatureImportance {
  feature: string;
  /** Mean decrease in impurity, normalized so all features sum to 1. */
  importance: number;
}

export interface Misclassification {
  /** 0-based data-row index in the file. */
  rowIndex: number;
  actual: string;
  predicted: string;
}

/** scikit-learn's result for the seed recipe on the canonical file, for side-by-side reporting. */
export interface Baseline {
  library: string;
  /** `RandomForestClassifier(n_estimators=100, random_state=42)` on the seed split. */
  testAccuracy: number;
  /** Accuracy over `crossValidationScheme`, population std. */
  crossValidationAccuracy: { mean: number; std: number };
  crossValidationScheme: string;
}

export interface TrainingResult {
  data: DataSummary;
  /** The rows as read (kept rows in file order), for callers that need them again without reading the file twice. */
  dataset: PenguinDataset;
  split: SplitSummary;
  /** The hyperparameters the forest was trained with (defaults resolved). */
  hyperparameters: ForestHyperparameters;
  /** The trained forest; `model.toJSON()` serializes it and `ForestModel.fromJSON` restores it. */
  model: ForestModel;
  /** Metrics on the test rows. */
  test: ClassificationReport;
  /** Test rows the model gets wrong. */
  misclassified: Misclassification[];
  /** Per feature, most important first. */
  featureImportance: FeatureImportance[];
  /** Out-of-bag accuracy on the training rows. */
  outOfBag: OutOfBagScore | null;
  /** `null` when cross-validation was skipped. */
  crossValidation: CrossValidationSummary | null;
  /** scikit-learn's figures for the same recipe, when the canonical file and the seed split were used. */
  baseline: Baseline | null;
  /** Wall-clock milliseconds of each step. */
  timings: { loadMs: number; trainMs: number; evaluateMs: number; crossValidationMs: number; totalMs: number };
  /** Threads that grew trees (0: the calling thread). */
  workers: number;
  /** Things worth telling the user that did not stop the run. */
  warnings: string[];
}

const CANONICAL_SHA256 = 'f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93';

/** scikit-learn 1.2.1's figures for the seed recipe (RandomForestClassifier(n_estimators=100, random_state=42)). */
export const SEED_RECIPE_BASELINE: Baseline = {
  library: 'scikit-learn 1.2.1',
  testAccuracy: 66 / 67,
  crossValidationAccuracy: { mean: 0.98904, std: 0.01152 },
  crossValidationScheme: 'RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=42) over 333 rows',
};

/** Loads, splits, trains and tests, then cross-validates: `trainAndTest` followed by `crossValidateTrained`. */
export async function trainAndEvaluate(options: TrainOptions = {}, onProgress?: ProgressListener): Promise<TrainingResult> {
  return crossValidateTrained(await trainAndTest(options, onProgress), options, onProgress);
}

/**
 * Loads the data, splits it, trains the forest and tests it: a result whose `crossValidation` is
 * still `null`. A caller can start on what needs only the trained model (its charts, say) before
 * handing the result to `crossValidateTrained`.
 */
export async function trainAndTest(options: TrainOptions = {}, onProgress?: ProgressListener): Promise<TrainingResult> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SPLIT.seed;
  const splitOptions: SplitOptions = { ...DEFAULT_SPLIT, seed, ...options.split };
  const forestOptions: ForestOptions = { ...DEFAULT_FOREST_OPTIONS, randomState: seed, ...options.forest };

  const data = await loadPenguins(options.dataPath ?? DEFAULT_DATA_PATH);
  const loaded = performance.now();
  const split = trainTestSplit(data.y, splitOptions);
  const rows = (positions: readonly number[]) => ({
    X: positions.map((position) => data.X[position]!),
    y: positions.map((position) => data.y[position]!),
  });
  const train = rows(split.train);
  const test = rows(split.test);

  const grower = createTreeGrower(options.workers ?? 'auto', split.train.length);
  try {
    const model = await trainForest(train.X, train.y, data.featureNames, forestOptions, {
      grower,
      onTree: (done, total) => onProgress?.({ stage: 'train', trees: { done, total } }),
    });
    // A forest trained here always carries its hyperparameters and importances.
    const hyperparameters = model.hyperparameters!;
    const importances = model.featureImportance!;
    const trained = performance.now();

    const predicted = model.predict(test.X);
    const report = classificationReport(test.y, predicted, data.classes);
    const evaluated = performance.now();

    const isSeedRecipe =
      data.sha256 === CANONICAL_SHA256 && splitOptions.testSize === 0.2 && splitOptions.seed === 42 && !splitOptions.stratify;
    return {
      data: summarizeData(data, train.y, test.y),
      dataset: data,
      split: {
        method: splitOptions.stratify ? 'stratified' : 'shuffle',
        testSize: splitOptions.testSize,
        seed: splitOptions.seed,
        trainRows: split.train.length,
        testRows: split.test.length,
        testRowIndices: split.test.map((position) => data.rowIndices[position]!),
        description: describeSplit(splitOptions, split.train.length, split.test.length),
      },
      hyperparameters,
      model,
      test: report,
      misclassified: split.test.flatMap((position, i) =>
        predicted[i] === test.y[i] ? [] : [{ rowIndex: data.rowIndices[position]!, actual: test.y[i]!, predicted: predicted[i]! }],
      ),
      featureImportance: model.featureNames
        .map((feature, i) => ({ feature, importance: importances[i]! }))
        .sort((a, b) => b.importance - a.importance),
      outOfBag: model.outOfBag,
      crossValidation: null,
      baseline: isSeedRecipe ? SEED_RECIPE_BASELINE : null,
      timings: {
        loadMs: loaded - started,
        trainMs: trained - loaded,
        evaluateMs: evaluated - trained,
        crossValidationMs: 0,
        totalMs: evaluated - started,
      },
      workers: grower.workers,
      warnings: data.ignoredColumns.length > 0 ? [`ignored columns not used by the model: ${data.ignoredColumns.join(', ')}`] : [],
    };
  } finally {
    await grower.close();
  }
}

/**
 * Cross-validates the forest of a `trainAndTest` result over all its rows, with the same
 * hyperparameters and the scheme of `options` (5x3 by default; the result is returned as it is
 * when `options.crossValidation` is `false`).
 */
export async function crossValidateTrained(tested: TrainingResult, options: TrainOptions = {}, onProgress?: ProgressListener): Promise<TrainingResult> {
  const cvScheme = crossValidationScheme(options);
  if (!cvScheme) return tested;
  const started = performance.now();
  const { X, y, featureNames } = tested.dataset;
  const grower = createTreeGrower(options.workers ?? 'auto', tested.split.trainRows);
  let crossValidation: CrossValidationSummary;
  try {
    crossValidation = await crossValidate(X, y, featureNames, cvScheme, tested.hyperparameters, { grower, ...(onProgress ? { onProgress } : {}) });
  } finally {
    await grower.close();
  }
  const crossValidationMs = performance.now() - started;
  return {
    ...tested,
    crossValidation,
    timings: { ...tested.timings, crossValidationMs, totalMs: tested.timings.totalMs + crossValidationMs },
    workers: Math.max(tested.workers, grower.workers),
    warnings: [...tested.warnings, ...(crossValidation.warning ? [crossValidation.warning] : [])],
  };
}

function crossValidationScheme(options: TrainOptions): FoldScheme | null {
  return options.crossValidation === false ? null : { ...DEFAULT_CV_SCHEME, seed: options.seed ?? DEFAULT_SPLIT.seed, ...options.crossValidation };
}

function summarizeData(data: PenguinDataset, trainLabels: readonly string[], testLabels: readonly string[]): DataSummary {
  const { X: _features, y: labels, rowIndices: _rows, ...description } = data;
  return {
    ...description,
    target: TARGET_COLUMN,
    classCounts: {
      all: countClasses(labels, data.classes),
      train: countClasses(trainLabels, data.classes),
      test: countClasses(testLabels, data.classes),
    },
  };
}

function describeSplit(options: SplitOptions, trainRows: number, testRows: number): string {
  const call = `train_test_split(test_size=${options.testSize}, random_state=${options.seed}${options.stratify ? ', stratify=species' : ''})`;
  return `${call}: ${trainRows} training / ${testRows} test rows, the rows scikit-learn picks for the same arguments`;
}
