/**
 * The storage contract behind `MlflowClient`, in entity terms: what a tracking server (RestStore)
 * or a local directory store has to provide. It mirrors the union of MLflow's
 * `AbstractStore` (tracking), `ArtifactRepository` and model-registry `AbstractStore`, reduced to
 * the operations mlflow-mct uses.
 *
 * Rules every implementation follows:
 * - Lookups of a single thing that does not exist throw `MlflowNotFoundError` (from
 *   `./errors.js`), except `getExperimentByName`, which returns undefined.
 * - Creating something whose name is taken throws `MlflowAlreadyExistsError`.
 * - A value the store refuses throws `MlflowInvalidRequestError`.
 * - Searches return one page; `nextPageToken` is undefined on the last one. `MlflowClient`
 *   walks the pages.
 * - `logBatch` receives at most one request's worth, already within `limits` (the client chunks
 *   and validates); it must be safe to repeat: params with the same value and tags are
 *   overwritten, identical metric points are stored once.
 * - Every operation is idempotent from the caller's side: a store that retries internally must
 *   not create a second run, version or LoggedModel when an answer was lost.
 * - Artifact operations address files as (artifact root URI, path relative to it). Paths are
 *   normalized with forward slashes (`uris.normalizeArtifactPath`); roots come from
 *   `RunInfo.artifactUri`, `LoggedModel.artifactUri` or model-version download URIs.
 */
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  ModelOutput,
  ModelVersion,
  Page,
  Param,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  SearchOptions,
  Tags,
  ViewType,
} from './types.js';

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

export interface CreateExperimentRequest {
  name: string;
  artifactLocation?: string | undefined;
  tags?: Tags | undefined;
}

export interface CreateRunRequest {
  experimentId: string;
  runName?: string | undefined;
  /** Unix milliseconds. */
  startTime: number;
  tags?: Tags | undefined;
}

export interface UpdateRunRequest {
  runId: string;
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

export interface SearchRunsRequest extends SearchOptions {
  experimentIds: string[];
  viewType?: ViewType | undefined;
}

export interface SearchExperimentsRequest extends SearchOptions {
  viewType?: ViewType | undefined;
}

export interface LogBatchRequest {
  metrics: Metric[];
  params: Param[];
  tags: RunTag[];
}

export interface CreateLoggedModelRequest {
  experimentId: string;
  name: string;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params?: Record<string, string> | undefined;
  tags?: Tags | undefined;
}

export interface SearchLoggedModelsRequest {
  experimentIds: string[];
  filter?: string | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface CreateRegisteredModelRequest {
  name: string;
  description?: string | undefined;
  tags?: Tags | undefined;
}

export interface CreateModelVersionRequest {
  name: string;
  /** An artifact URI (`mlflow-artifacts:/...`) or `models:/<m-id>` for a LoggedModel. */
  source: string;
  runId?: string | undefined;
  /** MLflow 3: the LoggedModel registered. */
  modelId?: string | undefined;
  description?: string | undefined;
  tags?: Tags | undefined;
  runLink?: string | undefined;
}

export interface TrackingStore {
  /** Where the data goes, safe to print (no credentials). */
  readonly location: string;

  /** The store's version, features and limits; cached after the first call. */
  getCapabilities(): Promise<StoreCapabilities>;

  // ---- Experiments ----
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Undefined when no experiment has that name (active or deleted). */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** Returns the new experiment's id. */
  createExperiment(request: CreateExperimentRequest): Promise<string>;
  searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;

  // ---- Runs ----
  createRun(request: CreateRunRequest): Promise<Run>;
  updateRun(request: UpdateRunRequest): Promise<RunInfo>;
  getRun(runId: string): Promise<Run>;
  searchRuns(request: SearchRunsRequest): Promise<Page<Run>>;
  deleteRun(runId: string): Promise<void>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** One batch within `limits`; see the rules above. */
  logBatch(runId: string, batch: LogBatchRequest): Promise<void>;
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>>;
  /** Datasets used by the run; the same (name, digest) twice is recorded once. */
  logInputs(runId: string, datasets: DatasetInput[]): Promise<void>;
  /** MLflow 3: LoggedModels the run produced. */
  logOutputs(runId: string, outputs: ModelOutput[]): Promise<void>;
  /**
   * Appends a model to the run's `mlflow.log-model.history` tag (the MLflow 2 way the UI lists a
   * run's models). `mlmodel` is the MLmodel content as a plain object with at least
   * `artifact_path`, `flavors`, `utc_time_created`, `run_id` and `model_uuid`.
   */
  recordLoggedModel(runId: string, mlmodel: Record<string, unknown>): Promise<void>;

  // ---- Artifacts ----
  /** One directory level under `artifactUri`/`path`; returned paths are relative to `artifactUri`. */
  listArtifacts(artifactUri: string, path?: string): Promise<FileInfo[]>;
  uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void>;
  /** Writes the file to `localFile` completely or not at all. */
  downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void>;

  // ---- LoggedModels (MLflow 3) ----
  createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: Extract<LoggedModelStatus, 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'>): Promise<LoggedModel>;
  searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>>;
  setLoggedModelTags(modelId: string, tags: Tags): Promise<void>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  deleteLoggedModel(modelId: string): Promise<void>;

  // ---- Model Registry ----
  createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  deleteRegisteredModel(name: string): Promise<void>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;
  /** The latest version per stage (all stages when `stages` is empty). Deprecated in MLflow; kept for `models:/name/<stage>`. */
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]>;

  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>>;
  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion>;
  transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;
  /** The artifact URI the version's files can be downloaded from. */
  getModelVersionDownloadUri(name: string, version: string): Promise<string>;

  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Releases connections or handles; the store is not used afterwards. */
  close(): Promise<void>;
}
