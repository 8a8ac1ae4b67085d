/**
 * The random forest: ml-random-forest's trees behind one interface that takes and returns class
 * names, gives honest probabilities, reports feature importance and out-of-bag accuracy, and
 * serializes to JSON that reloads to the same predictions.
 *
 * What the wrapper fixes in ml-random-forest 2.1.0 (each has a test):
 * - labels must be integers 0..K-1: class names are encoded in sorted order (scikit-learn's
 *   `classes_`) and decoded on the way out;
 * - `predictProbability` never counts the first tree: probabilities are vote fractions over all
 *   trees, from `predictionValues`;
 * - out-of-bag scoring crashes when a row is in every bootstrap sample: we score out-of-bag rows
 *   ourselves and skip rows that never were;
 * - `featureImportance()` returns NaN after `load` (and its formula can go negative): importance is
 *   computed at training time and stored with the model;
 * - `maxSamples` takes the first rows rather than a random sample: bootstrap rows are drawn per tree
 *   by us (see `tree.ts`).
 * And it makes training scale (the library's split search is O(n²) per node): features are
 * binned, repeated thresholds are skipped, each tree can be given fewer bootstrap rows than the
 * data has, and trees grow on worker threads.
 */
import { RandomForestClassifier } from 'ml-random-forest';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_MAX_BINS, binRows, fitBins, type FeatureBins } from './binning.js';
import { createTreeGrower, type TreeGrower } from './grower.js';
import { MAX_INT32_SEED, RandomState } from './random.js';
import { bootstrapRows, type GrownTree, type TreeJson, type TreeParams } from './tree.js';

export interface ForestOptions {
  /** Number of trees. Default 100 (the seed recipe's `n_estimators`). */
  nEstimators: number;
  /** Maximum tree depth; `null` (default) grows each tree until its leaves are pure. */
  maxDepth: number | null;
  /** Seed of the whole forest: tree seeds, bootstrap rows and feature draws. Default 42. */
  seed: number;
  /**
   * Fraction of the features each tree may split on. ml-random-forest draws them once per tree
   * (scikit-learn draws sqrt(d) per split); half the features per tree measured best on penguins
   * (cross-validated accuracy 0.984, against 0.974 for 3/8, 0.983 for 3/4 and 0.980 for all).
   */
  maxFeatures: number;
  /**
   * Bootstrap rows per tree. `'auto'` (default) draws as many rows as there are, up to
   * `AUTO_SAMPLES_PER_TREE`; bigger data then trains each tree on a random subsample, which keeps
   * the cost of ml-cart's quadratic split search bounded.
   */
  samplesPerTree: number | 'auto';
  /** Most distinct values a feature keeps; more are cut at quantiles. Default 255. */
  maxBins: number;
  /**
   * ml-cart leaf rule: a node with at most this many rows becomes a leaf. Default 1, so a node
   * of two rows can still split, like scikit-learn's `min_samples_split=2` (ml-cart's own default is 3).
   */
  minNumSamples: number;
  /**
   * ml-cart leaf rule: a split must gain more Gini than this. Default 0, like scikit-learn's
   * `min_impurity_decrease=0`; ml-cart's own 0.01 stops trees early and costs about a point of
   * accuracy on penguins.
   */
  gainThreshold: number;
}

/** Largest bootstrap sample `samplesPerTree: 'auto'` draws for one tree. */
export const AUTO_SAMPLES_PER_TREE = 1000;

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  nEstimators: 100,
  maxDepth: null,
  seed: 42,
  maxFeatures: 0.5,
  samplesPerTree: 'auto',
  maxBins: DEFAULT_MAX_BINS,
  minNumSamples: 1,
  gainThreshold: 0,
};

/** The options as applied to a given training set (`samplesPerTree` resolved to a number). */
export interface ForestHyperparameters extends Omit<ForestOptions, 'samplesPerTree'> {
  samplesPerTree: number;
  learner: 'ml-random-forest';
}

