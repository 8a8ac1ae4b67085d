/**
 * A run's metrics as a card shows them: rounded to four decimals (the precision train-penguins
 * writes; the exact values stay in MLflow and in the sidecar), `<m>_ci_lower`/`_ci_upper` folded
 * into `<m>`'s confidence interval, and per-class keys (`f1_Adelie`) turned back into a metric
 * with a slice.
 */
import type { PerformanceMetric } from './schema.js';

const PER_CLASS = /^(precision|recall|f1|support)_(.+)$/;
const NOT_A_CLASS = /^(macro|weighted|micro|samples|cv_mean|cv_std|ci_lower|ci_upper)$|_cv_(mean|std)$/;

/** Four decimals, without trailing zeros beyond what the value has; integers stay integers. */
function roundedMetric(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-4 ? value.toFixed(4) : value.toPrecision(4);
}

export function performanceMetrics(metrics: Record<string, number>): PerformanceMetric[] {
  const keys = Object.keys(metrics).sort();
  const folded = new Set<string>();
  const result: PerformanceMetric[] = [];
  for (const key of keys) {
    const lower = metrics[`${key}_ci_lower`];
    const upper = metrics[`${key}_ci_upper`];
    const perClass = PER_CLASS.exec(key);
    const slice = perClass && !NOT_A_CLASS.test(perClass[2] as string) ? (perClass[2] as string) : undefined;
    const metric: PerformanceMetric = { type: slice ? (perClass?.[1] as string) : key, value: roundedMetric(metrics[key] as number), ...(slice ? { slice } : {}) };
    if (lower !== undefined && upper !== undefined) {
      metric.confidence_interval = { lower_bound: roundedMetric(lower), upper_bound: roundedMetric(upper) };
      folded.add(`${key}_ci_lower`).add(`${key}_ci_upper`);
    }
    result.push(metric);
  }
  return result.filter((metric) => metric.slice !== undefined || !folded.has(metric.type as string));
}
