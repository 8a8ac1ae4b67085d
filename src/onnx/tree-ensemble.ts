/**
 * A random forest as the attributes of ONNX's `ai.onnx.ml.TreeEnsembleClassifier`, laid out the
 * way onnxruntime needs them: each tree's nodes contiguous with its root first (any other order
 * gives silently wrong scores), a weight for every class at every leaf (a single class id would
 * switch the operator to its binary special case), and leaf weights `probability / trees`, so that
 * the summed scores are the forest's soft vote. Thresholds and weights stay doubles (the
 * `*_as_tensor` attributes): float32 thresholds would send a row whose value sits on a split (a
 * midpoint that is also a data value) the other way than the forest does.
 */
import { LEAF, type FlatTree } from '../train/flat-tree.js';

/** What the exporter needs of a forest (a `ForestModel` has it). */
export interface TreeEnsembleSource {
  readonly classes: readonly string[];
  readonly featureNames: readonly string[];
  readonly trees: readonly FlatTree[];
}

export interface TreeEnsembleAttributes {
  nodes_treeids: number[];
  nodes_nodeids: number[];
  nodes_featureids: number[];
  nodes_values: number[];
  nodes_modes: string[];
  nodes_truenodeids: number[];
  nodes_falsenodeids: number[];
  class_treeids: number[];
  class_nodeids: number[];
  class_ids: number[];
  class_weights: number[];
  classlabels_strings: string[];
}

/** Each leaf's class weights: its value row normalized, divided by the number of trees. */
function leafWeights(tree: FlatTree, node: number, classCount: number, treeCount: number): number[] {
  const offset = node * classCount;
  let total = 0;
  for (let k = 0; k < classCount; k++) total += tree.value[offset + k]!;
  return Array.from({ length: classCount }, (_, k) => (total > 0 ? tree.value[offset + k]! / total / treeCount : 0));
}

export function treeEnsembleAttributes(forest: TreeEnsembleSource): TreeEnsembleAttributes {
  const classCount = forest.classes.length;
  const treeCount = forest.trees.length;
  const a: TreeEnsembleAttributes = {
    nodes_treeids: [],
    nodes_nodeids: [],
    nodes_featureids: [],
    nodes_values: [],
    nodes_modes: [],
    nodes_truenodeids: [],
    nodes_falsenodeids: [],
    class_treeids: [],
    class_nodeids: [],
    class_ids: [],
    class_weights: [],
    classlabels_strings: [...forest.classes],
  };
  forest.trees.forEach((tree, treeId) => {
    for (let node = 0; node < tree.feature.length; node++) {
      a.nodes_treeids.push(treeId);
      a.nodes_nodeids.push(node);
      const feature = tree.feature[node]!;
      if (feature === LEAF) {
        a.nodes_featureids.push(0);
        a.nodes_values.push(0);
        a.nodes_modes.push('LEAF');
        a.nodes_truenodeids.push(0);
        a.nodes_falsenodeids.push(0);
        leafWeights(tree, node, classCount, treeCount).forEach((weight, classId) => {
          a.class_treeids.push(treeId);
          a.class_nodeids.push(node);
          a.class_ids.push(classId);
          a.class_weights.push(weight);
        });
      } else {
        a.nodes_featureids.push(feature);
        a.nodes_values.push(tree.threshold[node]!);
        a.nodes_modes.push('BRANCH_LEQ');
        a.nodes_truenodeids.push(tree.left[node]!);
        a.nodes_falsenodeids.push(tree.right[node]!);
      }
    }
  });
  return a;
}