export interface OutOfBagScore {
  /** Accuracy of each row's out-of-bag vote. */
  accuracy: number;
  /** Rows with at least one out-of-bag tree (the others are not scored). */
  rowsScored: number;
}

/** The model as JSON: `forest` is a plain ml-random-forest `RFClassifier` model over binned features. */
export interface SerializedForest {
  format: 'mlflow-mct/random-forest';
  version: 1;
  classes: string[];
  featureNames: string[];
  hyperparameters: ForestHyperparameters;
  bins: FeatureBins[];
  /** Mean decrease in impurity per feature (in `featureNames` order), summing to 1. */
  featureImportance: number[];
  outOfBag: OutOfBagScore | null;
  forest: { name: 'RFClassifier'; baseModel: Record<string, unknown> & { estimators: TreeJson[]; indexes: number[][] } };
}

export interface TrainForestHooks {
  /** Called after each tree with the number grown so far. */
  onTree?: (done: number, total: number) => void;
  /** Trees are grown here; by default a grower is created for this call and closed after it. */
  grower?: TreeGrower;
}

const FORMAT = 'mlflow-mct/random-forest';

export class ForestModel {
  private readonly forest: RandomForestClassifier;

  private constructor(
    private readonly json: SerializedForest,
    loaded?: RandomForestClassifier,
  ) {
    // `load` needs a JSON round-tripped object (a live or hand-built one fails, upstream issue #46).
    this.forest = loaded ?? RandomForestClassifier.load(JSON.parse(JSON.stringify(json.forest)) as Parameters<typeof RandomForestClassifier.load>[0]);
  }

  get classes(): string[] {
    return [...this.json.classes];
  }

  get featureNames(): string[] {
    return [...this.json.featureNames];
  }

  get hyperparameters(): ForestHyperparameters {
    return { ...this.json.hyperparameters };
  }

  /** Mean decrease in impurity, `featureNames` order, summing to 1. */
  get featureImportance(): number[] {
    return [...this.json.featureImportance];
  }

  get outOfBag(): OutOfBagScore | null {
    return this.json.outOfBag ? { ...this.json.outOfBag } : null;
  }

  /** Each tree's vote (a class index into `classes`) for each row. */
  treeVotes(X: readonly (readonly number[])[]): number[][] {
    this.checkRows(X);
    if (X.length === 0) return [];
    const votes = this.forest.predictionValues(binRows(X, this.json.bins)) as unknown as { getRow(i: number): number[] };
    return X.map((_, i) => votes.getRow(i));
  }

  /** For each row, the fraction of trees voting for each class (`classes` order); rows sum to 1. */
  predictProba(X: readonly (readonly number[])[]): number[][] {
    return this.treeVotes(X).map((votes) => {
      const counts = new Array<number>(this.json.classes.length).fill(0);
      for (const vote of votes) counts[vote]! += 1;
      return counts.map((count) => count / votes.length);
    });
  }

  /** The majority vote per row (ties go to the first class in `classes` order). */
  predict(X: readonly (readonly number[])[]): string[] {
    return this.predictProba(X).map((probabilities) => this.json.classes[argmax(probabilities)]!);
  }

  toJSON(): SerializedForest {
    return this.json;
  }

  /** The same model with its out-of-bag score recorded. */
  withOutOfBag(outOfBag: OutOfBagScore | null): ForestModel {
    return new ForestModel({ ...this.json, outOfBag }, this.forest);
  }

