import { describe, expect, it } from 'vitest';
import { evaluateClassifier } from '../../src/mlflow/classifier-evaluation.js';

/** scikit-learn 1.9.1's answers for the same labels and float32 probabilities (printed by the models venv). */
const SKLEARN = {
  accuracy_score: 0.6,
  recall_score: 0.6,
  precision_score: 0.6,
  f1_score: 0.5914285714285714,
  log_loss: 0.6956357359886169,
  roc_auc: 0.8976190476190476,
  perClass: [
    [0.9583333333333334, 0.95],
    [0.8333333333333334, 0.6666666666666667],
    [0.8809523809523809, 0.7222222222222222],
  ],
};

describe("mlflow.models.evaluate's classifier metrics", () => {
  const truth = ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'a', 'b', 'c'];
  const predicted = ['a', 'b', 'b', 'a', 'c', 'c', 'b', 'a', 'b', 'a'];
  const probabilities = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.5, 0.3, 0.6, 0.3, 0.1, 0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.3, 0.5, 0.2, 0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.5, 0, 0.5]);
  const evaluation = evaluateClassifier({ truth, predicted, probabilities, classes: ['a', 'b', 'c'] });

  it('are the weighted scores, log loss and one-vs-rest ROC AUC scikit-learn computes, ties included', () => {
    const { perClass, ...aggregate } = SKLEARN;
    expect(Object.keys(evaluation.metrics).sort()).toEqual(['example_count', ...Object.keys(aggregate)].sort());
    expect(evaluation.metrics.example_count).toBe(10);
    for (const [key, value] of Object.entries(aggregate)) expect([key, evaluation.metrics[key]]).toEqual([key, expect.closeTo(value, 6)]);
    const rows = evaluation.perClassMetricsCsv.trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['positive_class', 'true_negatives', 'false_positives', 'false_negatives', 'true_positives', 'example_count', 'accuracy_score', 'recall_score', 'precision_score', 'f1_score', 'roc_auc', 'precision_recall_auc']);
    // Class a: 4 true, 3 found, 1 false alarm (the last row).
    expect(rows[1]!.slice(0, 10)).toEqual(['a', '5', '1', '1', '3', '10', '0.8', '0.75', '0.75', '0.75']);
    rows.slice(1).forEach((row, k) => {
      expect(Number(row[10])).toBeCloseTo(SKLEARN.perClass[k]![0]!, 12);
      expect(Number(row[11])).toBeCloseTo(SKLEARN.perClass[k]![1]!, 12);
    });
  });

  it('leaves out the curves when a class never occurs among the true labels', () => {
    const partial = evaluateClassifier({ truth: ['a', 'a', 'b'], predicted: ['a', 'b', 'b'], probabilities: [0.9, 0.1, 0, 0.4, 0.6, 0, 0.2, 0.8, 0], classes: ['a', 'b', 'c'] });
    expect(partial.metrics.roc_auc).toBeUndefined();
    expect(partial.perClassMetricsCsv.split('\n')[0]).not.toContain('roc_auc');
    expect(partial.metrics.accuracy_score).toBeCloseTo(2 / 3, 12);
  });
});
