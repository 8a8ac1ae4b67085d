import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from 'ml-random-forest';
import { loadPenguins, parsePenguinsCsv } from '../../src/train/data.js';
import { trainTestSplit } from '../../src/train/split.js';
import { ForestModel, featuresPerSplit, trainForest, treeSeeds } from '../../src/train/forest.js';
import { drawBootstrap } from '../../src/train/grow-tree.js';
import { LEAF, type FlatTree } from '../../src/train/flat-tree.js';
import { createTreeGrower } from '../../src/train/grower.js';
import { InputError, UsageError } from '../../src/errors.js';
import { syntheticPenguinsCsv } from '../../src/train/synthetic.js';
import { parity } from './parity-fixture.js';

const penguins = await loadPenguins();
const split = trainTestSplit(penguins.y, { testSize: 0.2, seed: 42, stratify: false });
const train = { X: split.train.map((p) => penguins.X[p]!), y: split.train.map((p) => penguins.y[p]!) };
const test = { X: split.test.map((p) => penguins.X[p]!), y: split.test.map((p) => penguins.y[p]!) };
const accuracy = (predicted: readonly string[], truth: readonly string[]) => predicted.filter((v, i) => v === truth[i]).length / truth.length;

/** Walks a flat tree the plain way, independently of the model's own code. */
function leafProbabilities(tree: FlatTree, row: readonly number[], classCount: number): number[] {
  let node = 0;
  while (tree.feature[node] !== LEAF) node = row[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  const weights = Array.from(tree.value.slice(node * classCount, (node + 1) * classCount));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

function depthOf(tree: FlatTree, node = 0): number {
  return tree.feature[node] === LEAF ? 0 : 1 + Math.max(depthOf(tree, tree.left[node]!), depthOf(tree, tree.right[node]!));
}

// Trained once and shared: the defaults on the seed split.
const model = await trainForest(train.X, train.y, penguins.featureNames);

describe('the forest on the seed split', () => {
  it('gets at least 66 of the 67 test rows right, as scikit-learn does', () => {
    expect(accuracy(model.predict(test.X), test.y)).toBeGreaterThanOrEqual(66 / 67);
  });

  it('records scikit-learn-named hyperparameters, max_features resolved to sqrt(8) = 2 per split', () => {
    expect(model.hyperparameters).toEqual({
      nEstimators: 100, maxDepth: null, maxFeatures: 'sqrt', minSamplesSplit: 2, minSamplesLeaf: 1, bootstrap: true, randomState: 42, featuresPerSplit: 2,
    });
    expect(model.trees).toHaveLength(100);
  });

  it('reports feature importances that are non-negative and sum to 1, bill length first as in scikit-learn', () => {
    const importance = model.featureImportance!;
    expect(importance.every((v) => v >= 0)).toBe(true);
    expect(importance.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const top = penguins.featureNames[importance.indexOf(Math.max(...importance))];
    expect(top).toBe('bill_length_mm');
  });
});

describe('scikit-learn semantics', () => {
  it('predicts by soft voting: the mean of each tree\'s leaf probabilities', async () => {
    // Shallow trees keep mixed leaves, where soft and hard voting differ.
    const model = await trainForest(train.X, train.y, penguins.featureNames, { maxDepth: 2 });
    const K = model.classes.length;
    const expected = penguins.X.map((row) => {
      const sums = new Array<number>(K).fill(0);
      for (const tree of model.trees) leafProbabilities(tree, row, K).forEach((p, k) => (sums[k] += p));
      return sums.map((s) => s / model.trees.length);
    });
    const actual = model.predictProba(penguins.X);
    actual.forEach((row, i) => row.forEach((p, k) => expect(p).toBeCloseTo(expected[i]![k]!, 12)));
    // Soft, not hard: some rows get a probability that no vote count over 100 trees could give.
    expect(actual.flat().some((p) => Math.abs(p * 100 - Math.round(p * 100)) > 1e-9)).toBe(true);
  });

  it('draws the features afresh at every split: a tree with max_features=1 splits on several features', async () => {
    const forest = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 5, maxFeatures: 1 });
    for (const tree of forest.trees) {
      const used = new Set(Array.from(tree.feature).filter((f) => f !== LEAF));
      expect(used.size).toBeGreaterThan(1);
    }
  });

  it('resolves max_features as scikit-learn does', () => {
    expect([featuresPerSplit('sqrt', 8), featuresPerSplit('log2', 8), featuresPerSplit(null, 8), featuresPerSplit(3, 8), featuresPerSplit(0.5, 8), featuresPerSplit(0.01, 8)]).toEqual([2, 3, 8, 3, 4, 1]);
  });

  it('draws the tree seeds and bootstrap rows scikit-learn draws for random_state=42', () => {
    const seeds = treeSeeds(42, 3);
    expect(seeds).toEqual(parity.forest.treeSeeds);
    seeds.forEach((seed, t) => {
      const weights = new Uint32Array(266);
      drawBootstrap(weights, seed, true);
      const expected = new Array<number>(266).fill(0);
      for (const row of parity.forest.bootstraps[t]!) expected[row]! += 1;
      expect(Array.from(weights)).toEqual(expected);
    });
  });

  it('scores out of bag as scikit-learn does: each training row by the summed probabilities of the trees that left it out', () => {
    const K = model.classes.length;
    const seeds = treeSeeds(42, 100);
    const sums = train.X.map(() => new Array<number>(K).fill(0));
    model.trees.forEach((tree, t) => {
      const weights = new Uint32Array(train.X.length);
      drawBootstrap(weights, seeds[t]!, true);
      train.X.forEach((row, i) => {
        if (weights[i] === 0) leafProbabilities(tree, row, K).forEach((p, k) => (sums[i]![k] += p));
      });
    });
    const scored = sums.filter((s) => s.some((v) => v > 0)).length;
    const correct = sums.filter((s, i) => s.some((v) => v > 0) && model.classes[s.indexOf(Math.max(...s))] === train.y[i]).length;
    expect(model.outOfBag).toEqual({ accuracy: correct / scored, rowsScored: scored });
    expect(scored).toBe(266);
  });

  it('puts a threshold halfway between neighbouring training values, left when <=', async () => {
    const X = [[1], [2], [3], [10]];
    const forest = await trainForest(X, ['a', 'a', 'b', 'b'], ['x'], { nEstimators: 1, bootstrap: false });
    const [tree] = forest.trees;
    expect(Array.from(tree!.threshold.slice(0, 1))).toEqual([2.5]);
    expect(forest.predict([[2.5], [2.5000001]])).toEqual(['a', 'b']);
  });

  it('credits all importance to the only informative feature', async () => {
    const X = Array.from({ length: 60 }, (_, i) => [(i * 7) % 3, i % 2, 5]);
    const forest = await trainForest(X, X.map((row) => String(row[1])), ['noise', 'signal', 'constant'], { nEstimators: 10, maxFeatures: null });
    expect(forest.featureImportance).toEqual([0, 1, 0]);
  });

  it('trains every tree on all rows without bootstrap, and then has no out-of-bag score', async () => {
    const forest = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 3, bootstrap: false, maxFeatures: null });
    expect(forest.outOfBag).toBeNull();
    const K = forest.classes.length;
    const rootRows = forest.trees[0]!.value.slice(0, K).reduce((a, b) => a + b, 0);
    expect(rootRows).toBe(train.X.length);
  });

  it('grows the same trees without the out-of-bag score when it is not asked for (cross-validation fits)', async () => {
    const withScore = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 20 });
    const without = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 20 }, { outOfBagScore: false });
    expect(withScore.outOfBag).not.toBeNull();
    expect(without.outOfBag).toBeNull();
    expect(without.trees).toEqual(withScore.trees);
    expect(without.featureImportance).toEqual(withScore.featureImportance);
  });

  it('limits every tree to max_depth levels below the root and honours min_samples_leaf', async () => {
    const shallow = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 10, maxDepth: 2 });
    expect(Math.max(...shallow.trees.map((tree) => depthOf(tree)))).toBe(2);
    expect(Math.max(...model.trees.map((tree) => depthOf(tree)))).toBeGreaterThan(2);
    const leafy = await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 5, minSamplesLeaf: 10, bootstrap: false });
    for (const tree of leafy.trees) {
      // Without bootstrap every row weighs 1, so a leaf's weights count its rows.
      for (let node = 0; node < tree.feature.length; node++) {
        if (tree.feature[node] !== LEAF) continue;
        const rows = Array.from(tree.value.slice(node * 3, node * 3 + 3)).reduce((a, b) => a + b, 0);
        expect(rows).toBeGreaterThanOrEqual(10);
      }
    }
  });
});

