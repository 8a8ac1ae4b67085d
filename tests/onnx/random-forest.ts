/**
 * Random forests over the penguin features, for export tests that must not depend on how the
 * learner grows trees: every split takes a random feature and a threshold halfway between two
 * values of that feature in the data (as a learner would), leaves get random class counts.
 */
import { LEAF, type FlatTree } from '../../src/train/flat-tree.js';
import { FEATURE_NAMES, loadPenguins, SPECIES } from '../../src/train/data.js';
import type { TreeEnsembleSource } from '../../src/onnx/tree-ensemble.js';

export const penguins = await loadPenguins();

/** A small deterministic generator (mulberry32). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTree(random: () => number, depth: number): FlatTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const grow = (level: number): number => {
    const id = feature.length;
    feature.push(LEAF);
    threshold.push(0);
    left.push(LEAF);
    right.push(LEAF);
    value.push(...SPECIES.map(() => 0));
    if (level < depth && random() < 0.85) {
      const f = Math.floor(random() * FEATURE_NAMES.length);
      const values = [...new Set(penguins.X.map((row) => row[f]!))].sort((a, b) => a - b);
      const i = Math.floor(random() * (values.length - 1));
      feature[id] = f;
      threshold[id] = values.length > 1 ? (values[i]! + values[i + 1]!) / 2 : values[0]!;
      left[id] = grow(level + 1);
      right[id] = grow(level + 1);
    } else {
      // A pure leaf now and then, as fully grown trees have many.
      const pure = random() < 0.5 ? Math.floor(random() * SPECIES.length) : -1;
      SPECIES.forEach((_, k) => (value[id * SPECIES.length + k] = pure === -1 ? Math.floor(random() * 7) + (k === 0 ? 1 : 0) : k === pure ? 3 : 0));
    }
    return id;
  };
  grow(0);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

export function randomForest(seed: number, trees = 100, depth = 8): TreeEnsembleSource {
  const random = generator(seed);
  return { classes: [...SPECIES], featureNames: [...FEATURE_NAMES], trees: Array.from({ length: trees }, () => randomTree(random, depth)) };
}
