/**
 * `MlflowClient`: the high-level API the commands use, written against the store interfaces
 * only (`store/`), so the same code logs to a tracking server (`RestStore`) or a local store
 * (`FileStore`).
 *
 * It adds what MLflow's Python `MlflowClient` adds over its stores, in one module per concern
 * (`client/`): experiment resolution from the environment, local validation and log-batch
 * chunking (`tracking.ts`), recursive artifact upload and download (`artifacts.ts`), model-URI
 * resolution (`model-uris.ts`), model logging for both major MLflow versions
 * (`model-logging.ts`) and registration (`registry.ts`). This class only routes to them.
 */
import type { MlflowConfig } from './config.js';
import { createStore, type CreateStoreOptions } from './create-store.js';
import { ArtifactClient } from './client/artifacts.js';
import { ModelLogger, type LogModelOptions, type LogModelResult } from './client/model-logging.js';
import { ModelResolver, type ArtifactLocation, type ResolvedModel } from './client/model-uris.js';
import type { SearchAllOptions } from './client/pages.js';
import type { MlflowClientOptions } from './client/part.js';
import { RegistryClient, type CreateModelVersionRequest, type RegisterModelOptions } from './client/registry.js';
import { TrackingClient, type LogBatchInput, type LogBatchResult } from './client/tracking.js';
import type { MlflowStore } from './store/index.js';
import type { StoreCapabilities } from './store/limits.js';
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LoggedModel,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  Tags,
  ViewType,
} from './types.js';

export type { MetricInput, LogBatchInput, LogBatchResult } from './client/tracking.js';
export type { LogModelOptions, LogModelResult } from './client/model-logging.js';
export type { ArtifactLocation, ResolvedModel } from './client/model-uris.js';
export type { RegisterModelOptions } from './client/registry.js';
export type { SearchAllOptions } from './client/pages.js';
export type { MlflowClientOptions } from './client/part.js';

export class MlflowClient {
  readonly tracking: TrackingClient;
  readonly registry: RegistryClient;
  readonly artifacts: ArtifactClient;
  readonly models: ModelLogger;
  private readonly resolver: ModelResolver;

  constructor(
    readonly store: MlflowStore,
    options: MlflowClientOptions = {},
  ) {
    this.tracking = new TrackingClient(store, options);
    this.resolver = new ModelResolver(store, options);
    this.artifacts = new ArtifactClient(store, this.resolver, options);
    this.registry = new RegistryClient(store, this.resolver, options);
    this.models = new ModelLogger(store, this.artifacts, this.registry, options);
  }

  /** A client for the store the configuration names (see `createStore`). */
  static fromConfig(config: MlflowConfig, options: CreateStoreOptions & MlflowClientOptions = {}): MlflowClient {
    return new MlflowClient(createStore(config, options), options);
  }

  capabilities(): Promise<StoreCapabilities> {
    return this.tracking.capabilities();
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.tracking.getExperiment(experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.tracking.getExperimentByName(name);
  }

  createExperiment(name: string, options: { artifactLocation?: string; tags?: Tags } = {}): Promise<string> {
    return this.tracking.createExperiment(name, options);
  }

  getOrCreateExperiment(name: string, options: { tags?: Tags } = {}): Promise<string> {
    return this.tracking.getOrCreateExperiment(name, options);
  }

  resolveExperimentId(selection: { experimentName?: string | undefined; experimentId?: string | undefined }): Promise<string> {
    return this.tracking.resolveExperimentId(selection);
  }

  searchExperiments(options: SearchAllOptions & { viewType?: ViewType } = {}): Promise<Experiment[]> {
    return this.tracking.searchExperiments(options);
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.tracking.setExperimentTag(experimentId, key, value);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.tracking.deleteExperiment(experimentId);
  }

  createRun(request: { experimentId: string; runName?: string; tags?: Tags; startTime?: number; userId?: string }): Promise<Run> {
    return this.tracking.createRun(request);
  }

  getRun(runId: string): Promise<Run> {
    return this.tracking.getRun(runId);
  }

  searchRuns(options: SearchAllOptions & { experimentIds: string[]; viewType?: ViewType }): Promise<Run[]> {
    return this.tracking.searchRuns(options);
  }

  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    return this.tracking.updateRun(runId, update);
  }

  endRun(runId: string, status: RunStatus = 'FINISHED', endTime?: number): Promise<RunInfo> {
    return this.tracking.endRun(runId, status, endTime);
  }

