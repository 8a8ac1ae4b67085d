/**
 * The random forest: scikit-learn's `RandomForestClassifier` algorithm on our own tree grower
 * (`grow-tree.ts`), with scikit-learn's parameter names, soft voting, out-of-bag score and
 * impurity-based feature importance, deterministic for a `randomState`.
 *
 * The model is saved as ml-random-forest JSON (`RandomForestClassifier.load` reads it and its trees
 * predict exactly what ours do) with our metadata under `mlflowMct`; a plain ml-random-forest
 * classifier's JSON loads too.
 */
import { InputError, UsageError } from '../errors.js';
import { argmaxAt, leafOf, nodeProbabilities, type FlatTree } from './flat-tree.js';
import type { GrownTree, TreeSettings } from './grow-tree.js';
import { createTreeGrower, type TreeGrower } from './grower.js';
import { buildTrainingMatrix } from './matrix.js';
import { fromRandomForestJson, toRandomForestJson, type RandomForestJson } from './ml-random-forest.js';
import { MAX_INT32_SEED, RandomState } from './random.js';

/** scikit-learn's `max_features`: a rule, a count of features, a fraction of them, or `null` for all. */
export type MaxFeatures = 'sqrt' | 'log2' | number | null;

export interface ForestOptions {
  /** Number of trees (`n_estimators`). Default 100. */
  nEstimators: number;
  /** `max_depth`; `null` (default) grows each tree until its leaves are pure. */
  maxDepth: number | null;
  /** Features drawn at each split (`max_features`). Default `'sqrt'`. */
  maxFeatures: MaxFeatures;
  /** Fewest rows a node needs to be split (`min_samples_split`). Default 2. */
  minSamplesSplit: number;
  /** Fewest rows each child of a split keeps (`min_samples_leaf`). Default 1. */
  minSamplesLeaf: number;
  /** Each tree trains on a bootstrap sample of the rows (`bootstrap`). Default true. */
  bootstrap: boolean;
  /** Seed of the whole forest (`random_state`): tree seeds, bootstrap rows and feature draws. Default 42. */
  randomState: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  nEstimators: 100,
  maxDepth: null,
  maxFeatures: 'sqrt',
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  bootstrap: true,
  randomState: 42,
};

/** The options as applied to a training set: `featuresPerSplit` is `maxFeatures` resolved to a count. */
export interface ForestHyperparameters extends ForestOptions {
  featuresPerSplit: number;
}

export interface OutOfBagScore {
  /** Accuracy of each row's out-of-bag soft vote. */
  accuracy: number;
  /** Rows with at least one out-of-bag tree (the others are not scored). */
  rowsScored: number;
}

/** What the model file adds to ml-random-forest's JSON. */
export interface ForestMetadata {
  format: 'mlflow-mct/random-forest';
  version: 2;
  classes: string[];
  featureNames: string[];
  /** `null` for a forest trained by ml-random-forest itself. */
  hyperparameters: ForestHyperparameters | null;
  /** Mean decrease in impurity per feature (`featureNames` order), summing to 1; `null` when unknown. */
  featureImportance: number[] | null;
  outOfBag: OutOfBagScore | null;
}

export type SerializedForest = RandomForestJson & { mlflowMct: ForestMetadata };

export interface TrainForestHooks {
  /** Called after each tree with the number grown so far. */
  onTree?: (done: number, total: number) => void;
  /** Trees are grown here; by default a grower sized for the data is created for this call. */
  grower?: TreeGrower;
  /**
   * Whether to compute the out-of-bag score (default true: the card reports it). Cross-validation
   * fits leave it out, as scikit-learn does by default (`oob_score=False`): nobody reads it there.
   */
  outOfBagScore?: boolean;
}

const FORMAT = 'mlflow-mct/random-forest';

export class ForestModel {
  private readonly probabilities: Float64Array[];

  private constructor(
    private readonly metadata: ForestMetadata,
    private readonly flatTrees: readonly FlatTree[],
  ) {
    this.probabilities = flatTrees.map((tree) => nodeProbabilities(tree, metadata.classes.length));
  }

  /** Class names in sorted order (scikit-learn's `classes_`). */
  get classes(): string[] {
    return [...this.metadata.classes];
  }

