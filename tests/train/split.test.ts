import { describe, expect, it } from 'vitest';
import { loadPenguins } from '../../src/train/data.js';
import { trainTestSplit, splitSizes } from '../../src/train/split.js';
import { repeatedStratifiedKFold } from '../../src/train/folds.js';
import { InputError, UsageError } from '../../src/errors.js';
import { parity, SEED_TEST_ROWS } from './parity-fixture.js';

const penguins = await loadPenguins();

describe('trainTestSplit', () => {
  it('gives the seed recipe its 67 test rows, in order, on the canonical file', () => {
    const split = trainTestSplit(penguins.y, { testSize: 0.2, seed: 42, stratify: false });
    expect(split.test.map((position) => penguins.rowIndices[position])).toEqual(SEED_TEST_ROWS);
    expect(split.train).toHaveLength(266);
    expect(new Set([...split.train, ...split.test]).size).toBe(333);
  });

  it('has the seed split class counts of the reference (test A31 C18 G18)', () => {
    const split = trainTestSplit(penguins.y, { testSize: 0.2, seed: 42, stratify: false });
    const count = (positions: number[], name: string) => positions.filter((p) => penguins.y[p] === name).length;
    expect(['Adelie', 'Chinstrap', 'Gentoo'].map((name) => count(split.test, name))).toEqual([31, 18, 18]);
    expect(['Adelie', 'Chinstrap', 'Gentoo'].map((name) => count(split.train, name))).toEqual([115, 50, 101]);
  });

  for (const expected of parity.splits) {
    it(`matches train_test_split(test_size=${expected.testSize}, random_state=${expected.seed}, stratify=${expected.stratify})`, () => {
      const split = trainTestSplit(penguins.y, expected);
      expect(split.test).toEqual(expected.test);
      expect(split.train).toEqual(expected.train);
    });
  }

  it('sizes the test set with ceil like scikit-learn', () => {
    expect(splitSizes(333, 0.2)).toEqual({ nTrain: 266, nTest: 67 });
    expect(splitSizes(10, 0.25)).toEqual({ nTrain: 7, nTest: 3 });
  });

  it('rejects a test size outside (0, 1) as a usage error', () => {
    for (const testSize of [0, 1, -0.1, 1.5, Number.NaN]) {
      expect(() => trainTestSplit(penguins.y, { testSize, seed: 1, stratify: false })).toThrow(UsageError);
    }
  });

  it('refuses to stratify a class with a single row, naming it', () => {
    const labels = ['a', 'a', 'a', 'b', 'b', 'b', 'c'];
    expect(() => trainTestSplit(labels, { testSize: 0.4, seed: 0, stratify: true })).toThrow(/species "c" has only 1 row/);
    expect(() => trainTestSplit(labels, { testSize: 0.4, seed: 0, stratify: true })).toThrow(InputError);
  });
});

describe('repeatedStratifiedKFold', () => {
  for (const expected of parity.repeatedStratifiedKFold) {
    it(`matches RepeatedStratifiedKFold(${expected.folds}x${expected.repeats}, random_state=${expected.seed}) fold for fold`, () => {
      const plan = repeatedStratifiedKFold(penguins.y, expected);
      expect(plan.folds.map((fold) => fold.test)).toEqual(expected.test);
      expect(plan.warning).toBeUndefined();
    });
  }

  it('stratifies: every fold holds each species in proportion, within one row', () => {
    const plan = repeatedStratifiedKFold(penguins.y, { folds: 5, repeats: 3, seed: 42 });
    expect(plan.folds).toHaveLength(15);
    for (const name of penguins.classes) {
      const total = penguins.y.filter((label) => label === name).length;
      for (const fold of plan.folds) {
        const inFold = fold.test.filter((p) => penguins.y[p] === name).length;
        expect(Math.abs(inFold - total / 5)).toBeLessThan(1);
      }
    }
  });

  it('tests every row exactly once per repeat and never trains on a tested row', () => {
    const plan = repeatedStratifiedKFold(penguins.y, { folds: 5, repeats: 2, seed: 3 });
    for (const repeat of [0, 1]) {
      const tested = plan.folds.filter((fold) => fold.repeat === repeat).flatMap((fold) => fold.test);
      expect([...tested].sort((a, b) => a - b)).toEqual(penguins.y.map((_, i) => i));
    }
    for (const fold of plan.folds) {
      const test = new Set(fold.test);
      expect(fold.train.some((p) => test.has(p))).toBe(false);
      expect(fold.train.length + fold.test.length).toBe(333);
    }
    const [first, second] = [plan.folds[0]!.test, plan.folds[5]!.test];
    expect(first).not.toEqual(second);
  });

  it('warns, like scikit-learn, when a class has fewer rows than folds', () => {
    const labels = [...new Array(10).fill('a'), 'b', 'b'];
    const plan = repeatedStratifiedKFold(labels, { folds: 3, repeats: 1, seed: 0 });
    expect(plan.warning).toMatch(/species "b" has only 2 rows, fewer than the 3 folds/);
  });

  it('rejects impossible schemes', () => {
    expect(() => repeatedStratifiedKFold(['a', 'b', 'a', 'b'], { folds: 1, repeats: 1, seed: 0 })).toThrow(UsageError);
    expect(() => repeatedStratifiedKFold(['a', 'b', 'a', 'b'], { folds: 2, repeats: 0, seed: 0 })).toThrow(UsageError);
    expect(() => repeatedStratifiedKFold(['a', 'b', 'a', 'b'], { folds: 3, repeats: 1, seed: 0 })).toThrow(/every species has fewer rows/);
  });
});
