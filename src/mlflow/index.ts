/**
 * mlflow-mct's MLflow client: tracking, artifacts, Model Registry and model logging over
 * MLflow's REST API, configured like MLflow's Python client.
 *
 * ```ts
 * const client = MlflowClient.fromConfig(loadMlflowConfig({ mlflowUri: flags.mlflowUri }));
 * const experimentId = await client.getOrCreateExperiment('penguins');
 * const run = await client.createRun({ experimentId, runName: 'rf-100' });
 * await client.logBatch(run.info.runId, { params: { n_estimators: 100 }, metrics: [{ key: 'accuracy', value: 0.985 }] });
 * await client.endRun(run.info.runId);
 * await client.close();
 * ```
 */
export { MlflowClient } from './client.js';
export type {
  ArtifactLocation,
  LogBatchInput,
  LogBatchResult,
  LogModelOptions,
  LogModelResult,
  MetricInput,
  MlflowClientOptions,
  RegisterModelOptions,
  ResolvedModel,
  SearchAllOptions,
} from './client.js';
export { createStore, type CreateStoreOptions } from './create-store.js';
export { RestStore } from './rest/index.js';
export { FileStore } from './file-store/index.js';
export * from './tags.js';
export { MLFLOW_LIMITS } from './store/index.js';
export type * from './store/index.js';
export type * from './types.js';
export {
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  describeConfig,
  loadMlflowConfig,
  redactUri,
  type ConfigOverrides,
  type Credentials,
  type LoadConfigOptions,
  type MlflowConfig,
  type RetryPolicy,
  type TlsOptions,
} from './config.js';
export { MlflowHttpClient, type HttpClientOptions, type HttpStats, type RetryEvent, type Transport, type TransportRequest, type TransportResponse } from './rest/http.js';
export * from './errors.js';
export {
  appendToArtifactUri,
  formatModelUri,
  normalizeArtifactPath,
  parseModelUri,
  resolveProxiedArtifactRoot,
  type ModelUri,
  type ProxiedArtifactRoot,
} from './uris.js';
export { filterKey, filterLiteral } from './filters.js';
export { validateAlias, validateKey } from './validation.js';
export {
  attachCardToMlflow,
  planCardAttachment,
  type CardAttachmentAction,
  type CardAttachmentPlan,
  type CardAttachmentRequest,
  type CardAttachmentResult,
} from './attach-card.js';
export { pushLocalStore, type PushOptions, type PushProgress, type PushSummary } from './push/index.js';
export { openTrackingTarget, recordWithFallback, type TrackingTarget } from './fallback.js';
