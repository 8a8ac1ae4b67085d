/**
 * Train/test splits that give the same rows as scikit-learn's `train_test_split` for the same
 * seed: `ShuffleSplit` without stratification, `StratifiedShuffleSplit` with it. Both draw from
 * NumPy's legacy stream (`RandomState`), reproduced in `random.ts`.
 */
import { UsageError, InputError } from '../errors.js';
import { RandomState } from './random.js';

export interface SplitOptions {
  /** Fraction of rows in the test set, in (0, 1); the test set gets `ceil(testSize * n)` rows. */
  testSize: number;
  /** Seed of the split, like `random_state`. */
  seed: number;
  /** Keep class proportions in both sets (`stratify=y`). */
  stratify: boolean;
}

export const DEFAULT_SPLIT: SplitOptions = { testSize: 0.2, seed: 42, stratify: false };

export interface TrainTestSplit {
  /** Positions (0-based, into the rows given) of the training rows, in split order. */
  train: number[];
  /** Positions of the test rows, in split order. */
  test: number[];
}

/** scikit-learn's `_validate_shuffle_split` for a float test size. */
export function splitSizes(n: number, testSize: number): { nTrain: number; nTest: number } {
  if (!(testSize > 0 && testSize < 1)) {
    throw new UsageError(`--test-size must be a fraction between 0 and 1 (exclusive), got ${testSize}`);
  }
  const nTest = Math.ceil(testSize * n);
  const nTrain = n - nTest;
  if (nTrain < 1) {
    throw new InputError(`a test size of ${testSize} leaves no training rows out of ${n}`, { hint: 'lower --test-size or use more data' });
  }
  return { nTrain, nTest };
}

/** `train_test_split(range(n), test_size, random_state=seed, stratify=labels if stratify)`. */
export function trainTestSplit(labels: readonly string[], options: SplitOptions): TrainTestSplit {
  const n = labels.length;
  const { nTrain, nTest } = splitSizes(n, options.testSize);
  const rng = new RandomState(options.seed);
  if (!options.stratify) {
    const permutation = rng.permutation(n);
    return { test: permutation.slice(0, nTest), train: permutation.slice(nTest, nTest + nTrain) };
  }
  return stratifiedShuffleSplit(labels, nTrain, nTest, rng);
}

/** One split of scikit-learn's `StratifiedShuffleSplit._iter_indices`. */
function stratifiedShuffleSplit(labels: readonly string[], nTrain: number, nTest: number, rng: RandomState): TrainTestSplit {
  const classes = [...new Set(labels)].sort();
  const byClass = classes.map((name) => labels.flatMap((label, position) => (label === name ? [position] : [])));
  const counts = byClass.map((positions) => positions.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const name = classes[counts.indexOf(smallest)];
    throw new InputError(`species "${name}" has only ${smallest} row, too few for a stratified split`, {
      hint: 'a stratified split needs at least 2 rows of every species; drop --stratify or add data',
    });
  }
  if (nTrain < classes.length || nTest < classes.length) {
    throw new UsageError(`a stratified split of ${labels.length} rows with --test-size giving ${nTest} test rows cannot hold all ${classes.length} species in both sets`, {
      hint: 'choose a --test-size that leaves at least one row per species on each side',
    });
  }

  const trainPerClass = approximateMode(counts, nTrain, rng);
  const testPerClass = approximateMode(counts.map((count, k) => count - trainPerClass[k]!), nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((positions, k) => {
    const shuffled = rng.permutation(positions.length).map((i) => positions[i]!);
    train.push(...shuffled.slice(0, trainPerClass[k]));
    test.push(...shuffled.slice(trainPerClass[k], trainPerClass[k]! + testPerClass[k]!));
  });
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/**
 * scikit-learn's `_approximate_mode`: split `draws` across classes in proportion to `counts`,
 * giving the leftover units to the largest remainders and breaking ties at random.
 */
function approximateMode(counts: readonly number[], draws: number, rng: RandomState): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const continuous = counts.map((count) => (count / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = Math.trunc(draws - floored.reduce((sum, value) => sum + value, 0));
  if (needToAdd > 0) {
    const remainder = continuous.map((value, k) => value - floored[k]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainder.flatMap((r, k) => (r === value ? [k] : []));
      const addNow = Math.min(tied.length, needToAdd);
      for (const pick of rng.sampleWithoutReplacement(tied.length, addNow)) floored[tied[pick]!]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}
