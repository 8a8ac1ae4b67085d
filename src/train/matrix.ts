/**
 * The training data as the tree grower reads it: every feature binned once into byte codes,
 * column by column, so a node's class histogram for a feature is one pass over its rows.
 *
 * A feature with at most `MAX_BINS` distinct values keeps one bin per value, so splits are exactly
 * scikit-learn's (penguins' features all fit). A feature with more is cut at quantiles, as
 * scikit-learn's histogram gradient boosting does, which bounds the candidate thresholds per node.
 */

/** Bins per feature: codes fit a byte. */
export const MAX_BINS = 256;

export interface TrainingMatrix {
  rows: number;
  features: number;
  classCount: number;
  /** Bin code of row `i`, feature `f` at `codes[f * rows + i]`: one feature's codes in a row, for histograms. */
  codes: Uint8Array;
  /** The same codes row by row (`rowCodes[i * features + f]`), for walking trees. */
  rowCodes: Uint8Array;
  /** Class index of each row. */
  labels: Uint16Array;
  /**
   * Per feature, the value each bin stands for, ascending: the distinct value itself when the
   * feature is `exact`, else the bin's upper cut (`Infinity` for the last bin).
   */
  binValues: Float64Array[];
  exact: boolean[];
}

/**
 * Bins `X`. With `shared`, the codes and labels live in SharedArrayBuffers, so worker threads read
 * them without a copy.
 */
export function buildTrainingMatrix(X: readonly (readonly number[])[], labels: readonly number[], classCount: number, shared = false): TrainingMatrix {
  const rows = X.length;
  const features = X[0]?.length ?? 0;
  const buffer = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const codes = new Uint8Array(buffer(rows * features));
  const rowCodes = new Uint8Array(buffer(rows * features));
  const labelCodes = new Uint16Array(buffer(rows * 2));
  labels.forEach((label, i) => (labelCodes[i] = label));
  const binValues: Float64Array[] = [];
  const exact: boolean[] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let i = 0; i < rows; i++) column[i] = X[i]![f]!;
    const sorted = column.slice().sort();
    const distinct = distinctValues(sorted);
    const isExact = distinct.length <= MAX_BINS;
    const values = isExact ? distinct : quantileCuts(sorted);
    binValues.push(values);
    exact.push(isExact);
    const out = codes.subarray(f * rows, (f + 1) * rows);
    // Exact: the index of the value; cut: the number of cuts below the value (a value equal to a cut goes left).
    for (let i = 0; i < rows; i++) {
      const code = lowerBound(values, column[i]!);
      out[i] = code;
      rowCodes[i * features + f] = code;
    }
  }
  return new BinnedMatrix(rows, features, classCount, codes, rowCodes, labelCodes, binValues, exact);
}

/**
 * Made by a constructor, not an object literal: V8 generalizes the field types of a literal's
 * objects when the literal runs a second time, which threw away the grower's optimized code at
 * the first cross-validation fold (each fold bins its own rows).
 */
class BinnedMatrix implements TrainingMatrix {
  constructor(
    readonly rows: number,
    readonly features: number,
    readonly classCount: number,
    readonly codes: Uint8Array,
    readonly rowCodes: Uint8Array,
    readonly labels: Uint16Array,
    readonly binValues: Float64Array[],
    readonly exact: boolean[],
  ) {}
}

function distinctValues(sorted: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  const distinct = new Float64Array(count);
  for (let i = 0, j = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[j++] = sorted[i]!;
  return distinct;
}

/** `MAX_BINS - 1` ascending cuts at `np.percentile(..., method="midpoint")`, then `Infinity` for the top bin. */
function quantileCuts(sorted: Float64Array): Float64Array {
  const cuts: number[] = [];
  for (let k = 1; k < MAX_BINS; k++) {
    const position = (k / MAX_BINS) * (sorted.length - 1);
    const cut = (sorted[Math.floor(position)]! + sorted[Math.ceil(position)]!) / 2;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  cuts.push(Infinity);
  return Float64Array.from(cuts);
}

/** The first index whose value is `>= target`. */
function lowerBound(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The last index whose value is `<= target` (-1 when none is). */
export function lastAtMost(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! <= target) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
