/**
 * The penguin forest as an MLflow model directory: `model.onnx` over the raw CSV columns (the
 * `onnx` and `python_function` flavors Python MLflow loads, serves and evaluates) and the
 * Node-native `forest.json` beside it (the `mlflow_mct` flavor this toolkit loads).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawColumn } from '../onnx/forest-graph.js';
import type { TreeEnsembleSource } from '../onnx/tree-ensemble.js';
import type { OnnxModelDescription, TensorSpec } from '../mlflow/onnx-model.js';
import { packageVersion } from '../paths.js';
import { CATEGORICAL_COLUMNS, REQUIRED_COLUMNS, TARGET_COLUMN } from '../train/data.js';


export const FOREST_FILE = 'forest.json';
/** The flavor `serve` and `predict` load: the forest file and the raw input columns. */
export const FOREST_FLAVOR = 'mlflow_mct';
/** The Python the environment files name: the oldest the pinned onnx/onnxruntime/MLflow wheels all support. */
const PYTHON_VERSION = '3.11';

/** A penguin as the CSV has it, without the species. */
export type PenguinRecord = Record<string, string | number>;

/** The model's input columns, in CSV order. */
export const PENGUIN_COLUMNS: readonly RawColumn[] = REQUIRED_COLUMNS.filter((name) => name !== TARGET_COLUMN).map((name) =>
  name in CATEGORICAL_COLUMNS
    ? { name, kind: 'category', categories: CATEGORICAL_COLUMNS[name as keyof typeof CATEGORICAL_COLUMNS] }
    : { name, kind: 'number' },
);

/**
 * Turns encoded feature rows back into CSV records: `get_dummies(drop_first=True)` is invertible
 * (no dummy set means the first category).
 */
export function penguinRecords(X: readonly (readonly number[])[], featureNames: readonly string[]): PenguinRecord[] {
  const at = new Map(featureNames.map((name, index) => [name, index]));
  return X.map((row) => {
    const record: PenguinRecord = {};
    for (const column of PENGUIN_COLUMNS) {
      if (column.kind === 'number') {
        record[column.name] = row[at.get(column.name)!]!;
      } else {
        record[column.name] = column.categories.find((category) => row[at.get(`${column.name}_${category}`) ?? -1] === 1) ?? column.categories[0]!;
      }
    }
    return record;
  });
}

export interface PenguinModelOptions {
  /** Rows for `input_example.json` (a couple are enough). */
  exampleRecords: readonly PenguinRecord[];
  /** MLflow version to pin in the requirements, when the target's is known. */
  mlflowVersion: string | undefined;
}

/** Writes the model files into `dir`; the MLmodel content comes back for `logModel`. */
export async function writePenguinModel(
  dir: string,
  forest: TreeEnsembleSource & { toJSON(): unknown },
  options: PenguinModelOptions,
): Promise<OnnxModelDescription> {
  // Loaded here, not at the top: the ONNX writer (protobufjs) is only needed when a model is logged,
  // and `train-penguins --dry-run` should not pay for loading it.
  const [{ forestToOnnx, LABEL_OUTPUT, PROBABILITIES_OUTPUT }, { onnxRequirements, writeOnnxModel }] = await Promise.all([
    import('../onnx/forest-graph.js'),
    import('../mlflow/onnx-model.js'),
  ]);
  const onnx = forestToOnnx(forest, { columns: PENGUIN_COLUMNS, graphName: 'penguins_random_forest', producerVersion: packageVersion });
  const described = await writeOnnxModel(dir, {
    onnx,
    inputs: PENGUIN_COLUMNS.map((column): TensorSpec => ({ name: column.name, dtype: column.kind === 'number' ? 'float64' : 'object', shape: [-1, 1] })),
    outputs: [
      { name: LABEL_OUTPUT, dtype: 'object', shape: [-1] },
      { name: PROBABILITIES_OUTPUT, dtype: 'float32', shape: [-1, forest.classes.length] },
    ],
    example: {
      columns: PENGUIN_COLUMNS.map((column) => column.name),
      data: options.exampleRecords.map((record) => PENGUIN_COLUMNS.map((column) => record[column.name])),
    },
    requirements: onnxRequirements(options.mlflowVersion),
    pythonVersion: PYTHON_VERSION,
  });
  await writeFile(join(dir, FOREST_FILE), JSON.stringify(forest.toJSON()));
  return {
    ...described,
    flavors: {
      ...described.flavors,
      [FOREST_FLAVOR]: {
        loader: 'mlflow-mct ForestModel.fromJSON',
        model_file: FOREST_FILE,
        format: 'ml-random-forest',
        classes: [...forest.classes],
        features: [...forest.featureNames],
        input_columns: PENGUIN_COLUMNS,
      },
    },
  };
}
