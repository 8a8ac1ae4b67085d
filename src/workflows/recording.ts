/**
 * The record step every recording command runs through: `record` runs it against where runs go
 * and, when the server stops answering part-way, runs it again against the local store
 * (`recordWithFallback`), so the run is kept whole. A step logs what was computed before it; it
 * computes nothing, because it may run twice.
 */
import type { MlflowClient } from '../mlflow/client.js';
import type { TrackingTarget } from '../mlflow/fallback.js';

export type RecordStep<T> = (client: MlflowClient, target: TrackingTarget) => Promise<T>;

export interface Recording {
  record<T>(step: RecordStep<T>): Promise<T>;
}
