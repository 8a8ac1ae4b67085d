import { describe, expect, it } from 'vitest';
import { loadPenguins } from '../../src/train/data.js';
import { crossValidate, summarizeScores, CV_METRICS } from '../../src/train/cv.js';
import { repeatedStratifiedKFold } from '../../src/train/folds.js';
import { trainForest } from '../../src/train/forest.js';
import { classificationReport } from '../../src/train/evaluate.js';
import type { TrainingProgress } from '../../src/train/progress.js';

const penguins = await loadPenguins();

describe('summarizeScores', () => {
  it('reports the mean and the population standard deviation (numpy.std, ddof=0)', () => {
    expect(summarizeScores([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25), values: [1, 2, 3, 4] });
    expect(summarizeScores([0.9, 0.9, 0.9]).std).toBe(0);
  });
});

describe('crossValidate', () => {
  it('scores each fold of the stratified scheme with a forest trained on the other folds', async () => {
    const scheme = { folds: 3, repeats: 2, seed: 5 };
    const progress: TrainingProgress[] = [];
    const summary = await crossValidate(penguins.X, penguins.y, penguins.featureNames, scheme, { nEstimators: 8 }, { onProgress: (p) => progress.push(p) });

    expect(summary).toMatchObject({ folds: 3, repeats: 2, seed: 5, fits: 6, rows: 333 });
    expect(summary.scheme).toBe('RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=5) over 333 rows');
    for (const metric of CV_METRICS) {
      expect(summary.metrics[metric].values).toHaveLength(6);
      expect(summary.metrics[metric]).toEqual(summarizeScores(summary.metrics[metric].values));
    }

    // The fourth fit, recomputed by hand, gives the same accuracy.
    const fold = repeatedStratifiedKFold(penguins.y, scheme).folds[3]!;
    const model = await trainForest(fold.train.map((r) => penguins.X[r]!), fold.train.map((r) => penguins.y[r]!), penguins.featureNames, { nEstimators: 8 });
    const report = classificationReport(fold.test.map((r) => penguins.y[r]!), model.predict(fold.test.map((r) => penguins.X[r]!)), penguins.classes);
    expect(summary.metrics.accuracy.values[3]).toBe(report.accuracy);
    expect(summary.metrics.f1_macro.values[3]).toBe(report.macro.f1);

    expect(progress).toHaveLength(6 * 8);
    expect(progress[0]).toEqual({ stage: 'cross-validation', trees: { done: 1, total: 8 }, fold: { current: 1, total: 6 } });
    expect(progress.at(-1)).toEqual({ stage: 'cross-validation', trees: { done: 8, total: 8 }, fold: { current: 6, total: 6 } });
  });
});
