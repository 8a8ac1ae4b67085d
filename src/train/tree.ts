/**
 * Grows one tree of the forest with ml-random-forest, the same way on the main thread and in a
 * worker, so a tree depends only on its seed and the forest is the same however it is spread.
 *
 * Each tree is a one-estimator `RandomForestClassifier` trained on rows we draw ourselves:
 * - the bootstrap rows are scikit-learn's for the same tree seed (`randint(0, n, size)` from a
 *   `RandomState(tree_seed)`), not the library's `maxSamples`, which takes the first rows;
 * - out-of-bag scoring is done by us (the library's crashes when a row is never out of bag);
 * - feature importance (mean decrease in impurity) is read off the freshly grown tree, because
 *   the serialized tree keeps no sample counts to compute it from later.
 */
import { RandomForestClassifier } from 'ml-random-forest';
import { RandomState } from './random.js';

export interface TreeParams {
  /** Fraction of the features each tree may split on (drawn once per tree, as ml-random-forest does). */
  maxFeatures: number;
  /** ml-cart `DecisionTreeClassifier` options (depth limit, leaf rules). */
  treeOptions: Record<string, number>;
  /** Bootstrap rows drawn (with replacement) for each tree. */
  samplesPerTree: number;
}

export interface TreeTask {
  index: number;
  /** Seed of the tree: its bootstrap rows and its feature draw. */
  seed: number;
}

/** Training data in the form the trees consume: binned features and class indices 0..K-1. */
export interface TreeData {
  X: number[][];
  y: number[];
}

/** One serialized ml-cart `DecisionTreeClassifier` (what `DecisionTreeClassifier#toJSON` gives, trimmed). */
export interface TreeJson {
  name: 'DTClassifier';
  options: Record<string, unknown>;
  root: TreeNodeJson;
}

export type TreeNodeJson =
  | { distribution: number[][] }
  | { splitColumn: number; splitValue: number; left: TreeNodeJson; right: TreeNodeJson };

export interface GrownTree {
  index: number;
  /** Columns of the full feature matrix this tree sees, in the order its `splitColumn`s refer to. */
  features: number[];
  tree: TreeJson;
  /** This tree's impurity decrease per feature, normalized to sum 1; `null` for a tree without a split. */
  importance: number[] | null;
}

/** The rows scikit-learn's forest draws for a tree with this seed. */
export function bootstrapRows(seed: number, n: number, size: number): number[] {
  const rng = new RandomState(seed);
  return Array.from({ length: size }, () => rng.randint(0, n));
}

export function growTree(data: TreeData, task: TreeTask, params: TreeParams): GrownTree {
  const rows = bootstrapRows(task.seed, data.y.length, params.samplesPerTree);
  const forest = new RandomForestClassifier({
    nEstimators: 1,
    seed: task.seed,
    maxFeatures: params.maxFeatures,
    replacement: false,
    useSampleBagging: false,
    noOOB: true,
    treeOptions: params.treeOptions,
  });
  withUniqueSplitCandidates(() =>
    forest.train(
      rows.map((row) => data.X[row]!),
      rows.map((row) => data.y[row]!),
    ),
  );
  const trained = forest as unknown as TrainedForest;
  const estimator = trained.estimators[0]!;
  const features = trained.indexes[0]!;
  const importance = impurityDecrease(estimator.root, features, data.X[0]!.length);
  const json = JSON.parse(JSON.stringify(estimator.toJSON())) as { options: Record<string, unknown>; root: RawNode };
  return { index: task.index, features, tree: { name: 'DTClassifier', options: json.options, root: trimNode(json.root) }, importance };
}

interface RawNode {
  distribution?: number[][];
  splitColumn?: number;
  splitValue?: number;
  gain?: number;
  numberSamples?: number;
  left?: RawNode;
  right?: RawNode;
}

interface TrainedForest {
  estimators: { root: RawNode; toJSON(): unknown }[];
  indexes: number[][];
}

/**
 * Mean decrease in impurity, scikit-learn's `feature_importances_` for one tree: each split adds
 * (rows at the node) x (Gini gain) to its feature. ml-random-forest's own `featureImportance()`
 * also subtracts the children's gains, which can go negative and is lost on reload.
 */
function impurityDecrease(root: RawNode, features: readonly number[], featureCount: number): number[] | null {
  const importance = new Array<number>(featureCount).fill(0);
  const visit = (node: RawNode | undefined): void => {
    if (!node?.left || !node.right) return;
    importance[features[node.splitColumn!]!]! += node.gain! * node.numberSamples!;
    visit(node.left);
    visit(node.right);
  };
  visit(root);
  const total = importance.reduce((sum, value) => sum + value, 0);
  return total > 0 ? importance.map((value) => value / total) : null;
}

/** Keeps what `DecisionTreeClassifier.load` reads: a split's column, value and children, or a leaf's distribution. */
function trimNode(node: RawNode): TreeNodeJson {
  if (node.distribution !== undefined) return { distribution: node.distribution };
  return { splitColumn: node.splitColumn!, splitValue: node.splitValue!, left: trimNode(node.left!), right: trimNode(node.right!) };
}

type SplitSearch = (this: unknown, x: number[], y: number[]) => number[];

let splitSearchOwner: { featureSplit: SplitSearch } | null | undefined;

/** ml-cart's tree node prototype, reached through a tree the library grows itself. */
function treeNodePrototype(): { featureSplit: SplitSearch } | null {
  if (splitSearchOwner === undefined) {
    const probe = new RandomForestClassifier({ nEstimators: 1, seed: 1, useSampleBagging: false, noOOB: true });
    probe.train([[0], [1], [2], [3], [4], [5]], [0, 1, 0, 1, 0, 1]);
    const root = (probe as unknown as TrainedForest).estimators[0]?.root;
    const prototype = root === undefined ? null : (Object.getPrototypeOf(root) as { featureSplit?: unknown });
    splitSearchOwner = typeof prototype?.featureSplit === 'function' ? (prototype as { featureSplit: SplitSearch }) : null;
  }
  return splitSearchOwner;
}

/**
 * Runs `train` with ml-cart's threshold candidates de-duplicated.
 *
 * ml-cart proposes a threshold wherever the label changes between neighbours in sorted order, so
 * a feature with few distinct values (a binned or 0/1 column) yields the same threshold hundreds
 * of times, and each copy costs a full pass over the node's rows: the O(n²) per node. A repeated
 * threshold splits the rows identically and its gain cannot beat the first copy's (ml-cart keeps
 * the first of equal gains), so dropping repeats leaves every tree exactly as it was.
 */
export function withUniqueSplitCandidates<T>(train: () => T): T {
  const owner = treeNodePrototype();
  if (owner === null) return train();
  const original = owner.featureSplit;
  owner.featureSplit = function uniqueFeatureSplit(this: unknown, x: number[], y: number[]): number[] {
    return [...new Set(original.call(this, x, y))];
  };
  try {
    return train();
  } finally {
    owner.featureSplit = original;
  }
}
