/** What MLflow accepts in one request and in one stored value, and what a store can do. */

/** What one `logBatch` call and the stored values may hold; MLflow's `utils/validation.py`. */
export interface StoreLimits {
  maxMetricsPerBatch: number;
  maxParamsPerBatch: number;
  maxTagsPerBatch: number;
  maxEntitiesPerBatch: number;
  /** Serialized request size; MLflow documents 1 MB. */
  maxBatchBytes: number;
  maxKeyLength: number;
  maxParamValueLength: number;
  maxRunTagValueLength: number;
  maxExperimentTagValueLength: number;
  maxRegistryTagValueLength: number;
  /** Registered-model and model-version descriptions (a `String(5000)` column). */
  maxDescriptionLength: number;
  maxDatasetsPerBatch: number;
  maxDatasetNameLength: number;
  maxDatasetDigestLength: number;
  maxAliasLength: number;
}

/** Limits of MLflow 2.17+ and 3.x (MLflow 3.17 raised experiment and registry tag values). */
export const MLFLOW_LIMITS: StoreLimits = {
  maxMetricsPerBatch: 1000,
  maxParamsPerBatch: 100,
  maxTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  maxBatchBytes: 1_000_000,
  maxKeyLength: 250,
  maxParamValueLength: 6000,
  maxRunTagValueLength: 8000,
  maxExperimentTagValueLength: 5000,
  maxRegistryTagValueLength: 5000,
  maxDescriptionLength: 5000,
  maxDatasetsPerBatch: 1000,
  maxDatasetNameLength: 500,
  maxDatasetDigestLength: 36,
  maxAliasLength: 255,
};

export interface StoreCapabilities {
  /** The MLflow version behind the store when known (e.g. `3.17.2`). */
  version: string | undefined;
  /** MLflow 3 LoggedModels (`createLoggedModel`, `finalizeLoggedModel`, `logOutputs`...). */
  loggedModels: boolean;
  limits: StoreLimits;
}

