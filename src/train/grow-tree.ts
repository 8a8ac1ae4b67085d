/**
 * Grows one tree of the forest the way scikit-learn's `RandomForestClassifier` does: a bootstrap
 * sample of the rows (as sample weights), then depth-first best-first-found Gini splits over a
 * fresh random draw of `maxFeatures` features at every node, until leaves are pure or a limit
 * stops them.
 *
 * Fast by construction: the rows of a node are a contiguous range of one index array that is
 * partitioned in place (no copies), and a feature's candidate thresholds are scored from one class
 * histogram of the node's byte codes, swept once (no pass per threshold).
 */
import { LEAF, type FlatTree } from './flat-tree.js';
import { MAX_BINS, lastAtMost, type TrainingMatrix } from './matrix.js';
import { RandomState } from './random.js';

export interface TreeSettings {
  /** Features drawn per split (already resolved to a count). */
  maxFeatures: number;
  /** `Infinity` for no limit. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  bootstrap: boolean;
  /** Whether to predict the tree's out-of-bag rows (for the forest's out-of-bag score). */
  outOfBag: boolean;
}

export interface TreeTask {
  index: number;
  /** The tree's `random_state`: its bootstrap rows and its feature draws. */
  seed: number;
}

export interface GrownTree {
  index: number;
  tree: FlatTree;
  /** Mean decrease in impurity per feature, normalized to sum 1; `null` for a tree without a split. */
  importance: Float64Array | null;
  /** Rows left out of the bootstrap sample, and this tree's class probabilities for each (row-major). */
  outOfBag: { rows: Int32Array; probabilities: Float64Array };
}

/** scikit-learn's `EPSILON`: a node this pure is a leaf. */
const PURE = 2.220446049250313e-16;

/**
 * Working memory of the grower, kept between trees of the same shape: typed arrays live outside
 * the JS heap, and allocating them per tree made garbage collection the largest cost on small data.
 * A class rather than an object literal, so that a second one (larger data) keeps V8's field
 * types and the grower's optimized code (see `BinnedMatrix`).
 */
class Scratch {
  readonly weights: Uint32Array;
  /** The tree's distinct rows, each node a contiguous range; label and weight kept alongside, so the histogram loop reads them in order. */
  readonly samples: Int32Array;
  readonly sampleLabels: Uint16Array;
  readonly sampleWeights: Uint32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly splitCode: Int32Array;
  readonly order: Int32Array;
  readonly histogram: Float64Array;
  readonly binRows: Int32Array;
  readonly leftWeights: Float64Array;
  readonly bestLeft: Float64Array;
  readonly nodeWeights: Float64Array;
  /** The best split found at a node: its bin, then its threshold. */
  readonly bestSplit: Float64Array;
  /** Pending nodes, depth-first: range, depth, parent link, and class weights (`classCount` each). */
  readonly stackStart: Int32Array;
  readonly stackEnd: Int32Array;
  readonly stackDepth: Int32Array;
  readonly stackParent: Int32Array;
  readonly stackWeights: Float64Array;

  constructor(
    readonly rows: number,
    readonly features: number,
    readonly classCount: number,
  ) {
    // A tree over at most `rows` distinct rows has at most 2 * rows - 1 nodes; the stack holds at most one pending node per level.
    const capacity = Math.max(1, 2 * rows);
    this.weights = new Uint32Array(rows);
    this.samples = new Int32Array(rows);
    this.sampleLabels = new Uint16Array(rows);
    this.sampleWeights = new Uint32Array(rows);
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * classCount);
    this.splitCode = new Int32Array(capacity);
    this.order = new Int32Array(features);
    this.histogram = new Float64Array(MAX_BINS * classCount);
    this.binRows = new Int32Array(MAX_BINS);
    this.leftWeights = new Float64Array(classCount);
    this.bestLeft = new Float64Array(classCount);
    this.nodeWeights = new Float64Array(classCount);
    this.bestSplit = new Float64Array(2);
    this.stackStart = new Int32Array(capacity);
    this.stackEnd = new Int32Array(capacity);
    this.stackDepth = new Int32Array(capacity);
    this.stackParent = new Int32Array(capacity);
    this.stackWeights = new Float64Array(capacity * classCount);
  }
}

let cached: Scratch | undefined;

/**
 * The grower's working memory for a tree over `rows` rows, reused while the shape allows: a
 * larger one serves smaller data (cross-validation folds differ by a row), so it is not
 * reallocated fold after fold.
 */
