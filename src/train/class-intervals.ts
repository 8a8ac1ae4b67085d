/**
 * 95% intervals for each class's precision, recall and F1 on a test set.
 *
 * Precision, recall and F1 of a class depend only on its true positives, false positives and false
 * negatives. Following Goutte & Gaussier ("A Probabilistic Interpretation of Precision, Recall and
 * F-Score", ECIR 2005), the three rates get a Dirichlet posterior from the observed counts and a
 * Jeffreys prior (1/2 each); the intervals are the 2.5% and 97.5% quantiles of each metric over
 * draws from it. Precision and recall intervals are then exactly Jeffreys intervals for a
 * proportion (close to the Wilson interval of the accuracy), F1 gets one from the same model, and
 * none collapses to a point when a class is predicted perfectly on a small test set, as a
 * bootstrap interval does.
 *
 * The draws come from a fixed seed, so the same confusion matrix always gives the same intervals.
 */

import type { ConfusionMatrix } from './evaluate.js';
import { RandomState } from './random.js';

export interface Interval {
  lower: number;
  upper: number;
}

export interface ClassIntervals {
  label: string;
  precision: Interval;
  recall: Interval;
  f1: Interval;
}

const INTERVAL_LEVEL = 0.95;
const DRAWS = 4000;
const PRIOR = 0.5;
const SEED = 20050321;

/** The card and its charts both show a test set's intervals: the draws are made once per confusion matrix. */
const computed = new WeakMap<ConfusionMatrix, readonly ClassIntervals[]>();

export function classIntervals(confusion: ConfusionMatrix, draws: number = DRAWS): readonly ClassIntervals[] {
  if (draws !== DRAWS) return drawIntervals(confusion, draws);
  let intervals = computed.get(confusion);
  if (!intervals) {
    intervals = drawIntervals(confusion, draws);
    computed.set(confusion, intervals);
  }
  return intervals;
}

function drawIntervals(confusion: ConfusionMatrix, draws: number): ClassIntervals[] {
  const random = new RandomState(SEED);
  const { labels, matrix } = confusion;
  return labels.map((label, k) => {
    const truePositives = matrix[k]![k]!;
    const falseNegatives = matrix[k]!.reduce((a, b) => a + b, 0) - truePositives;
    const falsePositives = matrix.reduce((sum, row) => sum + row[k]!, 0) - truePositives;
    const precision = new Float64Array(draws);
    const recall = new Float64Array(draws);
    const f1 = new Float64Array(draws);
    for (let i = 0; i < draws; i += 1) {
      const tp = gamma(random, truePositives + PRIOR);
      const fp = gamma(random, falsePositives + PRIOR);
      const fn = gamma(random, falseNegatives + PRIOR);
      precision[i] = tp / (tp + fp);
      recall[i] = tp / (tp + fn);
      f1[i] = (2 * tp) / (2 * tp + fp + fn);
    }
    return { label, precision: quantiles(precision), recall: quantiles(recall), f1: quantiles(f1) };
  });
}

function quantiles(values: Float64Array): Interval {
  values.sort();
  const tail = (1 - INTERVAL_LEVEL) / 2;
  const at = (q: number) => {
    const position = q * (values.length - 1);
    const below = Math.floor(position);
    const above = Math.min(values.length - 1, below + 1);
    return values[below]! + (values[above]! - values[below]!) * (position - below);
  };
  return { lower: at(tail), upper: at(1 - tail) };
}

/** A Gamma(shape, 1) draw: Marsaglia & Tsang (2000), boosted for shapes below 1. */
function gamma(random: RandomState, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(uniform(random), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniform(random);
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Uniform on (0, 1): never 0, so logarithms and powers stay finite. */
function uniform(random: RandomState): number {
  let u = random.nextDouble();
  while (u === 0) u = random.nextDouble();
  return u;
}

function normal(random: RandomState): number {
  return Math.sqrt(-2 * Math.log(uniform(random))) * Math.cos(2 * Math.PI * random.nextDouble());
}
