/**
 * MLflow's entities as the rest of mlflow-mct sees them: camelCase, tags and params as records,
 * absent optional fields left undefined. These mirror `mlflow.entities` in the Python client and
 * are independent of any store; the REST wire shapes live in `rest-store.ts`.
 *
 * IDs (experiment, run, model version) are always strings; timestamps are Unix milliseconds.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export type LifecycleStage = 'active' | 'deleted';
export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

export type Tags = Record<string, string>;

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number | undefined;
  lastUpdateTime: number | undefined;
  tags: Tags;
}

export interface RunInfo {
  runId: string;
  runName: string | undefined;
  experimentId: string;
  userId: string | undefined;
  status: RunStatus;
  startTime: number | undefined;
  endTime: number | undefined;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

/** One point of a metric's history. `value` may be NaN or ±Infinity. */
export interface Metric {
  key: string;
  value: number;
  /** Unix milliseconds. */
  timestamp: number;
  step: number;
  /** MLflow 3: the LoggedModel this value belongs to. */
  modelId?: string | undefined;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

export interface Param {
  key: string;
  value: string;
}

export interface RunTag {
  key: string;
  value: string;
}

export interface RunData {
  /** The latest value of each metric, as MLflow reports it. */
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Tags;
}

export interface Dataset {
  name: string;
  /** At most 36 characters (MLflow's column size). */
  digest: string;
  sourceType: string;
  /** Usually a JSON string such as `{"uri": "..."}`. */
  source: string;
  schema?: string | undefined;
  profile?: string | undefined;
}

export interface DatasetInput {
  dataset: Dataset;
  /** e.g. `{"mlflow.data.context": "training"}`. */
  tags: Tags;
}

export interface ModelOutput {
  modelId: string;
  step: number;
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: { datasetInputs: DatasetInput[]; modelInputs: Array<{ modelId: string }> };
  outputs: { modelOutputs: ModelOutput[] };
}

export interface FileInfo {
  /** Relative to the directory that was listed's artifact root. */
  path: string;
  isDir: boolean;
  fileSize: number | undefined;
}

export interface ModelVersion {
  name: string;
  version: string;
  creationTimestamp: number | undefined;
  lastUpdatedTimestamp: number | undefined;
  userId: string | undefined;
  currentStage: string;
  description: string | undefined;
  source: string;
  runId: string | undefined;
  status: ModelVersionStatus | undefined;
  statusMessage: string | undefined;
  tags: Tags;
  runLink: string | undefined;
  aliases: string[];
  /** MLflow 3: the LoggedModel this version was registered from. */
  modelId: string | undefined;
}

export interface RegisteredModel {
  name: string;
  creationTimestamp: number | undefined;
  lastUpdatedTimestamp: number | undefined;
  userId: string | undefined;
  description: string | undefined;
  latestVersions: ModelVersion[];
  tags: Tags;
  /** alias → version */
  aliases: Record<string, string>;
}

export interface LoggedModel {
  modelId: string;
  experimentId: string;
  name: string;
  artifactUri: string;
  status: LoggedModelStatus;
  statusMessage: string | undefined;
  creationTimestamp: number | undefined;
  lastUpdatedTimestamp: number | undefined;
  modelType: string | undefined;
  sourceRunId: string | undefined;
  tags: Tags;
  params: Record<string, string>;
  metrics: Metric[];
}

/** One page of a search; `nextPageToken` is undefined on the last page. */
export interface Page<T> {
  items: T[];
  nextPageToken: string | undefined;
}

export interface SearchOptions {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}
