/**
 * 95% intervals for each class's precision, recall and F1 on a test set.
 *
 * Precision, recall and F1 of a class depend only on its true positives, false positives and false
 * negatives. Following Goutte & Gaussier ("A Probabilistic Interpretation of Precision, Recall and
 * F-Score", ECIR 2005), the three rates get a Dirichlet posterior from the observed counts and a
 * Jeffreys prior (1/2 each); the intervals are the 2.5% and 97.5% quantiles of each metric under
 * it. None collapses to a point when a class is predicted perfectly on a small test set, as a
 * bootstrap interval does.
 *
 * The quantiles are exact, not drawn: with (tp, fp, fn) ~ Dirichlet(a, b, c), precision
 * tp / (tp + fp) ~ Beta(a, b) and recall ~ Beta(a, c) (Jeffreys intervals for a proportion), and
 * F1 = 2u / (1 + u) with u = tp / (tp + fp + fn) ~ Beta(a, b + c), increasing in u, so its
 * quantiles are those of u mapped through it.
 */

import type { ConfusionMatrix } from './evaluate.js';

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
const PRIOR = 0.5;

/** Each confusion matrix's intervals, computed once: a run's card and its charts both show them. */
const computed = new WeakMap<ConfusionMatrix, readonly ClassIntervals[]>();

export function classIntervals(confusion: ConfusionMatrix): readonly ClassIntervals[] {
  let intervals = computed.get(confusion);
  if (!intervals) {
    intervals = intervalsOf(confusion);
    computed.set(confusion, intervals);
  }
  return intervals;
}

function intervalsOf(confusion: ConfusionMatrix): ClassIntervals[] {
  const { labels, matrix } = confusion;
  const tail = (1 - INTERVAL_LEVEL) / 2;
  const betaInterval = (a: number, b: number): Interval => ({ lower: betaQuantile(tail, a, b), upper: betaQuantile(1 - tail, a, b) });
  return labels.map((label, k) => {
    const truePositives = matrix[k]![k]!;
    const falseNegatives = matrix[k]!.reduce((sum, count) => sum + count, 0) - truePositives;
    const falsePositives = matrix.reduce((sum, row) => sum + row[k]!, 0) - truePositives;
    const [a, b, c] = [truePositives + PRIOR, falsePositives + PRIOR, falseNegatives + PRIOR];
    const share = betaInterval(a, b + c);
    const f1 = (u: number) => (2 * u) / (1 + u);
    return { label, precision: betaInterval(a, b), recall: betaInterval(a, c), f1: { lower: f1(share.lower), upper: f1(share.upper) } };
  });
}

/** The `p` quantile of Beta(a, b): bisection on the regularized incomplete beta function, to full double precision. */
function betaQuantile(p: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 100 && high - low > 1e-15; i++) {
    const middle = (low + high) / 2;
    if (regularizedBeta(middle, a, b) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** I_x(a, b), the Beta(a, b) distribution function (Numerical Recipes' `betai`, continued fraction by modified Lentz). */
function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast below the mean; above it, use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let term = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    term = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + term * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + term / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return result;
}

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
function logGamma(z: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < 9; i++) sum += coefficients[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}