describe('ml-random-forest as the model format', () => {
  const json = JSON.parse(JSON.stringify(model.toJSON())) as ReturnType<ForestModel['toJSON']>;

  it('saves a forest RandomForestClassifier.load reads, whose every tree predicts what ours does on every penguin', () => {
    const loaded = RandomForestClassifier.load(json as never);
    const votes = (loaded.predictionValues(penguins.X) as unknown as { to2DArray(): number[][] }).to2DArray();
    expect(votes).toEqual(model.treeVotes(penguins.X));
  });

  it('reads a forest trained by ml-random-forest itself and predicts what its trees predict on every penguin', () => {
    const labels = penguins.y.map((name) => penguins.classes.indexOf(name));
    const upstream = new RandomForestClassifier({ nEstimators: 25, seed: 3, noOOB: true, maxFeatures: 0.5 });
    upstream.train(penguins.X, labels);
    const forest = ForestModel.fromJSON(JSON.parse(JSON.stringify(upstream.toJSON())));
    expect(forest.classes).toEqual(['0', '1', '2']);
    expect(forest.featureNames).toHaveLength(8);
    expect(forest.hyperparameters).toBeNull();
    const votes = (upstream.predictionValues(penguins.X) as unknown as { to2DArray(): number[][] }).to2DArray();
    expect(forest.treeVotes(penguins.X)).toEqual(votes);
  });

  it('reloads from JSON text to identical predictions, probabilities, importances and out-of-bag score', () => {
    const restored = ForestModel.fromJSON(json);
    expect(restored.predictProba(penguins.X)).toEqual(model.predictProba(penguins.X));
    expect(restored.predict(penguins.X)).toEqual(model.predict(penguins.X));
    expect(restored.featureImportance).toEqual(model.featureImportance);
    expect(restored.outOfBag).toEqual(model.outOfBag);
    expect(JSON.stringify(restored.toJSON())).toBe(JSON.stringify(json));
  });

  it('rejects JSON that is not a forest, or a damaged one, as input errors', () => {
    expect(() => ForestModel.fromJSON({ name: 'something-else' })).toThrow(InputError);
    expect(() => ForestModel.fromJSON(null)).toThrow(InputError);
    expect(() => ForestModel.fromJSON({ ...json, mlflowMct: { ...json.mlflowMct, featureImportance: [1] } })).toThrow(/feature names and importances disagree/);
    const fewerIndexes = { ...json.baseModel, indexes: json.baseModel.indexes.slice(1) };
    expect(() => ForestModel.fromJSON({ ...json, baseModel: fewerIndexes })).toThrow(/estimators and feature indexes disagree/);
    const broken = { ...json.baseModel, estimators: json.baseModel.estimators.map(() => ({ name: 'DTClassifier', root: { splitColumn: 0 } })) };
    expect(() => ForestModel.fromJSON({ ...json, baseModel: broken })).toThrow(/lacks its column, value or children/);
  });

  it('rejects rows of the wrong width or with non-finite values, naming the feature', () => {
    expect(() => model.predict([[1, 2, 3]])).toThrow(InputError);
    expect(() => model.predict([[39.1, Number.NaN, 181, 3750, 2007, 0, 1, 1]])).toThrow(/feature "bill_depth_mm"/);
  });
});

