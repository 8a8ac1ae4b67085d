/**
 * MCT's flat list of performance metrics grouped as readers look for them: overall metrics with
 * their interval, one table of slices (classes) x metric types, and cross-validation summaries
 * (`<name>_cv_mean` with `<name>_cv_std`) as mean ± std on one row.
 */

import type { Lang } from './labels.js';
import { localNumber, metricKeyName } from './metric-names.js';
import type { PerformanceMetric } from './schema.js';

export interface MetricCell {
  value: string;
  /** "lower–upper", when the metric has an interval. */
  interval?: string;
}

export interface MetricTables {
  overall: Array<{ name: string } & MetricCell>;
  /** Set when any metric has a slice; each row has one cell per type (empty when missing). */
  bySlice?: { types: string[]; rows: Array<{ slice: string; cells: MetricCell[] }>; hasIntervals: boolean };
  crossValidation: Array<{ name: string; mean: string; std: string }>;
  hasIntervals: boolean;
}

const CV_MEAN = /^(.+)_cv_mean$/;

/** The tables in the card's language: metric display names, Spanish decimal commas. */
export function metricTables(metrics: readonly PerformanceMetric[], escape: (text: string) => string, lang: Lang): MetricTables {
  const number = (value: string | undefined) => localNumber(value ?? '', lang);
  const name = (type: string | undefined) => escape(metricKeyName(type ?? '', lang));
  const cell = (metric: PerformanceMetric): MetricCell => {
    const interval = metric.confidence_interval;
    const bounds = interval && (interval.lower_bound || interval.upper_bound) ? `${number(interval.lower_bound)}–${number(interval.upper_bound)}` : undefined;
    return { value: escape(number(metric.value)), ...(bounds ? { interval: escape(bounds) } : {}) };
  };
  const stds = new Map(
    metrics.filter((metric) => !metric.slice && metric.type?.endsWith('_cv_std')).map((metric) => [metric.type!.replace(/_cv_std$/, ''), metric]),
  );
  const paired = new Set<PerformanceMetric>();
  const crossValidation: MetricTables['crossValidation'] = [];
  for (const metric of metrics) {
    const base = !metric.slice ? CV_MEAN.exec(metric.type ?? '')?.[1] : undefined;
    const std = base ? stds.get(base) : undefined;
    if (!base || !std) continue;
    paired.add(metric).add(std);
    crossValidation.push({ name: name(base), mean: escape(number(metric.value)), std: escape(number(std.value)) });
  }

  const sliced = metrics.filter((metric) => metric.slice);
  const overall = metrics.filter((metric) => !metric.slice && !paired.has(metric)).map((metric) => ({ name: name(metric.type), ...cell(metric) }));
  const tables: MetricTables = { overall, crossValidation, hasIntervals: overall.some((row) => row.interval !== undefined) };
  if (sliced.length > 0) {
    const types = [...new Set(sliced.map((metric) => metric.type ?? ''))];
    const slices = [...new Set(sliced.map((metric) => metric.slice ?? ''))];
    const rows = slices.map((slice) => ({
      slice: escape(slice),
      cells: types.map((type) => {
        const found = sliced.find((metric) => metric.slice === slice && (metric.type ?? '') === type);
        return found ? cell(found) : { value: '' };
      }),
    }));
    tables.bySlice = { types: types.map(name), rows, hasIntervals: rows.some((row) => row.cells.some((entry) => entry.interval !== undefined)) };
  }
  return tables;
}
