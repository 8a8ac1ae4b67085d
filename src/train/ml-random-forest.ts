/**
 * The forest in ml-random-forest's JSON (`RandomForestClassifier#toJSON`), the format JS users load
 * with `RandomForestClassifier.load`, and back.
 *
 * ml-cart sends a row left when `x < splitValue`; our trees send it left when `x <= threshold`. The
 * next double above the threshold makes the two rules agree on every value, so a loaded forest's
 * trees predict exactly what ours do. A leaf keeps its class probabilities as its `distribution`.
 */
import { InputError } from '../errors.js';
import { LEAF, type FlatTree } from './flat-tree.js';

export type MlCartNode = { distribution: number[][] } | { splitColumn: number; splitValue: number; left: MlCartNode; right: MlCartNode };

export interface MlCartTree {
  name: 'DTClassifier';
  options: Record<string, unknown>;
  root: MlCartNode;
}

export interface RandomForestJson {
  name: 'RFClassifier';
  baseModel: {
    indexes: number[][];
    n: number;
    replacement: boolean;
    maxFeatures: number;
    nEstimators: number;
    treeOptions: Record<string, unknown>;
    isClassifier: true;
    seed: number;
    estimators: MlCartTree[];
    useSampleBagging: boolean;
  };
}

export function toRandomForestJson(trees: readonly FlatTree[], featureCount: number, classCount: number, seed: number, maxDepth: number | null): RandomForestJson {
  const treeOptions = { gainFunction: 'gini', splitFunction: 'mean', minNumSamples: 1, gainThreshold: 0, ...(maxDepth === null ? {} : { maxDepth }) };
  const allFeatures = Array.from({ length: featureCount }, (_, f) => f);
  return {
    name: 'RFClassifier',
    baseModel: {
      indexes: trees.map(() => allFeatures),
      n: featureCount,
      replacement: false,
      maxFeatures: 1,
      nEstimators: trees.length,
      treeOptions,
      isClassifier: true,
      seed,
      estimators: trees.map((tree) => ({ name: 'DTClassifier', options: { ...treeOptions, kind: 'classifier' }, root: toNode(tree, 0, classCount) })),
      useSampleBagging: true,
    },
  };
}

function toNode(tree: FlatTree, node: number, classCount: number): MlCartNode {
  if (tree.feature[node] === LEAF) {
    const weights = Array.from(tree.value.subarray(node * classCount, (node + 1) * classCount));
    const total = weights.reduce((a, b) => a + b, 0);
    return { distribution: [weights.map((w) => (total > 0 ? w / total : 0))] };
  }
  return {
    splitColumn: tree.feature[node]!,
    splitValue: nextUp(tree.threshold[node]!),
    left: toNode(tree, tree.left[node]!, classCount),
    right: toNode(tree, tree.right[node]!, classCount),
  };
}

/** The trees of an ml-random-forest classifier as flat trees over the full feature vector. */
export function fromRandomForestJson(json: RandomForestJson): { trees: FlatTree[]; featureCount: number; classCount: number } {
  const base = json.baseModel;
  if (!Array.isArray(base.estimators) || !Array.isArray(base.indexes) || base.estimators.length !== base.indexes.length) {
    throw new InputError('the ml-random-forest JSON is damaged: its estimators and feature indexes disagree in number', {
      hint: 'pass the JSON written by RandomForestClassifier#toJSON',
    });
  }
  let classCount = 0;
  let featureCount = 0;
  const visitLeaves = (node: MlCartNode | undefined): void => {
    if (typeof node !== 'object' || node === null) throw damagedNode();
    if ('distribution' in node) classCount = Math.max(classCount, node.distribution[0]?.length ?? 0);
    else {
      visitLeaves(node.left);
      visitLeaves(node.right);
    }
  };
  base.estimators.forEach((estimator) => visitLeaves(estimator?.root));
  for (const indexes of base.indexes) for (const f of indexes) featureCount = Math.max(featureCount, f + 1);
  const trees = base.estimators.map((estimator, i) => flatten(estimator.root, base.indexes[i]!, classCount));
  return { trees, featureCount, classCount };
}

function flatten(root: MlCartNode, columns: readonly number[], classCount: number): FlatTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  // Iterative, so a deep tree cannot overflow the stack; ids are given in visiting order.
  const pending: { node: MlCartNode; parent: number; isLeft: boolean }[] = [{ node: root, parent: -1, isLeft: false }];
  while (pending.length > 0) {
    const { node, parent, isLeft } = pending.pop()!;
    const id = feature.length;
    if (parent >= 0) (isLeft ? left : right)[parent] = id;
    left.push(LEAF);
    right.push(LEAF);
    if ('distribution' in node) {
      const row = node.distribution[0] ?? [];
      feature.push(LEAF);
      threshold.push(0);
      for (let k = 0; k < classCount; k++) value.push(row[k] ?? 0);
      continue;
    }
    const column = columns[node.splitColumn];
    if (column === undefined || typeof node.splitValue !== 'number') throw damagedNode();
    feature.push(column);
    threshold.push(nextDown(node.splitValue));
    for (let k = 0; k < classCount; k++) value.push(0);
    pending.push({ node: node.right, parent: id, isLeft: false }, { node: node.left, parent: id, isLeft: true });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

function damagedNode(): InputError {
  return new InputError('the ml-random-forest JSON is damaged: a split node lacks its column, value or children', {
    hint: 'pass the JSON written by RandomForestClassifier#toJSON',
  });
}

const view = new DataView(new ArrayBuffer(8));

/** The smallest double above `x`. */
function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The largest double below `x`. */
function nextDown(x: number): number {
  return -nextUp(-x);
}