  /** Restores a model from `toJSON()` output (parsed or not); a damaged model is an InputError. */
  static fromJSON(value: unknown): ForestModel {
    const json = value as Partial<SerializedForest> | null;
    if (!json || json.format !== FORMAT || json.version !== 1) {
      throw new InputError(`not a ${FORMAT} model (version 1)`, { hint: 'pass the JSON written by ForestModel#toJSON' });
    }
    const features = json.featureNames?.length;
    const trees = json.forest?.baseModel?.estimators;
    const problem =
      !Array.isArray(json.classes) || json.classes.length < 2
        ? 'it lists fewer than two classes'
        : features === undefined || json.bins?.length !== features || json.featureImportance?.length !== features
          ? 'its feature names, bins and importances disagree in number'
          : !Array.isArray(trees) || trees.length === 0 || trees.length !== json.hyperparameters?.nEstimators
            ? 'its trees are missing or fewer than its hyperparameters say'
            : undefined;
    if (problem) throw new InputError(`the model JSON is damaged: ${problem}`, { hint: 'write it again with ForestModel#toJSON' });
    try {
      return new ForestModel(json as SerializedForest);
    } catch (error) {
      throw new InputError(`the model's trees cannot be loaded: ${(error as Error).message}`, { hint: 'write it again with ForestModel#toJSON', cause: error });
    }
  }

  /** Assembles a model from grown trees (used by `trainForest`). */
  static fromTrees(parts: Omit<SerializedForest, 'format' | 'version' | 'forest'>, trees: readonly GrownTree[]): ForestModel {
    const { hyperparameters } = parts;
    return new ForestModel({
      format: FORMAT,
      version: 1,
      ...parts,
      forest: {
        name: 'RFClassifier',
        baseModel: {
          indexes: trees.map((tree) => tree.features),
          n: trees[0]?.features.length ?? 0,
          replacement: false,
          maxFeatures: hyperparameters.maxFeatures,
          nEstimators: trees.length,
          treeOptions: treeOptions(hyperparameters),
          isClassifier: true,
          seed: hyperparameters.seed,
          estimators: trees.map((tree) => tree.tree),
          useSampleBagging: false,
        },
      },
    });
  }

