/**
 * Classification metrics, computed as scikit-learn does (`accuracy_score`,
 * `precision_recall_fscore_support` with `zero_division=0`, `confusion_matrix`), plus a Wilson
 * score interval for the accuracy.
 */

/** The 0.975 quantile of the standard normal distribution: a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** A confidence interval for a proportion such as an accuracy (Model Cards call it `confidence_interval`). */
export interface ProportionInterval {
  lower: number;
  upper: number;
  /** Coverage, e.g. 0.95. */
  level: number;
  /** How it was computed. */
  method: 'wilson';
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Rows of this class in the evaluated set. */
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ConfusionMatrix {
  /** Class names, the order of both rows (true class) and columns (predicted class). */
  labels: string[];
  matrix: number[][];
}

export interface ClassificationReport {
  accuracy: number;
  /** Wilson score interval of the accuracy, treating each row as an independent trial. */
  accuracyInterval: ProportionInterval;
  correct: number;
  total: number;
  /** One entry per class, in `confusionMatrix.labels` order. */
  perClass: ClassMetrics[];
  /** Unweighted mean over the classes that occur among true or predicted labels (scikit-learn's default). */
  macro: AveragedMetrics;
  /** Mean over classes weighted by support. */
  weighted: AveragedMetrics;
  confusionMatrix: ConfusionMatrix;
}

/**
 * Wilson score interval for `successes` out of `trials` (Wilson 1927; Newcombe 1998, method 3).
 * Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 or n successes.
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95, level = 0.95): ProportionInterval {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`a Wilson interval needs at least one trial, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`successes must be an integer between 0 and ${trials}, got ${successes}`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const halfWidth = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes the exact bound is 0 or 1; rounding would leave it a hair inside.
  const lower = successes === 0 ? 0 : Math.max(0, centre - halfWidth);
  const upper = successes === trials ? 1 : Math.min(1, centre + halfWidth);
  return { lower, upper, level, method: 'wilson' };
}

export function confusionMatrix(truth: readonly string[], predicted: readonly string[], labels: readonly string[]): ConfusionMatrix {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true labels but ${predicted.length} predictions`);
  const position = new Map(labels.map((label, index) => [label, index]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  truth.forEach((label, i) => {
    const row = position.get(label);
    const column = position.get(predicted[i]!);
    if (row === undefined || column === undefined) throw new RangeError(`label "${row === undefined ? label : predicted[i]}" is not one of ${labels.join(', ')}`);
    matrix[row]![column]! += 1;
  });
  return { labels: [...labels], matrix };
}

export function classificationReport(truth: readonly string[], predicted: readonly string[], labels: readonly string[]): ClassificationReport {
  const confusion = confusionMatrix(truth, predicted, labels);
  const { matrix } = confusion;
  const total = truth.length;
  if (total === 0) throw new RangeError('cannot evaluate on an empty set');
  const correct = labels.reduce((sum, _, k) => sum + matrix[k]![k]!, 0);

  const occurs = labels.map((_, k) => matrix[k]!.some((count) => count > 0) || matrix.some((row) => row[k]! > 0));
  const perClass = labels.map((label, k): ClassMetrics => {
    const truePositives = matrix[k]![k]!;
    const support = matrix[k]!.reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((sum, row) => sum + row[k]!, 0);
    const precision = ratio(truePositives, predictedCount);
    const recall = ratio(truePositives, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const average = (weight: (metrics: ClassMetrics, k: number) => number): AveragedMetrics => {
    const weights = perClass.map(weight);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const mean = (pick: (metrics: ClassMetrics) => number) => ratio(perClass.reduce((sum, metrics, k) => sum + pick(metrics) * weights[k]!, 0), totalWeight);
    return { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) };
  };

  return {
    accuracy: correct / total,
    accuracyInterval: wilsonInterval(correct, total),
    correct,
    total,
    perClass,
    macro: average((_, k) => (occurs[k] ? 1 : 0)),
    weighted: average((metrics) => metrics.support),
    confusionMatrix: confusion,
  };
}

/** `numerator / denominator`, or 0 when the denominator is 0 (scikit-learn's `zero_division=0`). */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
