/**
 * The trained forest evaluated on the test rows as `mlflow.models.evaluate` evaluates a logged
 * classifier: the rows scored as the logged model scores them (the ONNX graph's float32
 * probabilities), then MLflow's classifier metrics and per-class table.
 */
import { evaluateClassifier, type ClassifierEvaluation } from '../mlflow/classifier-evaluation.js';
import { ForestScorer } from '../onnx/scorer.js';
import type { TrainingResult } from '../train/index.js';
import type { LabeledPenguins } from './penguin-datasets.js';
import { PENGUIN_COLUMNS } from './penguin-model.js';

export function evaluatePenguinModel(result: TrainingResult, test: LabeledPenguins): ClassifierEvaluation {
  const scorer = new ForestScorer(result.model, PENGUIN_COLUMNS);
  const { labels, probabilities } = scorer.score(test.records.map((record) => PENGUIN_COLUMNS.map((column) => record[column.name]!)));
  return evaluateClassifier({ truth: test.species, predicted: labels, probabilities, classes: result.model.classes });
}
