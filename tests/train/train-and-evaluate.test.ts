import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_PATH, ForestModel, crossValidateTrained, describeProgress, trainAndEvaluate, trainAndTest, type TrainingProgress } from '../../src/train/index.js';
import { InputError, UsageError } from '../../src/errors.js';
import { SEED_TEST_ROWS } from './parity-fixture.js';

const progress: TrainingProgress[] = [];
const result = await trainAndEvaluate({}, (event) => progress.push(event));

describe('trainAndEvaluate with the defaults (the seed recipe)', () => {
  it('summarizes the data it trained on', () => {
    expect(result.data).toMatchObject({
      source: DEFAULT_DATA_PATH,
      sha256: 'f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93',
      rowsTotal: 344,
      rowsUsed: 333,
      rowsDropped: 11,
      target: 'species',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      classCounts: {
        all: { Adelie: 146, Chinstrap: 68, Gentoo: 119 },
        train: { Adelie: 115, Chinstrap: 50, Gentoo: 101 },
        test: { Adelie: 31, Chinstrap: 18, Gentoo: 18 },
      },
    });
    expect(result.data.featureNames).toHaveLength(8);
    // A summary, not the data: small enough to log and to put in a card.
    expect(Object.keys(result.data)).not.toContain('X');
    expect(JSON.stringify(result.data).length).toBeLessThan(2000);
    // Dropping rows with a missing value is the seed recipe, reported through the data summary, not a warning.
    expect(result.warnings).toEqual([]);
    expect(result.data.rowsDropped).toBe(11);
  });

  it('tests on the 67 rows scikit-learn holds out', () => {
    expect(result.split).toMatchObject({ method: 'shuffle', testSize: 0.2, seed: 42, trainRows: 266, testRows: 67 });
    expect(result.split.testRowIndices).toEqual(SEED_TEST_ROWS);
    expect(result.split.description).toMatch(/^train_test_split\(test_size=0.2, random_state=42\): 266 training \/ 67 test rows/);
  });

  it('reaches the accuracy targets: test >= 0.985 (scikit-learn: 66/67), cross-validated mean >= 0.984 (scikit-learn 0.989 - 0.005)', () => {
    expect(result.test.accuracy).toBeGreaterThanOrEqual(66 / 67);
    expect(result.crossValidation!.metrics.accuracy.mean).toBeGreaterThanOrEqual(0.989 - 0.005);
    expect(result.baseline).toMatchObject({ library: 'scikit-learn 1.2.1', testAccuracy: 66 / 67, crossValidationAccuracy: { mean: 0.98904, std: 0.01152 } });
    expect(result.baseline!.crossValidationScheme).toBe(result.crossValidation!.scheme);
  });

  it('reports metrics that agree with each other and with the misclassified rows', () => {
    const { test } = result;
    const matrix = test.confusionMatrix.matrix;
    expect(test.confusionMatrix.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(67);
    expect(matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([31, 18, 18]);
    expect(test.total - test.correct).toBe(result.misclassified.length);
    expect(test.accuracyInterval.lower).toBeLessThanOrEqual(test.accuracy);
    expect(test.accuracyInterval.upper).toBeGreaterThanOrEqual(test.accuracy);
    for (const miss of result.misclassified) {
      expect(SEED_TEST_ROWS).toContain(miss.rowIndex);
      expect(miss.actual).not.toBe(miss.predicted);
    }
    expect(test.perClass.map((c) => c.support)).toEqual([31, 18, 18]);
  });

  it('ranks feature importance, normalized, most important first', () => {
    const values = result.featureImportance.map((f) => f.importance);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(new Set(result.featureImportance.map((f) => f.feature))).toEqual(new Set(result.data.featureNames));
    // Bill and flipper measurements carry the model, as in scikit-learn's importances.
    expect(result.featureImportance.slice(0, 3).map((f) => f.feature).sort()).toEqual(['bill_depth_mm', 'bill_length_mm', 'flipper_length_mm']);
  });

  it('cross-validates 5 x 3 with seed 42', () => {
    expect(result.crossValidation).toMatchObject({ folds: 5, repeats: 3, seed: 42, fits: 15, rows: 333 });
    expect(result.crossValidation!.metrics.accuracy.values).toHaveLength(15);
  });

  it('reports progress tree by tree for the model and for every fold', () => {
    const training = progress.filter((p) => p.stage === 'train');
    expect(training.map((p) => p.trees.done)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const folds = progress.filter((p) => p.stage === 'cross-validation');
    expect(folds).toHaveLength(15 * 100);
    expect(describeProgress(folds.at(-1)!)).toBe('cross-validation: fold 15/15, 100/100 trees');
    expect(describeProgress(training[0]!)).toBe('training: 1/100 trees');
  });

  it('returns a model that serializes and reloads to the same predictions and records its timings', () => {
    const restored = ForestModel.fromJSON(JSON.parse(JSON.stringify(result.model.toJSON())));
    expect(restored.predict([[42.5, 17.3, 187, 3350, 2009, 1, 0, 0]])).toEqual(result.model.predict([[42.5, 17.3, 187, 3350, 2009, 1, 0, 0]]));
    expect(result.hyperparameters).toEqual(result.model.hyperparameters);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.trainMs + result.timings.crossValidationMs);
  });
});

describe('trainAndEvaluate with other options', () => {
  it('uses the seed for split, forest and folds, stratifies on request, and can skip cross-validation', async () => {
    const other = await trainAndEvaluate({ seed: 3, split: { stratify: true, testSize: 0.25 }, forest: { nEstimators: 10, maxDepth: 3 }, crossValidation: false });
    expect(other.split).toMatchObject({ method: 'stratified', seed: 3, testRows: 84, trainRows: 249 });
    expect(other.split.description).toMatch(/stratify=species/);
    expect(other.hyperparameters).toMatchObject({ randomState: 3, nEstimators: 10, maxDepth: 3 });
    expect(other.crossValidation).toBeNull();
    expect(other.baseline).toBeNull();
    const counts = other.data.classCounts.test;
    expect(counts).toEqual({ Adelie: 37, Chinstrap: 17, Gentoo: 30 });
  });

  it('trains on another file given as dataPath, and says which columns it ignored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mct-train-'));
    const path = join(dir, 'extra.csv');
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(DEFAULT_DATA_PATH, 'utf8')).split('\n').map((line, i) => (line ? `${line},${i === 0 ? 'note' : 'x'}` : line)).join('\n');
    await writeFile(path, text);
    const other = await trainAndEvaluate({ dataPath: path, forest: { nEstimators: 5 }, crossValidation: false });
    expect(other.data.source).toBe(path);
    expect(other.data.ignoredColumns).toEqual(['note']);
    expect(other.warnings).toContain('ignored columns not used by the model: note');
    expect(other.baseline).toBeNull();
    await copyFile(DEFAULT_DATA_PATH, join(dir, 'copy.csv'));
    const copy = await trainAndEvaluate({ dataPath: join(dir, 'copy.csv'), forest: { nEstimators: 5 }, crossValidation: false });
    expect(copy.baseline).not.toBeNull();
  });

  it('splits into trainAndTest, whose result has no cross-validation yet, and crossValidateTrained, which adds it', async () => {
    const options = { seed: 5, forest: { nEstimators: 8 }, crossValidation: { folds: 3, repeats: 2 } };
    const tested = await trainAndTest(options);
    expect(tested.crossValidation).toBeNull();
    expect(tested.timings.crossValidationMs).toBe(0);
    const completed = await crossValidateTrained(tested, options);
    const whole = await trainAndEvaluate(options);
    expect(completed.crossValidation).toEqual(whole.crossValidation);
    expect(completed.crossValidation?.fits).toBe(6);
    expect(completed.test).toEqual(whole.test);
    expect(completed.timings.totalMs).toBeCloseTo(tested.timings.totalMs + completed.timings.crossValidationMs, 6);
    // The tested result is not changed, and no scheme means nothing to add.
    expect(tested.crossValidation).toBeNull();
    expect(await crossValidateTrained(tested, { ...options, crossValidation: false })).toBe(tested);
  });

  it('fails with exit 2 on bad data and on bad options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mct-train-'));
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'species,island\nAdelie,Dream\n');
    await expect(trainAndEvaluate({ dataPath: path })).rejects.toThrow(InputError);
    await expect(trainAndEvaluate({ forest: { nEstimators: 0 }, crossValidation: false })).rejects.toThrow(UsageError);
    await expect(trainAndEvaluate({ split: { testSize: 2 } })).rejects.toThrow(/--test-size/);
    await expect(trainAndEvaluate({ crossValidation: { folds: 1 }, forest: { nEstimators: 2 } })).rejects.toThrow(/--cv-folds/);
  });
});
