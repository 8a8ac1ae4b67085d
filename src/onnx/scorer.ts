/**
 * Scores raw rows as the graph `forestToOnnx` writes does in onnxruntime: double inputs and
 * thresholds, leaf weights `probability / trees` summed in double, results as float32 (the
 * operator's output type), so Node answers with the numbers Python's onnx flavor returns (up to
 * the order onnxruntime's threads add the trees in, far below float32 precision).
 */
import { LEAF } from '../train/flat-tree.js';
import type { RawColumn } from './forest-graph.js';
import type { TreeEnsembleSource } from './tree-ensemble.js';

/** A row's raw values by column: a number or a category. */
export type RawRow = ReadonlyArray<number | string>;

export interface Scores {
  labels: string[];
  /** Row-major `rows x classes`, float32 values. */
  probabilities: Float32Array;
}

/** A category the graph's one-hot encoder does not know (onnxruntime fails the whole request). */
export class UnknownCategoryError extends Error {
  constructor(
    readonly column: string,
    readonly value: string,
  ) {
    super(`unknown category "${value}" in column "${column}"`);
  }
}

/**
 * Every tree's nodes in one set of arrays, so that scoring is a loop over typed arrays: a batch of
 * rows goes through one tree at a time while that tree sits in the cache, and each row still adds
 * the trees in forest order (the sums are those of a row-by-row loop, bit for bit). Nodes are
 * renumbered breadth first, so a split's two children are neighbours and a path down the tree
 * touches nearby memory.
 */
interface CompiledForest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** The left child (the right one follows it). */
  firstChild: Int32Array;
  /** Per node `classCount` weights (zero except at leaves). */
  weights: Float64Array;
}

function compile(forest: TreeEnsembleSource): CompiledForest {
  const classCount = forest.classes.length;
  const treeCount = forest.trees.length;
  const total = forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const compiled: CompiledForest = {
    roots: new Int32Array(treeCount),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    firstChild: new Int32Array(total),
    weights: new Float64Array(total * classCount),
  };
  let next = 0;
  forest.trees.forEach((tree, t) => {
    compiled.roots[t] = next;
    // Breadth first: each split's children get the next two ids.
    const queue: Array<[node: number, id: number]> = [[0, next++]];
    for (let head = 0; head < queue.length; head++) {
      const [node, id] = queue[head]!;
      compiled.feature[id] = tree.feature[node]!;
      compiled.threshold[id] = tree.threshold[node]!;
      if (tree.feature[node] !== LEAF) {
        compiled.firstChild[id] = next;
        queue.push([tree.left[node]!, next++], [tree.right[node]!, next++]);
        continue;
      }
      let sum = 0;
      for (let k = 0; k < classCount; k++) sum += tree.value[node * classCount + k]!;
      if (sum > 0) for (let k = 0; k < classCount; k++) compiled.weights[id * classCount + k] = tree.value[node * classCount + k]! / sum / treeCount;
    }
  });
  return compiled;
}

/** How one input column fills the feature vector: a number read as is, or a category setting its dummy. */
type ColumnEncoder = { kind: 'number'; features: number[] } | { kind: 'category'; name: string; dummies: Map<string, number[]> };

export class ForestScorer {
  readonly classes: readonly string[];
  private readonly forest: CompiledForest;
  private readonly featureCount: number;
  private readonly encoders: ColumnEncoder[];

  constructor(
    forest: TreeEnsembleSource,
    readonly columns: readonly RawColumn[],
  ) {
    this.classes = forest.classes;
    this.forest = compile(forest);
    this.featureCount = forest.featureNames.length;
    this.encoders = columns.map((column) =>
      column.kind === 'number' ? { kind: 'number', features: [] } : { kind: 'category', name: column.name, dummies: new Map(column.categories.map((category) => [category, []])) },
    );
    forest.featureNames.forEach((feature, index) => {
      const column = columns.findIndex(
        (candidate) =>
          (candidate.kind === 'number' && candidate.name === feature) ||
          (candidate.kind === 'category' && candidate.categories.some((category) => `${candidate.name}_${category}` === feature)),
      );
      if (column === -1) throw new Error(`feature "${feature}" comes from none of the columns ${columns.map((c) => c.name).join(', ')}`);
      const encoder = this.encoders[column]!;
      if (encoder.kind === 'number') encoder.features.push(index);
      else encoder.dummies.get(feature.slice(encoder.name.length + 1))!.push(index);
    });
  }

  /** Rows hold one value per column, in `columns` order. */
  score(rows: readonly RawRow[]): Scores {
    const classCount = this.classes.length;
    const width = this.featureCount;
    const rowCount = rows.length;
    const features = new Float64Array(rowCount * width);
    for (let r = 0; r < rowCount; r++) this.encode(rows[r]!, features, r * width);
    const sums = new Float64Array(rowCount * classCount);
    const { roots, feature, threshold, firstChild, weights } = this.forest;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      for (let r = 0, x = 0, out = 0; r < rowCount; r++, x += width, out += classCount) {
        let node = root;
        let split = feature[node]!;
        while (split !== LEAF) {
          node = features[x + split]! <= threshold[node]! ? firstChild[node]! : firstChild[node]! + 1;
          split = feature[node]!;
        }
        const at = node * classCount;
        for (let k = 0; k < classCount; k++) sums[out + k] = sums[out + k]! + weights[at + k]!;
      }
    }
    const probabilities = Float32Array.from(sums);
    const labels = new Array<string>(rowCount);
    for (let r = 0, offset = 0; r < rowCount; r++, offset += classCount) {
      let best = 0;
      for (let k = 1; k < classCount; k++) if (probabilities[offset + k]! > probabilities[offset + best]!) best = k;
      labels[r] = this.classes[best]!;
    }
    return { labels, probabilities };
  }

  private encode(row: RawRow, features: Float64Array, offset: number): void {
    for (let c = 0; c < this.encoders.length; c++) {
      const encoder = this.encoders[c]!;
      const value = row[c]!;
      if (encoder.kind === 'number') {
        for (const index of encoder.features) features[offset + index] = value as number;
        continue;
      }
      const dummies = encoder.dummies.get(value as string);
      if (dummies === undefined) throw new UnknownCategoryError(encoder.name, String(value));
      for (const index of dummies) features[offset + index] = 1;
    }
  }
}