function scratchFor(rows: number, features: number, classCount: number): Scratch {
  if (cached && cached.rows >= rows && cached.features === features && cached.classCount === classCount) return cached;
  cached = new Scratch(rows, features, classCount);
  return cached;
}

const bootstrapStream = new RandomState(0);

/**
 * How many times each row is in the tree's bootstrap sample: scikit-learn's draws for the same seed.
 * @internal exported for its unit tests only
 */
export function drawBootstrap(weights: Uint32Array, seed: number, bootstrap: boolean): void {
  if (!bootstrap) {
    weights.fill(1);
    return;
  }
  weights.fill(0);
  bootstrapStream.reseed(seed).countDraws(weights);
}

/*
 * The grower is split into small functions on purpose: V8 optimizes a small hot function within
 * the first trees of a process, where one large function ran unoptimized (boxing every double it
 * touched) for most of a cold `train-penguins` run while its optimized code compiled.
 */

export function growTree(data: TrainingMatrix, task: TreeTask, settings: TreeSettings): GrownTree {
  const { rows: n, features: d, classCount: K } = data;
  const scratch = scratchFor(n, d, K);
  const weights = scratch.weights.subarray(0, n);
  drawBootstrap(weights, task.seed, settings.bootstrap);
  const sampleCount = gatherSamples(data.labels, weights, scratch.samples, scratch.sampleLabels, scratch.sampleWeights);
  const importance = new Float64Array(d);
  const nodes = growNodes(data, scratch, settings, new XorShift(task.seed ^ 0x5bd1e995), sampleCount, importance);

  const { feature, threshold, left, right, value, splitCode } = scratch;
  const tree: FlatTree = {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    left: left.slice(0, nodes),
    right: right.slice(0, nodes),
    value: value.slice(0, nodes * K),
  };
  const totalImportance = sum(importance, 0, d);
  return {
    index: task.index,
    tree,
    importance: totalImportance > 0 ? importance.map((v) => v / totalImportance) : null,
    outOfBag: settings.outOfBag ? outOfBagProbabilities(data, weights, tree, splitCode.subarray(0, nodes)) : { rows: new Int32Array(0), probabilities: new Float64Array(0) },
  };
}

/** The rows in the bootstrap sample, each once, with its label and how many times it was drawn; returns their count. */
function gatherSamples(labels: Uint16Array, weights: Uint32Array, samples: Int32Array, sampleLabels: Uint16Array, sampleWeights: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] === 0) continue;
    samples[count] = i;
    sampleLabels[count] = labels[i]!;
    sampleWeights[count++] = weights[i]!;
  }
  return count;
}

/** Grows the nodes depth-first into the scratch arrays; returns how many there are. */
function growNodes(data: TrainingMatrix, scratch: Scratch, settings: TreeSettings, rng: XorShift, sampleCount: number, importance: Float64Array): number {
  const { rows: n, features: d, classCount: K, codes } = data;
  const { samples, sampleLabels, sampleWeights, feature, threshold, left, right, value, splitCode, order, bestLeft, nodeWeights, bestSplit } = scratch;
  const { stackStart, stackEnd, stackDepth, stackParent, stackWeights } = scratch;
  for (let f = 0; f < d; f++) order[f] = f;
  let nodes = 0;

  stackStart[0] = 0;
  stackEnd[0] = sampleCount;
  stackDepth[0] = 0;
  stackParent[0] = -1;
  stackWeights.fill(0, 0, K);
  for (let j = 0; j < sampleCount; j++) stackWeights[sampleLabels[j]!]! += sampleWeights[j]!;
  let top = 1;

  while (top > 0) {
    top--;
    const start = stackStart[top]!;
    const end = stackEnd[top]!;
    const depth = stackDepth[top]!;
    const parent = stackParent[top]!;
    for (let k = 0; k < K; k++) nodeWeights[k] = stackWeights[top * K + k]!;
    const id = nodes++;
    // A parent link is stored as parent * 2 + side (0 left, 1 right).
    if (parent >= 0) ((parent & 1) === 0 ? left : right)[parent >> 1] = id;
    feature[id] = LEAF;
    // A leaf has no threshold: 0, not what the scratch array held from an earlier tree, so a
    // forest's file is the same whatever was grown before it in the process.
    threshold[id] = 0;
    left[id] = LEAF;
    right[id] = LEAF;
    value.set(nodeWeights, id * K);
    const nodeTotal = sum(nodeWeights, 0, K);
    const nodeImpurity = gini(nodeWeights, 0, K, nodeTotal);
    const nodeRows = end - start;
    if (depth >= settings.maxDepth || nodeRows < settings.minSamplesSplit || nodeRows < 2 * settings.minSamplesLeaf || nodeImpurity <= PURE) continue;

    const bestFeature = findSplit(data, scratch, settings, rng, start, end, nodeTotal);
    if (bestFeature < 0) continue;
    const bestBin = bestSplit[0]!;

    const leftTotal = sum(bestLeft, 0, K);
    const rightTotal = nodeTotal - leftTotal;
    // The right child's weights go on the stack first, so the left child is grown first.
    for (let k = 0; k < K; k++) stackWeights[top * K + k] = nodeWeights[k]! - bestLeft[k]!;
    const rightImpurity = gini(stackWeights, top * K, K, rightTotal);
    importance[bestFeature]! += nodeTotal * nodeImpurity - leftTotal * gini(bestLeft, 0, K, leftTotal) - rightTotal * rightImpurity;

    const low = partition(codes, bestFeature * n, bestBin, samples, sampleLabels, sampleWeights, start, end);
    feature[id] = bestFeature;
    threshold[id] = bestSplit[1]!;
    // The code every training row on the left side has, for walking the tree on codes (out-of-bag rows).
    splitCode[id] = lastAtMost(data.binValues[bestFeature]!, bestSplit[1]!);
    stackStart[top] = low;
    stackEnd[top] = end;
    stackDepth[top] = depth + 1;
    stackParent[top] = id * 2 + 1;
    top++;
    stackStart[top] = start;
    stackEnd[top] = low;
    stackDepth[top] = depth + 1;
    stackParent[top] = id * 2;
    stackWeights.set(bestLeft, top * K);
    top++;
  }
  return nodes;
}