describe('determinism', () => {
  it('gives the same model for the same random_state and another one for another', async () => {
    const again = await trainForest(train.X, train.y, penguins.featureNames);
    expect(JSON.stringify(again.toJSON())).toBe(JSON.stringify(model.toJSON()));
    const other = await trainForest(train.X, train.y, penguins.featureNames, { randomState: 7 });
    expect(JSON.stringify(other.toJSON())).not.toBe(JSON.stringify(model.toJSON()));
  });

  it('grows the same flat trees, leaves included, whatever was grown before it in the process', async () => {
    // The ONNX export writes every node of the flat trees, so a leaf's threshold must not be what
    // the grower's working memory held from an earlier tree.
    const small = { nEstimators: 5, randomState: 11 };
    const first = (await trainForest(train.X, train.y, penguins.featureNames, small)).trees;
    await trainForest(train.X, train.y, penguins.featureNames, { nEstimators: 5, randomState: 3, maxFeatures: null });
    expect((await trainForest(train.X, train.y, penguins.featureNames, small)).trees).toEqual(first);
  });

  it('grows the same trees through a caller-provided grower as through its own', async () => {
    const grower = createTreeGrower(0);
    expect(grower.workers).toBe(0);
    const viaGrower = await trainForest(train.X, train.y, penguins.featureNames, {}, { grower });
    await grower.close();
    expect(JSON.stringify(viaGrower.toJSON())).toBe(JSON.stringify(model.toJSON()));
  });
});