  deleteRun(runId: string): Promise<void> {
    return this.tracking.deleteRun(runId);
  }

  setTag(runId: string, key: string, value: string): Promise<void> {
    return this.tracking.setTag(runId, key, value);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.tracking.deleteTag(runId, key);
  }

  logParam(runId: string, key: string, value: string | number | boolean): Promise<void> {
    return this.tracking.logParam(runId, key, value);
  }

  logMetric(runId: string, key: string, value: number, options: { timestamp?: number; step?: number } = {}): Promise<void> {
    return this.tracking.logMetric(runId, key, value, options);
  }

  logBatch(runId: string, input: LogBatchInput): Promise<LogBatchResult> {
    return this.tracking.logBatch(runId, input);
  }

  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    return this.tracking.getMetricHistory(runId, key);
  }

  logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    return this.tracking.logInputs(runId, datasets);
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.tracking.getLoggedModel(modelId);
  }

  searchLoggedModels(options: SearchAllOptions & { experimentIds: string[] }): Promise<LoggedModel[]> {
    return this.tracking.searchLoggedModels(options);
  }

  logArtifact(runId: string, localFile: string, artifactPath = ''): Promise<string> {
    return this.artifacts.logArtifact(runId, localFile, artifactPath);
  }

  logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<string[]> {
    return this.artifacts.logArtifacts(runId, localDir, artifactPath);
  }

  listArtifacts(uri: string, options: { path?: string; recursive?: boolean } = {}): Promise<FileInfo[]> {
    return this.artifacts.listArtifacts(uri, options);
  }

  downloadArtifacts(uri: string, destinationDir: string): Promise<string> {
    return this.artifacts.downloadArtifacts(uri, destinationDir);
  }

  resolveArtifactLocation(uri: string): Promise<ArtifactLocation> {
    return this.resolver.resolveArtifactLocation(uri);
  }

  resolveModelUri(uri: string): Promise<ResolvedModel> {
    return this.resolver.resolveModelUri(uri);
  }

  getLatestModelVersion(name: string): Promise<ModelVersion> {
    return this.resolver.getLatestModelVersion(name);
  }

  logModel(options: LogModelOptions): Promise<LogModelResult> {
    return this.models.logModel(options);
  }

  registerModel(modelUri: string, name: string, options: RegisterModelOptions = {}): Promise<ModelVersion> {
    return this.registry.registerModel(modelUri, name, options);
  }

  createRegisteredModel(name: string, options: { description?: string; tags?: Tags } = {}): Promise<RegisteredModel> {
    return this.registry.createRegisteredModel(name, options);
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.registry.getRegisteredModel(name);
  }

  searchRegisteredModels(options: SearchAllOptions = {}): Promise<RegisteredModel[]> {
    return this.registry.searchRegisteredModels(options);
  }

  updateRegisteredModelDescription(name: string, description: string): Promise<RegisteredModel> {
    return this.registry.updateRegisteredModelDescription(name, description);
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.registry.renameRegisteredModel(name, newName);
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.registry.setRegisteredModelTag(name, key, value);
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.registry.deleteRegisteredModelTag(name, key);
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.registry.deleteRegisteredModel(name);
  }

  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    return this.registry.createModelVersion(request);
  }

  getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return this.registry.getModelVersion(name, version);
  }

  searchModelVersions(options: SearchAllOptions = {}): Promise<ModelVersion[]> {
    return this.registry.searchModelVersions(options);
  }

  updateModelVersionDescription(name: string, version: string | number, description: string): Promise<ModelVersion> {
    return this.registry.updateModelVersionDescription(name, version, description);
  }

  setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    return this.registry.setModelVersionTag(name, version, key, value);
  }

  deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    return this.registry.deleteModelVersionTag(name, version, key);
  }

  transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: string,
    options: { archiveExistingVersions?: boolean } = {},
  ): Promise<ModelVersion> {
    return this.registry.transitionModelVersionStage(name, version, stage, options);
  }

  deleteModelVersion(name: string, version: string | number): Promise<void> {
    return this.registry.deleteModelVersion(name, version);
  }

  setAlias(name: string, alias: string, version: string | number): Promise<void> {
    return this.registry.setAlias(name, alias, version);
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.registry.getModelVersionByAlias(name, alias);
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.registry.deleteAlias(name, alias);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