/**
 * The best Gini split of the node's rows `[start, end)` over a fresh draw of `maxFeatures`
 * features: returns the feature (-1 when no split is allowed) and leaves its bin and threshold in
 * `scratch.bestSplit` and its left child's class weights in `scratch.bestLeft`.
 */
function findSplit(data: TrainingMatrix, scratch: Scratch, settings: TreeSettings, rng: XorShift, start: number, end: number, nodeTotal: number): number {
  const { rows: n, features: d, classCount: K, codes } = data;
  const { samples, sampleLabels, sampleWeights, order, histogram, binRows, bestSplit } = scratch;
  let bestProxy = -Infinity;
  let bestFeature = -1;
  let found = 0;
  for (let i = 0; i < d && found < settings.maxFeatures; i++) {
    const j = i + rng.below(d - i);
    const f = order[j]!;
    order[j] = order[i]!;
    order[i] = f;

    const bounds = fillHistogram(codes, f * n, samples, sampleLabels, sampleWeights, start, end, histogram, binRows, K);
    const lowBin = bounds & 0xffff;
    const highBin = bounds >>> 16;
    if (lowBin === highBin) {
      clear(histogram, binRows, lowBin, highBin, K);
      continue; // a constant feature does not count towards maxFeatures, as in scikit-learn
    }
    found++;
    const proxy = sweepBins(scratch, lowBin, highBin, end - start, nodeTotal, settings.minSamplesLeaf, bestProxy);
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestFeature = f;
      const bestBin = bestSplit[0]!;
      let next = bestBin + 1;
      while (binRows[next] === 0) next++;
      bestSplit[1] = splitThreshold(data.binValues[f]!, data.exact[f]!, bestBin, next);
    }
    clear(histogram, binRows, lowBin, highBin, K);
  }
  return bestFeature;
}

/** Counts the node's class weights and rows per bin of one feature; returns its lowest and highest bin, packed as `low | high << 16`. */
function fillHistogram(
  codes: Uint8Array,
  column: number,
  samples: Int32Array,
  sampleLabels: Uint16Array,
  sampleWeights: Uint32Array,
  start: number,
  end: number,
  histogram: Float64Array,
  binRows: Int32Array,
  K: number,
): number {
  let lowBin = MAX_BINS;
  let highBin = 0;
  for (let r = start; r < end; r++) {
    const bin = codes[column + samples[r]!]!;
    histogram[bin * K + sampleLabels[r]!]! += sampleWeights[r]!;
    binRows[bin]! += 1;
    if (bin < lowBin) lowBin = bin;
    if (bin > highBin) highBin = bin;
  }
  return lowBin | (highBin << 16);
}

/**
 * Sweeps the feature's bins left to right, scoring each threshold by scikit-learn's Gini proxy
 * (the split maximizing it minimizes the children's weighted impurity). Returns the best proxy
 * found or `bestProxy` when none beats it; on a better one, its bin goes to `scratch.bestSplit[0]`
 * and its left class weights to `scratch.bestLeft`.
 */
