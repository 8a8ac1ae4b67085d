/**
 * The rows a penguin run trained and was evaluated on, as two MLflow dataset inputs (contexts
 * `training` and `evaluation`, each with the digest of its own rows), the way
 * `mlflow.log_input(mlflow.data.from_pandas(...))` records a train/test split.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { DATASET_CONTEXT_TAG } from '../mlflow/tags.js';
import type { DatasetInput } from '../mlflow/types.js';
import { TARGET_COLUMN } from '../train/data.js';
import type { TrainingResult } from '../train/index.js';
import { PENGUIN_COLUMNS, penguinRecords, type PenguinRecord } from './penguin-model.js';

export interface LabeledPenguins {
  records: PenguinRecord[];
  species: string[];
}

export interface PenguinSplitRows {
  train: LabeledPenguins;
  test: LabeledPenguins;
}

/** The rows of the run's split as CSV records (training rows in file order, test rows in split order). */
export function splitRows(result: TrainingResult): PenguinSplitRows {
  const data = result.dataset;
  const records = penguinRecords(data.X, data.featureNames);
  const positionOf = new Map(data.rowIndices.map((rowIndex, position) => [rowIndex, position]));
  const test = result.split.testRowIndices.map((rowIndex) => positionOf.get(rowIndex)!);
  const inTest = new Set(test);
  const train = records.map((_, position) => position).filter((position) => !inTest.has(position));
  const pick = (positions: number[]): LabeledPenguins => ({
    records: positions.map((position) => records[position]!),
    species: positions.map((position) => data.y[position]!),
  });
  return { train: pick(train), test: pick(test) };
}

const TRAINING_DATASET = 'penguins-train';
const EVALUATION_DATASET = 'penguins-test';

/** A digest of the rows themselves (MLflow keeps at most 36 characters). */
function rowsDigest(rows: LabeledPenguins): string {
  const hash = createHash('sha256');
  rows.records.forEach((record, i) => hash.update(`${JSON.stringify([...PENGUIN_COLUMNS.map((column) => record[column.name]), rows.species[i]])}\n`));
  return hash.digest('hex').slice(0, 32);
}

function datasetInput(name: string, context: 'training' | 'evaluation', rows: LabeledPenguins, sourceFile: string): DatasetInput {
  const columns = PENGUIN_COLUMNS.length + 1;
  return {
    dataset: {
      name,
      digest: rowsDigest(rows),
      sourceType: 'local',
      source: JSON.stringify({ uri: `file://${resolve(sourceFile)}` }),
      schema: JSON.stringify({
        mlflow_colspec: [
          ...PENGUIN_COLUMNS.map((column) => ({ type: column.kind === 'number' ? 'double' : 'string', name: column.name, required: true })),
          { type: 'string', name: TARGET_COLUMN, required: true },
        ],
      }),
      profile: JSON.stringify({ num_rows: rows.records.length, num_elements: rows.records.length * columns }),
    },
    tags: { [DATASET_CONTEXT_TAG]: context },
  };
}

export function splitDatasets(rows: PenguinSplitRows, sourceFile: string): { training: DatasetInput; evaluation: DatasetInput } {
  return {
    training: datasetInput(TRAINING_DATASET, 'training', rows.train, sourceFile),
    evaluation: datasetInput(EVALUATION_DATASET, 'evaluation', rows.test, sourceFile),
  };
}