  get featureNames(): string[] {
    return [...this.metadata.featureNames];
  }

  get hyperparameters(): ForestHyperparameters | null {
    return this.metadata.hyperparameters ? { ...this.metadata.hyperparameters } : null;
  }

  get featureImportance(): number[] | null {
    return this.metadata.featureImportance ? [...this.metadata.featureImportance] : null;
  }

  get outOfBag(): OutOfBagScore | null {
    return this.metadata.outOfBag ? { ...this.metadata.outOfBag } : null;
  }

  get trees(): readonly FlatTree[] {
    return this.flatTrees;
  }

  /** Each tree's own prediction (a class index into `classes`) for each row. */
  treeVotes(X: readonly (readonly number[])[]): number[][] {
    this.checkRows(X);
    const K = this.metadata.classes.length;
    return X.map((row) => this.flatTrees.map((tree, t) => argmaxAt(this.probabilities[t]!, leafOf(tree, row) * K, K)));
  }

  /** For each row, the mean over the trees of the leaf's class probabilities (`classes` order). */
  predictProba(X: readonly (readonly number[])[]): number[][] {
    this.checkRows(X);
    const K = this.metadata.classes.length;
    const trees = this.flatTrees.length;
    return X.map((row) => {
      const sums = new Float64Array(K);
      this.flatTrees.forEach((tree, t) => {
        const offset = leafOf(tree, row) * K;
        const leaf = this.probabilities[t]!;
        for (let k = 0; k < K; k++) sums[k]! += leaf[offset + k]!;
      });
      return Array.from(sums, (total) => total / trees);
    });
  }

  /** The most probable class per row (ties go to the first class in `classes` order). */
  predict(X: readonly (readonly number[])[]): string[] {
    return this.predictProba(X).map((probabilities) => this.metadata.classes[argmaxAt(probabilities, 0, probabilities.length)]!);
  }

  toJSON(): SerializedForest {
    const { hyperparameters } = this.metadata;
    const forest = toRandomForestJson(this.flatTrees, this.metadata.featureNames.length, this.metadata.classes.length, hyperparameters?.randomState ?? 0, hyperparameters?.maxDepth ?? null);
    return { ...forest, mlflowMct: this.metadata };
  }

  /**
   * Restores a model from `toJSON()` output, or from a plain ml-random-forest classifier's JSON
   * (its classes are then named by index, `"0"`, `"1"`..., and its features `x0`, `x1`...).
   */
  static fromJSON(value: unknown): ForestModel {
    const json = value as Partial<SerializedForest> | null;
    if (!json || json.name !== 'RFClassifier' || typeof json.baseModel !== 'object' || json.baseModel === null) {
      throw new InputError('not a random forest model: expected ml-random-forest classifier JSON (name "RFClassifier")', {
        hint: 'pass the forest.json written by train-penguins or the output of RandomForestClassifier#toJSON',
      });
    }
    const { trees, featureCount, classCount } = fromRandomForestJson(json as RandomForestJson);
    const metadata = json.mlflowMct;
    if (metadata === undefined) {
      return new ForestModel(
        {
          format: FORMAT,
          version: 2,
          classes: Array.from({ length: classCount }, (_, k) => String(k)),
          featureNames: Array.from({ length: featureCount }, (_, f) => `x${f}`),
          hyperparameters: null,
          featureImportance: null,
          outOfBag: null,
        },
        trees,
      );
    }
    const problem =
      metadata.format !== FORMAT || metadata.version !== 2
        ? `its metadata is not ${FORMAT} version 2`
        : !Array.isArray(metadata.classes) || metadata.classes.length < classCount || metadata.classes.length < 2
          ? 'it lists fewer classes than its trees predict'
          : !Array.isArray(metadata.featureNames) || metadata.featureNames.length < featureCount
            ? 'its trees split on features it does not name'
            : metadata.featureImportance !== null && metadata.featureImportance?.length !== metadata.featureNames.length
              ? 'its feature names and importances disagree in number'
              : trees.length === 0
                ? 'it has no trees'
                : undefined;
    if (problem) throw new InputError(`the model JSON is damaged: ${problem}`, { hint: 'write it again with ForestModel#toJSON' });
    const padded = metadata.classes.length === classCount ? trees : trees.map((tree) => padClasses(tree, classCount, metadata.classes.length));
    return new ForestModel(metadata, padded);
  }

