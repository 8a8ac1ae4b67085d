import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { forestToOnnx } from '../../src/onnx/forest-graph.js';
import { ForestScorer, UnknownCategoryError } from '../../src/onnx/scorer.js';
import { dataDir } from '../../src/paths.js';
import { PENGUIN_COLUMNS, penguinRecords } from '../../src/workflows/penguin-model.js';
import { penguins, randomForest } from './random-forest.js';

const ModelProto = new protobuf.Root().loadSync(join(dataDir, 'onnx', 'onnx-ml.proto'), { keepCase: true }).lookupType('onnx.ModelProto');
const decode = (bytes: Uint8Array): any => ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: String, defaults: false });
const utf8 = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');

const forest = randomForest(7, 5, 4);
const model = decode(forestToOnnx(forest, { columns: PENGUIN_COLUMNS, graphName: 'penguins', producerVersion: '1.2.3' }));
const classifier = model.graph.node.find((node: any) => node.op_type === 'TreeEnsembleClassifier');
const attribute = (name: string): any => classifier.attribute.find((a: any) => a.name === name);

describe('forestToOnnx', () => {
  it('takes the raw CSV columns, strings and doubles as [N,1], and returns label and probabilities', () => {
    expect(model.ir_version).toBe(8);
    expect(model.opset_import).toEqual([{ domain: '', version: 15 }, { domain: 'ai.onnx.ml', version: 3 }]);
    expect(model.graph.name).toBe('penguins');
    const inputs = model.graph.input.map((input: any) => [input.name, input.type.tensor_type.elem_type, input.type.tensor_type.shape.dim]);
    expect(inputs).toEqual([
      ['island', 8, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['bill_length_mm', 11, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['bill_depth_mm', 11, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['flipper_length_mm', 11, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['body_mass_g', 11, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['sex', 8, [{ dim_param: 'N' }, { dim_value: 1 }]],
      ['year', 11, [{ dim_param: 'N' }, { dim_value: 1 }]],
    ]);
    expect(model.graph.output.map((output: any) => [output.name, output.type.tensor_type.shape.dim.length])).toEqual([
      ['label', 1],
      ['probabilities', 2],
    ]);
  });

  it('one-hot encodes the categories inside the graph and picks the forest features in its order', () => {
    const encoders = model.graph.node.filter((node: any) => node.op_type === 'OneHotEncoder');
    expect(encoders.map((node: any) => [node.input[0], node.attribute[0].strings.map(utf8)])).toEqual([
      ['island', ['Biscoe', 'Dream', 'Torgersen']],
      ['sex', ['female', 'male']],
    ]);
    // Candidates: 5 numeric columns, then Biscoe, Dream, Torgersen, female, male.
    expect(model.graph.initializer.find((tensor: any) => tensor.name === 'feature_positions').int64_data).toEqual([0, 1, 2, 3, 4, 6, 7, 9]);
  });

  it('lists each tree root first with double thresholds and a weight per class at every leaf', () => {
    const treeIds: number[] = attribute('nodes_treeids').ints;
    const nodeIds: number[] = attribute('nodes_nodeids').ints;
    forest.trees.forEach((tree, t) => {
      const first = treeIds.indexOf(t);
      expect(nodeIds[first]).toBe(0);
      expect(treeIds.lastIndexOf(t) - first + 1).toBe(tree.feature.length);
    });
    const thresholds = forest.trees.flatMap((tree) => [...tree.threshold].map((value, node) => (tree.feature[node] === -1 ? 0 : value)));
    expect(attribute('nodes_values_as_tensor').t.double_data).toEqual(thresholds);
    const weights: number[] = attribute('class_weights_as_tensor').t.double_data;
    // Every leaf's weights sum to 1 / trees: the summed scores are the mean of the trees' probabilities.
    for (let leaf = 0; leaf < weights.length; leaf += 3) expect(weights[leaf]! + weights[leaf + 1]! + weights[leaf + 2]!).toBeCloseTo(1 / forest.trees.length, 12);
    const leaves = forest.trees.reduce((count, tree) => count + tree.feature.filter((f) => f === -1).length, 0);
    expect(attribute('class_ids').ints).toHaveLength(leaves * 3);
    expect(new Set(attribute('class_ids').ints)).toEqual(new Set([0, 1, 2]));
    expect(attribute('classlabels_strings').strings.map(utf8)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('rejects a forest whose features the columns cannot produce', () => {
    expect(() => forestToOnnx({ ...forest, featureNames: ['wing_span'] }, { columns: PENGUIN_COLUMNS, graphName: 'g', producerVersion: '0' })).toThrow(
      /wing_span/,
    );
  });
});

describe('ForestScorer', () => {
  const records = penguinRecords(penguins.X, penguins.featureNames);
  const rows = records.map((record) => PENGUIN_COLUMNS.map((column) => record[column.name]!));

  it('reads the CSV records back from the encoded rows', () => {
    expect(records[0]).toEqual({ island: 'Torgersen', bill_length_mm: 39.1, bill_depth_mm: 18.7, flipper_length_mm: 181, body_mass_g: 3750, sex: 'male', year: 2007 });
  });

  it('agrees with the soft vote to float32 precision', () => {
    const big = randomForest(11);
    const { labels, probabilities } = new ForestScorer(big, PENGUIN_COLUMNS).score(rows);
    penguins.X.forEach((x, r) => {
      const soft = [0, 0, 0];
      for (const tree of big.trees) {
        let node = 0;
        while (tree.feature[node] !== -1) node = x[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
        const row = [0, 1, 2].map((k) => tree.value[node * 3 + k]!);
        const total = row[0]! + row[1]! + row[2]!;
        row.forEach((v, k) => (soft[k]! += v / total / big.trees.length));
      }
      soft.forEach((p, k) => expect(Math.abs(probabilities[r * 3 + k]! - p)).toBeLessThan(1e-6));
      expect(big.classes.indexOf(labels[r]!)).toBe(probabilities.subarray(r * 3, r * 3 + 3).indexOf(Math.max(...probabilities.subarray(r * 3, r * 3 + 3))));
    });
  });

  it('fails on a category the encoder does not know, naming the column', () => {
    const bad = [...rows[0]!];
    bad[0] = 'Atlantis';
    expect(() => new ForestScorer(forest, PENGUIN_COLUMNS).score([bad])).toThrow(UnknownCategoryError);
    expect(() => new ForestScorer(forest, PENGUIN_COLUMNS).score([bad])).toThrow(/"Atlantis" in column "island"/);
  });
});