describe('bad options and data', () => {
  it.each([
    [{ maxFeatures: 9 }, /max_features must be sqrt, log2, all, a whole number from 1 to 8/],
    [{ maxFeatures: 0 }, /max_features/],
    [{ maxDepth: 0 }, /max_depth must be an integer of at least 1/],
    [{ nEstimators: 1.5 }, /n_estimators/],
    [{ minSamplesSplit: 1 }, /min_samples_split must be an integer of at least 2/],
    [{ minSamplesLeaf: 0 }, /min_samples_leaf/],
  ])('refuses %o as a usage error naming the parameter', async (options, message) => {
    await expect(trainForest(train.X, train.y, penguins.featureNames, options)).rejects.toThrow(UsageError);
    await expect(trainForest(train.X, train.y, penguins.featureNames, options)).rejects.toThrow(message);
  });

  it('refuses non-finite values and a single class as input errors naming the row and feature', async () => {
    const X = train.X.map((row) => [...row]);
    X[4]![2] = Number.POSITIVE_INFINITY;
    await expect(trainForest(X, train.y, penguins.featureNames)).rejects.toThrow(/training row 5, feature "flipper_length_mm"/);
    await expect(trainForest(train.X, train.y.map(() => 'Adelie'), penguins.featureNames)).rejects.toThrow(/one class only/);
  });
});

describe('bigger data', () => {
  it('cuts features with many distinct values at quantiles and still predicts well, with a full bootstrap per tree', async () => {
    const big = parsePenguinsCsv(syntheticPenguinsCsv(penguins, 4000, 3), 'synthetic.csv');
    const half = big.X.length / 2;
    const forest = await trainForest(big.X.slice(0, half), big.y.slice(0, half), big.featureNames, { nEstimators: 20 });
    // Each tree's root holds every bootstrap draw: as many as there are training rows.
    const K = forest.classes.length;
    for (const tree of forest.trees) expect(tree.value.slice(0, K).reduce((a, b) => a + b, 0)).toBe(half);
    expect(accuracy(forest.predict(big.X.slice(half)), big.y.slice(half))).toBeGreaterThan(0.95);
  });
});
