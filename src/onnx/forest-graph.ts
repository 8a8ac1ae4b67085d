/**
 * A forest as an ONNX model over the raw table columns, so a client sends the rows as they are in
 * the CSV and never re-implements the one-hot encoding:
 *
 *   numeric columns ─ Concat ──────────────────────────────────────┐
 *   each categorical column ─ OneHotEncoder ─ Reshape [N,K] ─ Cast ┴ Concat ─ Gather(feature order) ─ TreeEnsembleClassifier ─ label, probabilities
 *
 * Every input is `[N,1]` (double or string) and the outputs are `label` `[N]` and `probabilities`
 * `[N,C]`: the design that MLflow's onnx flavor loads and serves with a TensorSpec signature on
 * both pandas 2 and 3 (a column signature needs rank-1 inputs and breaks on pandas 3 strings).
 * Numbers stay doubles from input to threshold, so every row reaches the leaves it reaches in
 * the forest. An unknown category is an error in onnxruntime (`zeros=0`), as it is when training.
 */
import { AttributeType, DataType, encodeModel } from './proto.js';
import { treeEnsembleAttributes, type TreeEnsembleSource } from './tree-ensemble.js';

/** A raw input column: a number, or one of a fixed set of categories (dummies `<name>_<category>`). */
export type RawColumn = { name: string; kind: 'number' } | { name: string; kind: 'category'; categories: readonly string[] };

export interface ForestGraphOptions {
  /** The input columns, in table order; every feature of the forest must come from one of them. */
  columns: readonly RawColumn[];
  /** `graph.name`; onnx.checker (and so `mlflow.onnx.load_model`) rejects an empty one. */
  graphName: string;
  producerVersion: string;
}

export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';

/** IR 8 with opset 15 / ai.onnx.ml 3 (the first with double tree attributes). */
const IR_VERSION = 8;
const OPSET = 15;
const ML_OPSET = 3;
const ML = 'ai.onnx.ml';

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

type Attribute = Record<string, unknown>;
const ints = (name: string, values: readonly number[]): Attribute => ({ name, type: AttributeType.INTS, ints: [...values] });
const doubles = (name: string, values: readonly number[]): Attribute => ({
  name,
  type: AttributeType.TENSOR,
  t: { data_type: DataType.DOUBLE, dims: [values.length], double_data: [...values] },
});
const strings = (name: string, values: readonly string[]): Attribute => ({ name, type: AttributeType.STRINGS, strings: values.map(text) });
const int = (name: string, value: number): Attribute => ({ name, type: AttributeType.INT, i: value });
const str = (name: string, value: string): Attribute => ({ name, type: AttributeType.STRING, s: text(value) });

function node(opType: string, inputs: string[], outputs: string[], attribute: Attribute[] = [], domain = ''): Record<string, unknown> {
  return { op_type: opType, domain, name: `${opType}_${outputs[0]}`, input: inputs, output: outputs, attribute };
}

function tensorInfo(name: string, elemType: number, dims: Array<number | 'N'>): Record<string, unknown> {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((dim) => (dim === 'N' ? { dim_param: 'N' } : { dim_value: dim })) } } },
  };
}

function int64Initializer(name: string, values: readonly number[]): Record<string, unknown> {
  return { name, data_type: DataType.INT64, dims: [values.length], int64_data: [...values] };
}

/** For each forest feature, its position among the encoded candidates (numeric columns, then each category of each categorical column). */
function featurePositions(featureNames: readonly string[], columns: readonly RawColumn[]): number[] {
  const candidates = [
    ...columns.filter((column) => column.kind === 'number').map((column) => column.name),
    ...columns.flatMap((column) => (column.kind === 'category' ? column.categories.map((category) => `${column.name}_${category}`) : [])),
  ];
  return featureNames.map((feature) => {
    const position = candidates.indexOf(feature);
    if (position === -1) {
      throw new Error(`feature "${feature}" is not a numeric column nor a <column>_<category> dummy of ${columns.map((c) => c.name).join(', ')}`);
    }
    return position;
  });
}

/** The serialized `model.onnx`. */
export function forestToOnnx(forest: TreeEnsembleSource, options: ForestGraphOptions): Uint8Array {
  const { columns } = options;
  const positions = featurePositions(forest.featureNames, columns);
  const numeric = columns.filter((column) => column.kind === 'number').map((column) => column.name);
  const categorical = columns.flatMap((column) => (column.kind === 'category' ? [column] : []));

  const nodes: Record<string, unknown>[] = [];
  const initializers: Record<string, unknown>[] = [int64Initializer('feature_positions', positions)];
  const blocks: string[] = [];
  if (numeric.length > 0) {
    nodes.push(node('Concat', numeric, ['numeric'], [int('axis', 1)]));
    blocks.push('numeric');
  }
  for (const column of categorical) {
    const shape = `${column.name}_indicator_shape`;
    initializers.push(int64Initializer(shape, [-1, column.categories.length]));
    nodes.push(node('OneHotEncoder', [column.name], [`${column.name}_onehot`], [strings('cats_strings', column.categories), int('zeros', 0)], ML));
    nodes.push(node('Reshape', [`${column.name}_onehot`, shape], [`${column.name}_indicators_float`]));
    nodes.push(node('Cast', [`${column.name}_indicators_float`], [`${column.name}_indicators`], [int('to', DataType.DOUBLE)]));
    blocks.push(`${column.name}_indicators`);
  }
  nodes.push(node('Concat', blocks, ['candidates'], [int('axis', 1)]));
  nodes.push(node('Gather', ['candidates', 'feature_positions'], ['features'], [int('axis', 1)]));

  const ensemble = treeEnsembleAttributes(forest);
  nodes.push(
    node(
      'TreeEnsembleClassifier',
      ['features'],
      [LABEL_OUTPUT, PROBABILITIES_OUTPUT],
      [
        ints('nodes_treeids', ensemble.nodes_treeids),
        ints('nodes_nodeids', ensemble.nodes_nodeids),
        ints('nodes_featureids', ensemble.nodes_featureids),
        doubles('nodes_values_as_tensor', ensemble.nodes_values),
        strings('nodes_modes', ensemble.nodes_modes),
        ints('nodes_truenodeids', ensemble.nodes_truenodeids),
        ints('nodes_falsenodeids', ensemble.nodes_falsenodeids),
        ints('class_treeids', ensemble.class_treeids),
        ints('class_nodeids', ensemble.class_nodeids),
        ints('class_ids', ensemble.class_ids),
        doubles('class_weights_as_tensor', ensemble.class_weights),
        strings('classlabels_strings', ensemble.classlabels_strings),
        str('post_transform', 'NONE'),
      ],
      ML,
    ),
  );

  return encodeModel({
    ir_version: IR_VERSION,
    opset_import: [
      { domain: '', version: OPSET },
      { domain: ML, version: ML_OPSET },
    ],
    producer_name: 'mlflow-mct',
    producer_version: options.producerVersion,
    graph: {
      name: options.graphName,
      node: nodes,
      initializer: initializers,
      input: columns.map((column) => tensorInfo(column.name, column.kind === 'number' ? DataType.DOUBLE : DataType.STRING, ['N', 1])),
      output: [tensorInfo(LABEL_OUTPUT, DataType.STRING, ['N']), tensorInfo(PROBABILITIES_OUTPUT, DataType.FLOAT, ['N', forest.classes.length])],
    },
  });
}