  private checkRows(X: readonly (readonly number[])[]): void {
    const width = this.json.featureNames.length;
    X.forEach((row, i) => {
      if (row.length !== width) throw new InputError(`row ${i + 1} has ${row.length} features, the model needs ${width} (${this.json.featureNames.join(', ')})`);
      const bad = row.findIndex((value) => !Number.isFinite(value));
      if (bad !== -1) throw new InputError(`row ${i + 1}, feature "${this.json.featureNames[bad]}": ${row[bad]} is not a finite number`);
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
  const settings = resolveOptions({ ...DEFAULT_FOREST_OPTIONS, ...options }, X.length);
  if (X.length !== y.length) throw new RangeError(`X has ${X.length} rows but y has ${y.length} labels`);
  if (X.length === 0) throw new InputError('there are no rows to train on');
  const classes = [...new Set(y)].sort();
  const encode = new Map(classes.map((name, index) => [name, index]));
  const labels = y.map((name) => encode.get(name)!);

  const bins = fitBins(X, settings.maxBins);
  const data = { X: binRows(X, bins), y: labels };
  const params: TreeParams = { maxFeatures: settings.maxFeatures, samplesPerTree: settings.samplesPerTree, treeOptions: treeOptions(settings) };
  const tasks = treeSeeds(settings.seed, settings.nEstimators).map((seed, index) => ({ index, seed }));

  const grower = hooks.grower ?? createTreeGrower();
  let trees: GrownTree[];
  try {
    trees = await grower.grow(data, params, tasks, (done) => hooks.onTree?.(done, tasks.length));
  } finally {
    if (!hooks.grower) await grower.close();
  }

  const model = ForestModel.fromTrees(
    {
      classes,
      featureNames: [...featureNames],
      hyperparameters: { ...settings, learner: 'ml-random-forest' },
      bins,
      featureImportance: averageImportance(trees, featureNames.length),
      outOfBag: null,
    },
    trees,
  );
  const seeds = tasks.map((task) => task.seed);
  return model.withOutOfBag(outOfBagScore(model.treeVotes(X), labels, classes.length, seeds, settings.samplesPerTree));
}

/**
 * Out-of-bag accuracy: each training row is voted on by the trees whose bootstrap left it out.
 * The bootstrap rows are re-drawn from the tree seeds, so nothing extra travels from the workers.
 */
function outOfBagScore(votes: readonly number[][], labels: readonly number[], classCount: number, seeds: readonly number[], samplesPerTree: number): OutOfBagScore | null {
  const n = labels.length;
  const tally = Array.from({ length: n }, () => new Array<number>(classCount).fill(0));
  seeds.forEach((seed, tree) => {
    const inBag = new Uint8Array(n);
    for (const row of bootstrapRows(seed, n, samplesPerTree)) inBag[row] = 1;
    for (let row = 0; row < n; row++) if (!inBag[row]) tally[row]![votes[row]![tree]!]! += 1;
  });
  let scored = 0;
  let correct = 0;
  tally.forEach((counts, row) => {
    if (counts.every((count) => count === 0)) return;
    scored++;
    if (argmax(counts) === labels[row]) correct++;
  });
  return scored === 0 ? null : { accuracy: correct / scored, rowsScored: scored };
}

/** The tree seeds scikit-learn's forest draws from `random_state=seed`: `randint(2**31 - 1)` each. */
export function treeSeeds(seed: number, count: number): number[] {
  const rng = new RandomState(seed);
  return Array.from({ length: count }, () => rng.interval(MAX_INT32_SEED));
}

/** scikit-learn's forest importance: mean of the per-tree normalized importances, renormalized. */
function averageImportance(trees: readonly GrownTree[], featureCount: number): number[] {
  const total = new Array<number>(featureCount).fill(0);
  for (const tree of trees) tree.importance?.forEach((value, feature) => (total[feature]! += value));
  const sum = total.reduce((a, b) => a + b, 0);
  return sum > 0 ? total.map((value) => value / sum) : total;
}

/** The ml-cart `DecisionTreeClassifier` options of every tree. */
function treeOptions({ maxDepth, minNumSamples, gainThreshold }: Pick<ForestOptions, 'maxDepth' | 'minNumSamples' | 'gainThreshold'>): Record<string, number> {
  return maxDepth === null ? { minNumSamples, gainThreshold } : { minNumSamples, gainThreshold, maxDepth };
}

function resolveOptions(options: ForestOptions, rows: number): Omit<ForestHyperparameters, 'learner'> {
  const { nEstimators, maxDepth, seed, maxFeatures, samplesPerTree, maxBins, minNumSamples, gainThreshold } = options;
  if (!Number.isInteger(nEstimators) || nEstimators < 1) throw new UsageError(`--n-estimators must be a positive integer, got ${nEstimators}`);
  if (maxDepth !== null && (!Number.isInteger(maxDepth) || maxDepth < 1)) throw new UsageError(`--max-depth must be a positive integer, got ${maxDepth}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer between 0 and 4294967295, got ${seed}`);
  if (!(maxFeatures > 0 && maxFeatures <= 1)) throw new UsageError(`max features must be a fraction in (0, 1], got ${maxFeatures}`);
  if (!Number.isInteger(maxBins) || maxBins < 2) throw new UsageError(`max bins must be an integer of at least 2, got ${maxBins}`);
  const resolvedSamples = samplesPerTree === 'auto' ? Math.min(rows, AUTO_SAMPLES_PER_TREE) : samplesPerTree;
  if (!Number.isInteger(resolvedSamples) || resolvedSamples < 1) throw new UsageError(`samples per tree must be a positive integer, got ${samplesPerTree}`);
  if (!Number.isInteger(minNumSamples) || minNumSamples < 1) throw new UsageError(`min samples per leaf rule must be a positive integer, got ${minNumSamples}`);
  if (!(gainThreshold >= 0)) throw new UsageError(`gain threshold must be at least 0, got ${gainThreshold}`);
  return { nEstimators, maxDepth, seed, maxFeatures, samplesPerTree: resolvedSamples, maxBins, minNumSamples, gainThreshold };
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
