/**
 * A decision tree as flat arrays, one entry per node: the layout of scikit-learn's `tree_` and of
 * ONNX's tree-ensemble operators, so predicting is a loop and exporting is a copy.
 *
 * Node 0 is the root. A split node sends a row left when `x[feature] <= threshold` (ONNX's
 * `BRANCH_LEQ`, scikit-learn's rule); a leaf has `feature === LEAF` and no children.
 */
export interface FlatTree {
  /** Split feature per node (an index into the model's feature names); `LEAF` at a leaf. */
  feature: Int32Array;
  /** A row goes left when its value is `<=` this. */
  threshold: Float64Array;
  /** Child node ids; `LEAF` at a leaf. */
  left: Int32Array;
  right: Int32Array;
  /**
   * Class weights reaching each node, `nodeCount x classCount` row-major: bootstrap counts for a
   * tree grown here, class fractions for one read from ml-random-forest JSON. A leaf's class
   * probabilities are its row divided by the row's sum.
   */
  value: Float64Array;
}

export const LEAF = -1;

/** The leaf a row of raw feature values lands in. */
export function leafOf(tree: FlatTree, row: ArrayLike<number>): number {
  let node = 0;
  for (;;) {
    const feature = tree.feature[node]!;
    if (feature === LEAF) return node;
    node = row[feature]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
}

/** Each node's class probabilities (its `value` row normalized), for fast soft voting. */
export function nodeProbabilities(tree: FlatTree, classCount: number): Float64Array {
  const probabilities = new Float64Array(tree.value.length);
  for (let node = 0, offset = 0; node < tree.feature.length; node++, offset += classCount) {
    let total = 0;
    for (let k = 0; k < classCount; k++) total += tree.value[offset + k]!;
    if (total > 0) for (let k = 0; k < classCount; k++) probabilities[offset + k] = tree.value[offset + k]! / total;
  }
  return probabilities;
}

/** The first class with the highest weight in a node's row (scikit-learn's and ml-cart's tie rule). */
export function argmaxAt(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (values[offset + k]! > values[offset + best]!) best = k;
  return best;
}