function sweepBins(scratch: Scratch, lowBin: number, highBin: number, nodeRows: number, nodeTotal: number, minSamplesLeaf: number, bestProxy: number): number {
  const { classCount: K, histogram, binRows, leftWeights, nodeWeights, bestLeft, bestSplit } = scratch;
  leftWeights.fill(0);
  let best = bestProxy;
  let leftTotal = 0;
  let leftRows = 0;
  for (let bin = lowBin; bin < highBin; bin++) {
    if (binRows[bin] === 0) continue;
    for (let k = 0; k < K; k++) {
      const w = histogram[bin * K + k]!;
      leftWeights[k]! += w;
      leftTotal += w;
    }
    leftRows += binRows[bin]!;
    if (leftRows < minSamplesLeaf || nodeRows - leftRows < minSamplesLeaf) continue;
    const rightTotal = nodeTotal - leftTotal;
    let leftSquares = 0;
    let rightSquares = 0;
    for (let k = 0; k < K; k++) {
      const l = leftWeights[k]!;
      const r = nodeWeights[k]! - l;
      leftSquares += l * l;
      rightSquares += r * r;
    }
    const proxy = leftSquares / leftTotal + rightSquares / rightTotal;
    if (proxy > best) {
      best = proxy;
      bestSplit[0] = bin;
      bestLeft.set(leftWeights);
    }
  }
  return best;
}

/** Partitions the node's rows in place, codes `<= bin` first; returns where the right side starts. */
function partition(codes: Uint8Array, column: number, bin: number, samples: Int32Array, sampleLabels: Uint16Array, sampleWeights: Uint32Array, start: number, end: number): number {
  let low = start;
  let high = end - 1;
  while (low <= high) {
    if (codes[column + samples[low]!]! <= bin) low++;
    else {
      swap(samples, low, high);
      swap(sampleLabels, low, high);
      swap(sampleWeights, low, high);
      high--;
    }
  }
  return low;
}

/**
 * The threshold between the node's highest code on the left (`low`) and its lowest on the right
 * (`high`): scikit-learn's midpoint between the two values when bins are exact (the lower value
 * when the midpoint rounds up onto the upper one), else the left bin's upper cut.
 */
function splitThreshold(binValues: Float64Array, exact: boolean, low: number, high: number): number {
  if (!exact) return binValues[low]!;
  const a = binValues[low]!;
  const b = binValues[high]!;
  const middle = a / 2 + b / 2;
  return middle === b || !Number.isFinite(middle) ? a : middle;
}

function outOfBagProbabilities(data: TrainingMatrix, weights: Uint32Array, tree: FlatTree, splitCode: Int32Array): GrownTree['outOfBag'] {
  const { rows: n, features: d, classCount: K, rowCodes } = data;
  let count = 0;
  for (let i = 0; i < n; i++) if (weights[i] === 0) count++;
  const rows = new Int32Array(count);
  const probabilities = new Float64Array(count * K);
  for (let i = 0, j = 0; i < n; i++) {
    if (weights[i] !== 0) continue;
    let node = 0;
    const row = i * d;
    while (tree.feature[node] !== LEAF) node = rowCodes[row + tree.feature[node]!]! <= splitCode[node]! ? tree.left[node]! : tree.right[node]!;
    let total = 0;
    for (let k = 0; k < K; k++) total += tree.value[node * K + k]!;
    for (let k = 0; k < K; k++) probabilities[j * K + k] = tree.value[node * K + k]! / total;
    rows[j++] = i;
  }
  return { rows, probabilities };
}

function swap(array: Int32Array | Uint16Array | Uint32Array, i: number, j: number): void {
  const held = array[i]!;
  array[i] = array[j]!;
  array[j] = held;
}

function clear(histogram: Float64Array, binRows: Int32Array, low: number, high: number, K: number): void {
  histogram.fill(0, low * K, (high + 1) * K);
  binRows.fill(0, low, high + 1);
}

function sum(values: Float64Array, offset: number, length: number): number {
  let total = 0;
  for (let i = offset; i < offset + length; i++) total += values[i]!;
  return total;
}

/** Gini impurity of the class weights `values[offset .. offset + K)`, which sum to `total`. */
function gini(values: Float64Array, offset: number, K: number, total: number): number {
  if (total <= 0) return 0;
  let squares = 0;
  for (let k = offset; k < offset + K; k++) squares += values[k]! * values[k]!;
  return 1 - squares / (total * total);
}

/** Marsaglia's xorshift32: the per-split feature draws, cheap and deterministic for a seed. */
class XorShift {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % bound;
  }
}