  /** Assembles a model from grown trees (used by `trainForest`). */
  static fromTrees(metadata: Omit<ForestMetadata, 'format' | 'version'>, trees: readonly FlatTree[]): ForestModel {
    return new ForestModel({ format: FORMAT, version: 2, ...metadata }, trees);
  }

  private checkRows(X: readonly (readonly number[])[]): void {
    const width = this.metadata.featureNames.length;
    X.forEach((row, i) => {
      if (row.length !== width) throw new InputError(`row ${i + 1} has ${row.length} features, the model needs ${width} (${this.metadata.featureNames.join(', ')})`);
      const bad = row.findIndex((value) => !Number.isFinite(value));
      if (bad !== -1) throw new InputError(`row ${i + 1}, feature "${this.metadata.featureNames[bad]}": ${row[bad]} is not a finite number`);
    });
  }
}

/** Trains a forest on `X` (rows of `featureNames`) and class names `y`. */
export async function trainForest(
  X: readonly (readonly number[])[],
  y: readonly string[],
  featureNames: readonly string[],
  options: Partial<ForestOptions> = {},
  hooks: TrainForestHooks = {},
): Promise<ForestModel> {
  if (X.length !== y.length) throw new RangeError(`X has ${X.length} rows but y has ${y.length} labels`);
  if (X.length === 0) throw new InputError('there are no rows to train on');
  const hyperparameters = resolveOptions({ ...DEFAULT_FOREST_OPTIONS, ...options }, featureNames.length);
  X.forEach((row, i) => {
    const bad = row.findIndex((value) => !Number.isFinite(value));
    if (bad !== -1) throw new InputError(`training row ${i + 1}, feature "${featureNames[bad]}": ${row[bad]} is not a finite number`);
  });
  const classes = [...new Set(y)].sort();
  if (classes.length < 2) throw new InputError(`the training rows hold one class only (${classes[0]}); a classifier needs at least two`);
  const encode = new Map(classes.map((name, index) => [name, index]));
  const labels = y.map((name) => encode.get(name)!);

  const grower = hooks.grower ?? createTreeGrower('auto', X.length);
  const settings: TreeSettings = {
    maxFeatures: hyperparameters.featuresPerSplit,
    maxDepth: hyperparameters.maxDepth ?? Infinity,
    minSamplesSplit: hyperparameters.minSamplesSplit,
    minSamplesLeaf: hyperparameters.minSamplesLeaf,
    bootstrap: hyperparameters.bootstrap,
    outOfBag: hyperparameters.bootstrap && hooks.outOfBagScore !== false,
  };
  const data = buildTrainingMatrix(X, labels, classes.length, grower.workers > 0);
  const tasks = treeSeeds(hyperparameters.randomState, hyperparameters.nEstimators).map((seed, index) => ({ index, seed }));
  const outOfBag = new OutOfBagTally(X.length, classes.length);
  const trees = new Array<FlatTree>(tasks.length);
  const importances = new Array<Float64Array | null>(tasks.length);
  try {
    await grower.grow(data, settings, tasks, (grown, done) => {
      trees[grown.index] = grown.tree;
      importances[grown.index] = grown.importance;
      outOfBag.add(grown);
      hooks.onTree?.(done, tasks.length);
    });
  } finally {
    if (!hooks.grower) await grower.close();
  }

  return ForestModel.fromTrees(
    {
      classes,
      featureNames: [...featureNames],
      hyperparameters,
      featureImportance: averageImportance(importances, featureNames.length),
      outOfBag: settings.outOfBag ? outOfBag.score(labels) : null,
    },
    trees,
  );
}

/** Sums each tree's out-of-bag class probabilities per row, as scikit-learn's `oob_decision_function_`. */
class OutOfBagTally {
  private readonly sums: Float64Array;

  constructor(
    private readonly rows: number,
    private readonly classCount: number,
  ) {
    this.sums = new Float64Array(rows * classCount);
  }

