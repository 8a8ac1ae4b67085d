/**
 * Feature binning: every feature is replaced by the index of its bin before the trees see it.
 *
 * ml-cart tries one threshold per distinct value of a feature in a node, so bounding the number
 * of distinct values bounds the split search. A feature with at most `maxBins` distinct values
 * keeps one bin per value (the trees partition the training rows exactly as they would on the raw
 * values; penguins' features all fit in 255 bins). A feature with more is cut at quantiles, the
 * way scikit-learn's histogram gradient boosting does.
 */

export interface FeatureBins {
  /** Ascending cut points: a value `x` falls in bin `count(t < x)`, so values equal to a cut go left. */
  thresholds: number[];
}

export const DEFAULT_MAX_BINS = 255;

export function fitBins(X: readonly (readonly number[])[], maxBins: number = DEFAULT_MAX_BINS): FeatureBins[] {
  if (!Number.isInteger(maxBins) || maxBins < 2) throw new RangeError(`maxBins must be an integer of at least 2, got ${maxBins}`);
  const columns = X[0]?.length ?? 0;
  return Array.from({ length: columns }, (_, column) => {
    const values = X.map((row) => row[column]!).sort((a, b) => a - b);
    const distinct = values.filter((value, i) => i === 0 || value !== values[i - 1]);
    if (distinct.length <= maxBins) {
      return { thresholds: distinct.slice(1).map((value, i) => (distinct[i]! + value) / 2) };
    }
    const thresholds: number[] = [];
    for (let k = 1; k < maxBins; k++) {
      const cut = midpointPercentile(values, (k / maxBins) * 100);
      if (thresholds.length === 0 || cut > thresholds[thresholds.length - 1]!) thresholds.push(cut);
    }
    return { thresholds };
  });
}

/** `np.percentile(values, q, method="midpoint")` of ascending `values`. */
function midpointPercentile(sorted: readonly number[], q: number): number {
  const position = (q / 100) * (sorted.length - 1);
  return (sorted[Math.floor(position)]! + sorted[Math.ceil(position)]!) / 2;
}

export function binRow(row: readonly number[], bins: readonly FeatureBins[]): number[] {
  return bins.map(({ thresholds }, column) => {
    const value = row[column]!;
    let low = 0;
    let high = thresholds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (thresholds[middle]! < value) low = middle + 1;
      else high = middle;
    }
    return low;
  });
}

export function binRows(X: readonly (readonly number[])[], bins: readonly FeatureBins[]): number[][] {
  return X.map((row) => binRow(row, bins));
}
