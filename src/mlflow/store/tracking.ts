/**
 * The tracking store: experiments, runs and their data, and MLflow 3 LoggedModels (MLflow's
 * `mlflow.store.tracking.AbstractStore`, reduced to what mlflow-mct uses). `RestTrackingStore`
 * talks to a tracking server, `FileTrackingStore` writes a local `./mlruns`.
 *
 * Rules every implementation follows (and the registry store too):
 * - Lookups of a single thing that does not exist throw `MlflowNotFoundError` (from
 *   `../errors.js`), except `getExperimentByName`, which returns undefined.
 * - Creating something whose name is taken throws `MlflowAlreadyExistsError`.
 * - A value the store refuses throws `MlflowInvalidRequestError`.
 * - Searches return one page; `nextPageToken` is undefined on the last one. `MlflowClient`
 *   walks the pages.
 * - `logBatch` receives at most one request's worth, already within `limits` (the client chunks
 *   and validates); it must be safe to repeat: params with the same value and tags are
 *   overwritten, identical metric points are stored once.
 * - Every operation is idempotent from the caller's side: a store that retries internally must
 *   not create a second run, version or LoggedModel when an answer was lost.
 */
import type {
  DatasetInput,
  Experiment,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  ModelOutput,
  Page,
  Param,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  SearchOptions,
  Tags,
  ViewType,
} from '../types.js';
import type { StoreCapabilities } from './limits.js';

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
  /** The run's `user_id` (a server without authentication takes it from the request; a local store from the `mlflow.user` tag). */
  userId?: string | undefined;
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

  // ---- LoggedModels (MLflow 3) ----
  createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel>;
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  finalizeLoggedModel(modelId: string, status: Extract<LoggedModelStatus, 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'>): Promise<LoggedModel>;
  searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>>;
  setLoggedModelTags(modelId: string, tags: Tags): Promise<void>;
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  deleteLoggedModel(modelId: string): Promise<void>;
}
