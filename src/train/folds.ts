/**
 * Repeated stratified K-fold, fold for fold the same as scikit-learn's
 * `RepeatedStratifiedKFold(n_splits, n_repeats, random_state)`: each repeat is a shuffled
 * `StratifiedKFold` drawing from one shared `RandomState`.
 */
import { InputError, UsageError } from '../errors.js';
import { RandomState } from './random.js';

export interface FoldScheme {
  folds: number;
  repeats: number;
  seed: number;
}

export interface Fold {
  /** 0-based repeat number. */
  repeat: number;
  /** 0-based fold number within the repeat. */
  fold: number;
  /** Positions of the training rows, ascending. */
  train: number[];
  /** Positions of the held-out rows, ascending. */
  test: number[];
}

export interface FoldPlan {
  folds: Fold[];
  /** Set when some class has fewer rows than folds (scikit-learn warns then; some folds miss that class). */
  warning?: string;
}

export function repeatedStratifiedKFold(labels: readonly string[], scheme: FoldScheme): FoldPlan {
  const { folds: k, repeats } = scheme;
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--cv-folds must be an integer of at least 2, got ${k}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--cv-repeats must be a positive integer, got ${repeats}`);
  if (k > labels.length) {
    throw new InputError(`cannot make ${k} folds out of ${labels.length} rows`, { hint: 'lower --cv-folds or skip cross-validation with --no-evaluate' });
  }

  // Classes are numbered in order of first appearance, which fixes the order of the shuffles.
  const order = [...new Set(labels)];
  const encoded = labels.map((label) => order.indexOf(label));
  const counts = order.map((_, c) => encoded.filter((value) => value === c).length);
  if (counts.every((count) => count < k)) {
    throw new InputError(`every species has fewer rows than the ${k} folds asked for`, { hint: 'lower --cv-folds or skip cross-validation with --no-evaluate' });
  }
  const smallest = Math.min(...counts);
  const warning =
    smallest < k
      ? `species "${order[counts.indexOf(smallest)]}" has only ${smallest} rows, fewer than the ${k} folds: some folds hold none of it`
      : undefined;

  // Round-robin over the class-sorted labels decides how many rows of each class each fold tests.
  const sorted = [...encoded].sort((a, b) => a - b);
  const allocation = Array.from({ length: k }, (_, fold) => {
    const perClass = new Array<number>(order.length).fill(0);
    for (let i = fold; i < sorted.length; i += k) perClass[sorted[i]!]! += 1;
    return perClass;
  });

  const rng = new RandomState(scheme.seed);
  const plan: Fold[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const testFold = new Array<number>(labels.length);
    order.forEach((_, c) => {
      const foldsForClass = allocation.flatMap((perClass, fold) => new Array<number>(perClass[c]!).fill(fold));
      rng.shuffle(foldsForClass);
      let next = 0;
      encoded.forEach((value, position) => {
        if (value === c) testFold[position] = foldsForClass[next++]!;
      });
    });
    for (let fold = 0; fold < k; fold++) {
      const train: number[] = [];
      const test: number[] = [];
      testFold.forEach((assigned, position) => (assigned === fold ? test : train).push(position));
      plan.push({ repeat, fold, train, test });
    }
  }
  return warning === undefined ? { folds: plan } : { folds: plan, warning };
}
