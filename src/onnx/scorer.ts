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

interface CompiledTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Per node `classCount` weights (zero except at leaves). */
  weights: Float64Array;
}

export class ForestScorer {
  readonly classes: readonly string[];
  private readonly trees: CompiledTree[];
  /** Per forest feature: the input column it reads, and for a dummy the category that sets it. */
  private readonly sources: Array<{ column: number; category: string | undefined }>;

  constructor(
    forest: TreeEnsembleSource,
    readonly columns: readonly RawColumn[],
  ) {
    this.classes = forest.classes;
    const classCount = forest.classes.length;
    const treeCount = forest.trees.length;
    this.trees = forest.trees.map((tree) => {
      const weights = new Float64Array(tree.value.length);
      for (let node = 0; node < tree.feature.length; node++) {
        if (tree.feature[node] !== LEAF) continue;
        let total = 0;
        for (let k = 0; k < classCount; k++) total += tree.value[node * classCount + k]!;
        if (total > 0) for (let k = 0; k < classCount; k++) weights[node * classCount + k] = tree.value[node * classCount + k]! / total / treeCount;
      }
      return {
        feature: tree.feature,
        threshold: tree.threshold,
        left: tree.left,
        right: tree.right,
        weights,
      };
    });
    this.sources = forest.featureNames.map((feature) => {
      const column = columns.findIndex(
        (candidate) =>
          (candidate.kind === 'number' && candidate.name === feature) ||
          (candidate.kind === 'category' && candidate.categories.some((category) => `${candidate.name}_${category}` === feature)),
      );
      if (column === -1) throw new Error(`feature "${feature}" comes from none of the columns ${columns.map((c) => c.name).join(', ')}`);
      const source = columns[column]!;
      return { column, category: source.kind === 'category' ? feature.slice(source.name.length + 1) : undefined };
    });
  }

  /** Rows hold one value per column, in `columns` order. */
  score(rows: readonly RawRow[]): Scores {
    const classCount = this.classes.length;
    const probabilities = new Float32Array(rows.length * classCount);
    const labels: string[] = new Array<string>(rows.length);
    const features = new Float64Array(this.sources.length);
    const sums = new Float64Array(classCount);
    rows.forEach((row, r) => {
      this.encode(row, features);
      sums.fill(0);
      for (const tree of this.trees) {
        let node = 0;
        while (tree.feature[node] !== LEAF) node = features[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
        const at = node * classCount;
        for (let k = 0; k < classCount; k++) sums[k] = sums[k]! + tree.weights[at + k]!;
      }
      const offset = r * classCount;
      probabilities.set(sums, offset);
      let best = 0;
      for (let k = 1; k < classCount; k++) if (probabilities[offset + k]! > probabilities[offset + best]!) best = k;
      labels[r] = this.classes[best]!;
    });
    return { labels, probabilities };
  }

  private encode(row: RawRow, features: Float64Array): void {
    this.columns.forEach((column, index) => {
      if (column.kind === 'category' && !column.categories.includes(String(row[index]))) {
        throw new UnknownCategoryError(column.name, String(row[index]));
      }
    });
    this.sources.forEach((source, index) => {
      const value = row[source.column]!;
      features[index] = source.category === undefined ? (value as number) : value === source.category ? 1 : 0;
    });
  }
}
