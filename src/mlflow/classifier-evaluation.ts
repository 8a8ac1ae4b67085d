/**
 * What `mlflow.models.evaluate(..., model_type="classifier")` records for a multiclass classifier
 * with its default evaluator (`mlflow/models/evaluation/evaluators/classifier.py`), computed the
 * way scikit-learn computes it: the metrics `example_count`, `accuracy_score` and the
 * support-weighted `recall_score`, `precision_score`, `f1_score`, plus `log_loss` and the weighted
 * one-vs-rest `roc_auc` from the class probabilities; and the artifact `per_class_metrics.csv`
 * (each class against the rest: counts, scores, ROC AUC and average precision).
 */
import { csvField } from './scoring/prediction-file.js';

export const PER_CLASS_METRICS_FILE = 'per_class_metrics.csv';
/** The artifact name evaluate gives its confusion matrix plot. */
export const CONFUSION_MATRIX_FILE = 'confusion_matrix.png';

export interface ClassifierEvaluationInput {
  truth: readonly string[];
  predicted: readonly string[];
  /** Row-major `rows x classes.length`, in `classes` order. */
  probabilities: ArrayLike<number>;
  classes: readonly string[];
  /** Machine epsilon of the probabilities' type, which scikit-learn clips them to (float32: 2^-23). */
  epsilon?: number;
}

export interface ClassifierEvaluation {
  metrics: Record<string, number>;
  perClassMetricsCsv: string;
}

/** scikit-learn's `zero_division=0`. */
const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);

/** `roc_auc_score` for one class against the rest: the Mann-Whitney statistic, ties counting half. */
function binaryRocAuc(positive: readonly boolean[], scores: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) if (positive[order[k]!]) rankSum += averageRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** `average_precision_score`: precision at each distinct threshold, weighted by the recall it adds. */
function averagePrecision(positive: readonly boolean[], scores: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const positives = positive.filter(Boolean).length;
  let truePositives = 0;
  let seen = 0;
  let previousRecall = 0;
  let total = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    for (let k = start; k <= end; k++) if (positive[order[k]!]) truePositives++;
    seen += end - start + 1;
    const recall = truePositives / positives;
    total += (recall - previousRecall) * (truePositives / seen);
    previousRecall = recall;
    start = end + 1;
  }
  return total;
}

export function evaluateClassifier(input: ClassifierEvaluationInput): ClassifierEvaluation {
  const { truth, predicted, probabilities, classes } = input;
  const epsilon = input.epsilon ?? 2 ** -23;
  const n = truth.length;
  // evaluate's label list: the sorted labels seen among the truth and the predictions.
  const labels = [...new Set([...truth, ...predicted])].sort();
  const allClassesSeen = classes.every((label) => truth.includes(label));
  const perClass = labels.map((label) => {
    const positive = truth.map((value) => value === label);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    predicted.forEach((value, i) => {
      if (value === label && positive[i]) tp++;
      else if (value === label) fp++;
      else if (positive[i]) fn++;
    });
    const tn = n - tp - fp - fn;
    const column = classes.indexOf(label);
    const scores = column === -1 ? undefined : truth.map((_, i) => probabilities[i * classes.length + column]!);
    return {
      label,
      support: tp + fn,
      counts: [tn, fp, fn, tp, n],
      scores: [(tp + tn) / n, ratio(tp, tp + fn), ratio(tp, tp + fp), ratio(2 * tp, 2 * tp + fp + fn)],
      curves: allClassesSeen && scores ? [binaryRocAuc(positive, scores), averagePrecision(positive, scores)] : [],
    };
  });
  const weighted = (value: (entry: (typeof perClass)[number]) => number) => perClass.reduce((sum, entry) => sum + entry.support * value(entry), 0) / n;
  let logLoss = 0;
  truth.forEach((label, i) => {
    const p = probabilities[i * classes.length + classes.indexOf(label)]!;
    logLoss -= Math.log(Math.min(Math.max(p, epsilon), 1 - epsilon));
  });
  const metrics: Record<string, number> = {
    example_count: n,
    accuracy_score: truth.filter((label, i) => label === predicted[i]).length / n,
    recall_score: weighted((entry) => entry.scores[1]!),
    precision_score: weighted((entry) => entry.scores[2]!),
    f1_score: weighted((entry) => entry.scores[3]!),
    log_loss: logLoss / n,
    ...(allClassesSeen ? { roc_auc: weighted((entry) => entry.curves[0]!) } : {}),
  };
  const header = ['positive_class', 'true_negatives', 'false_positives', 'false_negatives', 'true_positives', 'example_count', 'accuracy_score', 'recall_score', 'precision_score', 'f1_score'];
  if (allClassesSeen) header.push('roc_auc', 'precision_recall_auc');
  const lines = perClass.map((entry) => [csvField(entry.label), ...entry.counts.map(String), ...[...entry.scores, ...entry.curves].map(csvField)].join(','));
  return { metrics, perClassMetricsCsv: `${[header.join(','), ...lines].join('\n')}\n` };
}
