/**
 * Metrics as the REST API carries them: NaN and the infinities travel as strings, and empty
 * optional fields are left out. Kept apart from the REST store so that local validation (which
 * sizes batches by their wire form) does not load the HTTP stack.
 */
import type { Metric } from './types.js';

export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface WireMetric {
  key: string;
  value: WireNumber;
  timestamp: number;
  step?: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export function toWireNumber(value: number): WireNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function fromWireNumber(value: WireNumber | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toWireMetric(metric: Metric): WireMetric {
  const wire: WireMetric = { key: metric.key, value: toWireNumber(metric.value), timestamp: metric.timestamp, step: metric.step };
  if (metric.modelId !== undefined) wire.model_id = metric.modelId;
  if (metric.datasetName !== undefined) wire.dataset_name = metric.datasetName;
  if (metric.datasetDigest !== undefined) wire.dataset_digest = metric.datasetDigest;
  return wire;
}