  add({ outOfBag }: GrownTree): void {
    const K = this.classCount;
    outOfBag.rows.forEach((row, j) => {
      for (let k = 0; k < K; k++) this.sums[row * K + k]! += outOfBag.probabilities[j * K + k]!;
    });
  }

  score(labels: readonly number[]): OutOfBagScore | null {
    const K = this.classCount;
    let scored = 0;
    let correct = 0;
    for (let row = 0; row < this.rows; row++) {
      let total = 0;
      for (let k = 0; k < K; k++) total += this.sums[row * K + k]!;
      if (total === 0) continue;
      scored++;
      if (argmaxAt(this.sums, row * K, K) === labels[row]) correct++;
    }
    return scored === 0 ? null : { accuracy: correct / scored, rowsScored: scored };
  }
}

/** The tree seeds scikit-learn's forest draws from `random_state=seed`: `randint(2**31 - 1)` each. */
export function treeSeeds(seed: number, count: number): number[] {
  const rng = new RandomState(seed);
  return Array.from({ length: count }, () => rng.interval(MAX_INT32_SEED));
}

/** scikit-learn's forest importance: the mean of the trees' normalized importances (trees with a split), renormalized. */
function averageImportance(importances: readonly (Float64Array | null)[], featureCount: number): number[] {
  const total = new Array<number>(featureCount).fill(0);
  for (const importance of importances) importance?.forEach((value, feature) => (total[feature]! += value));
  const sum = total.reduce((a, b) => a + b, 0);
  return sum > 0 ? total.map((value) => value / sum) : total;
}

/** `max_features` as a count, the way scikit-learn resolves it. */
export function featuresPerSplit(maxFeatures: MaxFeatures, featureCount: number): number {
  if (maxFeatures === null) return featureCount;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(featureCount)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(featureCount)));
  if (Number.isInteger(maxFeatures) && maxFeatures >= 1) return Math.min(maxFeatures, featureCount);
  return Math.max(1, Math.floor(maxFeatures * featureCount));
}

/** Option errors name the scikit-learn parameter; the CLI maps them to its flags. */
function resolveOptions(options: ForestOptions, featureCount: number): ForestHyperparameters {
  const { nEstimators, maxDepth, maxFeatures, minSamplesSplit, minSamplesLeaf, bootstrap, randomState } = options;
  const positive = (name: string, value: number, least = 1): void => {
    if (!Number.isInteger(value) || value < least) throw new UsageError(`${name} must be an integer of at least ${least}, got ${value}`);
  };
  positive('n_estimators', nEstimators);
  if (maxDepth !== null) positive('max_depth', maxDepth);
  positive('min_samples_split', minSamplesSplit, 2);
  positive('min_samples_leaf', minSamplesLeaf);
  if (!Number.isInteger(randomState) || randomState < 0 || randomState > 0xffffffff) throw new UsageError(`random_state must be an integer between 0 and 4294967295, got ${randomState}`);
  const validFeatures =
    maxFeatures === null ||
    maxFeatures === 'sqrt' ||
    maxFeatures === 'log2' ||
    (typeof maxFeatures === 'number' && ((Number.isInteger(maxFeatures) && maxFeatures >= 1 && maxFeatures <= featureCount) || (maxFeatures > 0 && maxFeatures < 1)));
  if (!validFeatures) {
    throw new UsageError(`max_features must be sqrt, log2, all, a whole number from 1 to ${featureCount} or a fraction in (0, 1), got ${maxFeatures}`);
  }
  return { nEstimators, maxDepth, maxFeatures, minSamplesSplit, minSamplesLeaf, bootstrap, randomState, featuresPerSplit: featuresPerSplit(maxFeatures, featureCount) };
}

function padClasses(tree: FlatTree, from: number, to: number): FlatTree {
  const value = new Float64Array(tree.feature.length * to);
  for (let node = 0; node < tree.feature.length; node++) value.set(tree.value.subarray(node * from, (node + 1) * from), node * to);
  return { ...tree, value };
}

/** A hyperparameter value written as scikit-learn's `get_params()` shows it and MLflow's autolog logs it. */
export function sklearnParam(value: number | string | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}
