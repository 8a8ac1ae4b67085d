/**
 * The storage contracts behind `MlflowClient`, along MLflow's own seams: a tracking store, a
 * model-registry store and an artifact repository. One `MlflowStore` bundles the three parts
 * that reach the same place (a tracking server, or a local directory) and closes them together.
 */
import type { ArtifactRepository } from './artifacts.js';
import type { RegistryStore } from './registry.js';
import type { TrackingStore } from './tracking.js';

export interface MlflowStore {
  /** Where the data goes, safe to print (no credentials). */
  readonly location: string;
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  readonly artifacts: ArtifactRepository;
  /** Releases connections or handles; the store is not used afterwards. */
  close(): Promise<void>;
}

export type * from './artifacts.js';
export type * from './registry.js';
export type * from './tracking.js';
export { MLFLOW_LIMITS, type StoreCapabilities, type StoreLimits } from './limits.js';
