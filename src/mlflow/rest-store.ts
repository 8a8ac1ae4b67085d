/**
 * `TrackingStore` over MLflow's REST API: one method per endpoint, the wire shapes, and the
 * conversions between them and the entities in `types.ts`.
 *
 * Retries are safe here, not only in theory: MLflow retries POSTs, so a lost answer can mean the
 * server already did the work. Each non-idempotent call therefore carries a `recover` probe:
 * - runs, model versions and LoggedModels are created with a one-off `mct.request_id` tag; a
 *   retry first searches for it, and the tag is removed once the entity is known;
 * - experiments and registered models are found again by their unique name;
 * - run outputs and log-model history entries are looked up on the run;
 * - a delete whose retry answers "does not exist" was done by the earlier attempt.
 * log-batch and log-inputs need no probe: the server stores an identical metric point, param,
 * tag or dataset input once.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { MlflowNotFoundError } from './errors.js';
import { filterKey, filterLiteral } from './filters.js';
import { fromWireNumber, toWireMetric, toWireNumber, type WireMetric, type WireNumber } from './wire-metric.js';
import { MlflowHttpClient, type HttpClientOptions, type JsonRequest, type QueryValue } from './http.js';
import {
  MLFLOW_LIMITS,
  type CreateExperimentRequest,
  type CreateLoggedModelRequest,
  type CreateModelVersionRequest,
  type CreateRegisteredModelRequest,
  type CreateRunRequest,
  type LogBatchRequest,
  type SearchExperimentsRequest,
  type SearchLoggedModelsRequest,
  type SearchRunsRequest,
  type StoreCapabilities,
  type TrackingStore,
  type UpdateRunRequest,
} from './store.js';
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LifecycleStage,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  ModelOutput,
  ModelVersion,
  ModelVersionStatus,
  Page,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  SearchOptions,
  Tags,
} from './types.js';
import { joinArtifactPath, normalizeArtifactPath, proxiedFileUrl, resolveProxiedArtifactRoot } from './uris.js';

/** The one-off tag that lets a retried create find what an earlier attempt made. */
export const REQUEST_MARKER_TAG = 'mct.request_id';
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';

// ---- Wire shapes (snake_case, omitted fields absent) ----

interface WireTag {
  key: string;
  value?: string;
}
interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  last_update_time?: number;
  creation_time?: number;
  tags?: WireTag[];
}
interface WireRunInfo {
  run_id?: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}
interface WireDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}
interface WireDatasetInput {
  tags?: WireTag[];
  dataset: WireDataset;
}
interface WireRun {
  info: WireRunInfo;
  data?: { metrics?: WireMetric[]; params?: WireTag[]; tags?: WireTag[] };
  inputs?: { dataset_inputs?: WireDatasetInput[]; model_inputs?: Array<{ model_id: string }> };
  outputs?: { model_outputs?: Array<{ model_id: string; step?: number }> };
}
interface WireModelVersion {
  name: string;
  version: string | number;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: WireTag[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}
interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: Array<{ alias: string; version: string | number }>;
}
interface WireLoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name?: string;
    artifact_uri?: string;
    status?: string;
    status_message?: string;
    creation_timestamp_ms?: number;
    last_updated_timestamp_ms?: number;
    model_type?: string;
    source_run_id?: string;
    tags?: WireTag[];
  };
  data?: { params?: WireTag[]; metrics?: WireMetric[] };
}
interface WireFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

// ---- Conversions ----

function fromWireTags(tags: WireTag[] | undefined): Tags {
  const result: Tags = {};
  for (const tag of tags ?? []) result[tag.key] = tag.value ?? '';
  return result;
}

function toWireTags(tags: Tags | undefined): WireTag[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

/** MLflow's JSON mapping writes NaN and ±Infinity as strings. */



function fromWireMetric(metric: WireMetric): Metric {
  return {
    key: metric.key,
    value: fromWireNumber(metric.value),
    timestamp: metric.timestamp,
    step: metric.step ?? 0,
    modelId: metric.model_id,
    datasetName: metric.dataset_name,
    datasetDigest: metric.dataset_digest,
  };
}

function lifecycle(value: string | undefined): LifecycleStage {
  return value === 'deleted' ? 'deleted' : 'active';
}

function fromWireExperiment(wire: WireExperiment): Experiment {
  return {
    experimentId: String(wire.experiment_id),
    name: wire.name,
    artifactLocation: wire.artifact_location ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
    creationTime: wire.creation_time,
    lastUpdateTime: wire.last_update_time,
    tags: fromWireTags(wire.tags),
  };
}

function fromWireRunInfo(wire: WireRunInfo): RunInfo {
  return {
    runId: wire.run_id ?? wire.run_uuid ?? '',
    runName: wire.run_name,
    experimentId: String(wire.experiment_id),
    userId: wire.user_id === '' ? undefined : wire.user_id,
    status: (wire.status ?? 'RUNNING') as RunStatus,
    startTime: wire.start_time,
    endTime: wire.end_time,
    artifactUri: wire.artifact_uri ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
  };
}

function fromWireDatasetInput(wire: WireDatasetInput): DatasetInput {
  const { dataset } = wire;
  return {
    tags: fromWireTags(wire.tags),
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      sourceType: dataset.source_type,
      source: dataset.source,
      schema: dataset.schema,
      profile: dataset.profile,
    },
  };
}

function fromWireRun(wire: WireRun): Run {
  const metrics: Record<string, number> = {};
  for (const metric of wire.data?.metrics ?? []) metrics[metric.key] = fromWireNumber(metric.value);
  return {
    info: fromWireRunInfo(wire.info),
    data: { metrics, params: fromWireTags(wire.data?.params), tags: fromWireTags(wire.data?.tags) },
    inputs: {
      datasetInputs: (wire.inputs?.dataset_inputs ?? []).map(fromWireDatasetInput),
      modelInputs: (wire.inputs?.model_inputs ?? []).map((input) => ({ modelId: input.model_id })),
    },
    outputs: {
      modelOutputs: (wire.outputs?.model_outputs ?? []).map((output) => ({ modelId: output.model_id, step: output.step ?? 0 })),
    },
  };
}

function fromWireModelVersion(wire: WireModelVersion): ModelVersion {
  return {
    name: wire.name,
    version: String(wire.version),
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    userId: wire.user_id || undefined,
    currentStage: wire.current_stage ?? 'None',
    description: wire.description,
    source: wire.source ?? '',
    runId: wire.run_id || undefined,
    status: wire.status as ModelVersionStatus | undefined,
    statusMessage: wire.status_message,
    tags: fromWireTags(wire.tags),
    runLink: wire.run_link || undefined,
    aliases: wire.aliases ?? [],
    // Servers up to at least 3.17 leave model_id out of the answer; the source names the model.
    modelId: wire.model_id || /^models:\/(m-[0-9a-f]+)$/.exec(wire.source ?? '')?.[1],
  };
}

function fromWireRegisteredModel(wire: WireRegisteredModel): RegisteredModel {
  const aliases: Record<string, string> = {};
  for (const alias of wire.aliases ?? []) aliases[alias.alias] = String(alias.version);
  return {
    name: wire.name,
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    userId: wire.user_id || undefined,
    description: wire.description,
    latestVersions: (wire.latest_versions ?? []).map(fromWireModelVersion),
    tags: fromWireTags(wire.tags),
    aliases,
  };
}

function fromWireLoggedModel(wire: WireLoggedModel): LoggedModel {
  const { info } = wire;
  return {
    modelId: info.model_id,
    experimentId: String(info.experiment_id),
    name: info.name ?? '',
    artifactUri: info.artifact_uri ?? '',
    status: (info.status ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED') as LoggedModelStatus,
    statusMessage: info.status_message || undefined,
    creationTimestamp: info.creation_timestamp_ms,
    lastUpdatedTimestamp: info.last_updated_timestamp_ms,
    modelType: info.model_type || undefined,
    sourceRunId: info.source_run_id || undefined,
    tags: fromWireTags(info.tags),
    params: fromWireTags(wire.data?.params),
    metrics: (wire.data?.metrics ?? []).map(fromWireMetric),
  };
}

function withoutMarker<T extends { tags: Tags }>(entity: T): T {
  if (!(REQUEST_MARKER_TAG in entity.tags)) return entity;
  const tags = { ...entity.tags };
  delete tags[REQUEST_MARKER_TAG];
  return { ...entity, tags };
}

const MARKER_FILTER = filterKey('tags', REQUEST_MARKER_TAG);

function page<W, T>(items: W[] | undefined, token: string | undefined, convert: (wire: W) => T): Page<T> {
  return { items: (items ?? []).map(convert), nextPageToken: token || undefined };
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function parseVersion(text: string | undefined): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(text ?? '');
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

const API = '/api/2.0/mlflow';

/**
 * Page sizes: the server's own default when the caller has none (some releases read an absent
 * `max_results` as 0 and refuse it), and the most each search accepts.
 */
const PAGE_SIZES = {
  experiments: { fallback: 1000, max: 50_000 },
  runs: { fallback: 1000, max: 50_000 },
  loggedModels: { fallback: 100, max: 1000 },
  registeredModels: { fallback: 100, max: 1000 },
  modelVersions: { fallback: 10_000, max: 200_000 },
} as const;

function pageSize(requested: number | undefined, kind: keyof typeof PAGE_SIZES): number {
  const { fallback, max } = PAGE_SIZES[kind];
  return requested === undefined ? fallback : Math.max(1, Math.min(max, Math.floor(requested)));
}

/** The value `lookup` finds, or undefined when the store says it does not exist. */
async function findOrUndefined<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof MlflowNotFoundError) return undefined;
    throw error;
  }
}

async function exists(lookup: () => Promise<unknown>): Promise<boolean> {
  return (await findOrUndefined(lookup)) !== undefined;
}

export class RestStore implements TrackingStore {
  readonly http: MlflowHttpClient;
  private capabilities: Promise<StoreCapabilities> | undefined;

  constructor(options: HttpClientOptions) {
    this.http = new MlflowHttpClient(options);
  }

  get location(): string {
    return this.http.baseUrl;
  }

  getCapabilities(): Promise<StoreCapabilities> {
    this.capabilities ??= this.detectCapabilities().catch((error: unknown) => {
      this.capabilities = undefined;
      throw error;
    });
    return this.capabilities;
  }

  private async detectCapabilities(): Promise<StoreCapabilities> {
    const version = await this.http.text('/version');
    const parsed = parseVersion(version);
    let loggedModels: boolean;
    if (parsed) {
      loggedModels = parsed.major >= 3;
    } else {
      // No usable /version (a static prefix or a gateway in front): ask for a LoggedModel that
      // cannot exist; "does not exist" means the endpoint is there.
      loggedModels = await this.getLoggedModel('m-00000000000000000000000000000000').then(
        () => true,
        (error: unknown) => error instanceof MlflowNotFoundError,
      );
    }
    const raised = parsed !== undefined && (parsed.major > 3 || (parsed.major === 3 && parsed.minor >= 17));
    return {
      version: parsed ? version : undefined,
      loggedModels,
      limits: raised ? { ...MLFLOW_LIMITS, maxExperimentTagValueLength: 20_000, maxRegistryTagValueLength: 100_000 } : MLFLOW_LIMITS,
    };
  }

  private call<T>(
    method: JsonRequest<T>['method'],
    endpoint: string,
    payload?: Record<string, unknown>,
    recover?: () => Promise<T | undefined>,
  ): Promise<T> {
    const path = `${API}/${endpoint}`;
    if (method === 'GET') {
      return this.http.json<T>({ method, path, query: payload as Record<string, QueryValue> | undefined, recover });
    }
    return this.http.json<T>({ method, path, body: payload ?? {}, recover });
  }

  /** A delete: when a retry finds nothing left to delete, an earlier attempt did it. */
  private async callDelete(method: 'POST' | 'DELETE', endpoint: string, payload: Record<string, unknown>, stillThere: () => Promise<boolean>): Promise<void> {
    await this.call<object>(method, endpoint, payload, async () => ((await stillThere()) ? undefined : {}));
  }

  /** Removes the request marker; failure to do so is harmless and not worth failing the call. */
  private async dropMarker(remove: () => Promise<void>): Promise<void> {
    try {
      await remove();
    } catch (error) {
      if (!(error instanceof MlflowNotFoundError)) throw error;
    }
  }

  // ---- Experiments ----

  async getExperiment(experimentId: string): Promise<Experiment> {
    const body = await this.call<{ experiment: WireExperiment }>('GET', 'experiments/get', { experiment_id: experimentId });
    return fromWireExperiment(body.experiment);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const body = await findOrUndefined(() =>
      this.call<{ experiment: WireExperiment }>('GET', 'experiments/get-by-name', { experiment_name: name }),
    );
    return body && fromWireExperiment(body.experiment);
  }

  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    const body = await this.call<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      { name: request.name, artifact_location: request.artifactLocation, tags: toWireTags(request.tags) },
      async () => {
        const existing = await this.getExperimentByName(request.name);
        return existing?.lifecycleStage === 'active' ? { experiment_id: existing.experimentId } : undefined;
      },
    );
    return String(body.experiment_id);
  }

  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    const body = await this.call<{ experiments?: WireExperiment[]; next_page_token?: string }>('POST', 'experiments/search', {
      filter: request.filter,
      order_by: request.orderBy,
      max_results: pageSize(request.maxResults, 'experiments'),
      page_token: request.pageToken,
      view_type: request.viewType,
    });
    return page(body.experiments, body.next_page_token, fromWireExperiment);
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.callDelete('POST', 'experiments/delete', { experiment_id: experimentId }, async () => {
      const experiment = await this.getExperiment(experimentId);
      return experiment.lifecycleStage === 'active';
    });
  }

  // ---- Runs ----

  async createRun(request: CreateRunRequest): Promise<Run> {
    const marker = randomUUID();
    const body = await this.call<{ run: WireRun }>(
      'POST',
      'runs/create',
      {
        experiment_id: request.experimentId,
        run_name: request.runName,
        start_time: request.startTime,
        tags: toWireTags({ ...request.tags, [REQUEST_MARKER_TAG]: marker }),
      },
      async () => {
        const found = await this.call<{ runs?: WireRun[] }>('POST', 'runs/search', {
          experiment_ids: [request.experimentId],
          filter: `${MARKER_FILTER} = ${filterLiteral(marker)}`,
          run_view_type: 'ALL',
          max_results: 1,
        });
        const run = found.runs?.[0];
        return run ? { run } : undefined;
      },
    );
    const run = fromWireRun(body.run);
    await this.dropMarker(() => this.deleteTag(run.info.runId, REQUEST_MARKER_TAG));
    return { ...run, data: withoutMarker(run.data) };
  }

  async updateRun(request: UpdateRunRequest): Promise<RunInfo> {
    const body = await this.call<{ run_info: WireRunInfo }>('POST', 'runs/update', {
      run_id: request.runId,
      run_uuid: request.runId,
      status: request.status,
      end_time: request.endTime,
      run_name: request.runName,
    });
    return fromWireRunInfo(body.run_info);
  }

  async getRun(runId: string): Promise<Run> {
    const body = await this.call<{ run: WireRun }>('GET', 'runs/get', { run_id: runId });
    return fromWireRun(body.run);
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    const body = await this.call<{ runs?: WireRun[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: request.experimentIds,
      filter: request.filter,
      run_view_type: request.viewType,
      max_results: pageSize(request.maxResults, 'runs'),
      order_by: request.orderBy,
      page_token: request.pageToken,
    });
    return page(body.runs, body.next_page_token, fromWireRun);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.callDelete('POST', 'runs/delete', { run_id: runId }, async () => {
      const run = await this.getRun(runId);
      return run.info.lifecycleStage === 'active';
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', { run_id: runId, run_uuid: runId, key, value });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.callDelete('POST', 'runs/delete-tag', { run_id: runId, key }, async () => {
      const run = await this.getRun(runId);
      return key in run.data.tags;
    });
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: batch.metrics.map(toWireMetric),
      params: batch.params,
      tags: batch.tags,
    });
  }

  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    const body = await this.call<{ metrics?: WireMetric[]; next_page_token?: string }>('GET', 'metrics/get-history', {
      run_id: runId,
      metric_key: key,
      max_results: options.maxResults,
      page_token: options.pageToken,
    });
    return page(body.metrics, body.next_page_token, fromWireMetric);
  }

  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.call('POST', 'runs/log-inputs', {
      run_id: runId,
      datasets: datasets.map((input) => ({
        tags: toWireTags(input.tags),
        dataset: {
          name: input.dataset.name,
          digest: input.dataset.digest,
          source_type: input.dataset.sourceType,
          source: input.dataset.source,
          schema: input.dataset.schema,
          profile: input.dataset.profile,
        },
      })),
    });
  }

  async logOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
    await this.call<object>(
      'POST',
      'runs/outputs',
      { run_id: runId, models: outputs.map((output) => ({ model_id: output.modelId, step: output.step })) },
      async () => {
        const run = await this.getRun(runId);
        const linked = new Set(run.outputs.modelOutputs.map((output) => output.modelId));
        return outputs.every((output) => linked.has(output.modelId)) ? {} : undefined;
      },
    );
  }

  async recordLoggedModel(runId: string, mlmodel: Record<string, unknown>): Promise<void> {
    const uuid = mlmodel.model_uuid;
    await this.call<object>('POST', 'runs/log-model', { run_id: runId, model_json: JSON.stringify(mlmodel) }, async () => {
      const run = await this.getRun(runId);
      const history = run.data.tags[LOG_MODEL_HISTORY_TAG];
      if (history === undefined) return undefined;
      try {
        const entries = JSON.parse(history) as Array<{ model_uuid?: unknown }>;
        return entries.some((entry) => entry.model_uuid === uuid) ? {} : undefined;
      } catch {
        return undefined;
      }
    });
  }

  // ---- Artifacts ----

  async listArtifacts(artifactUri: string, path = ''): Promise<FileInfo[]> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    const relative = normalizeArtifactPath(path);
    const body = await this.http.json<{ files?: WireFileInfo[] }>({
      method: 'GET',
      path: root.apiUrl,
      query: { path: joinArtifactPath(root.rootPath, relative) },
    });
    return (body.files ?? []).map((file) => ({
      // The proxy answers with base names; make them relative to the root that was asked for.
      path: joinArtifactPath(relative, file.path.split('/').pop() ?? file.path),
      isDir: file.is_dir === true,
      fileSize: file.file_size === undefined ? undefined : Number(file.file_size),
    }));
  }

  async uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    const relative = normalizeArtifactPath(path);
    const info = await stat(localFile);
    await this.http.upload(proxiedFileUrl(root, relative), localFile, info.size, contentTypeOf(localFile));
  }

  async downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    await this.http.download(proxiedFileUrl(root, normalizeArtifactPath(path)), localFile);
  }

  // ---- LoggedModels ----

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    const marker = randomUUID();
    const body = await this.call<{ model: WireLoggedModel }>(
      'POST',
      'logged-models',
      {
        experiment_id: request.experimentId,
        name: request.name,
        model_type: request.modelType,
        source_run_id: request.sourceRunId,
        params: toWireTags(request.params),
        tags: toWireTags({ ...request.tags, [REQUEST_MARKER_TAG]: marker }),
      },
      async () => {
        const found = await this.searchLoggedModels({
          experimentIds: [request.experimentId],
          filter: `${MARKER_FILTER} = ${filterLiteral(marker)}`,
          maxResults: 1,
        });
        const model = found.items[0];
        return model ? { model: { info: { model_id: model.modelId, experiment_id: model.experimentId } } } : undefined;
      },
    );
    const modelId = body.model.info.model_id;
    await this.dropMarker(() => this.deleteLoggedModelTag(modelId, REQUEST_MARKER_TAG));
    return this.getLoggedModel(modelId);
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const body = await this.call<{ model: WireLoggedModel }>('GET', `logged-models/${encodeURIComponent(modelId)}`);
    return fromWireLoggedModel(body.model);
  }

  async finalizeLoggedModel(modelId: string, status: 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'): Promise<LoggedModel> {
    // The handler reads model_id from the body, not the path.
    const body = await this.call<{ model: WireLoggedModel }>('PATCH', `logged-models/${encodeURIComponent(modelId)}`, {
      model_id: modelId,
      status,
    });
    return fromWireLoggedModel(body.model);
  }

  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    const body = await this.call<{ models?: WireLoggedModel[]; next_page_token?: string }>('POST', 'logged-models/search', {
      experiment_ids: request.experimentIds,
      filter: request.filter,
      max_results: pageSize(request.maxResults, 'loggedModels'),
      page_token: request.pageToken,
    });
    return page(body.models, body.next_page_token, fromWireLoggedModel);
  }

  async setLoggedModelTags(modelId: string, tags: Tags): Promise<void> {
    await this.call('PATCH', `logged-models/${encodeURIComponent(modelId)}/tags`, { model_id: modelId, tags: toWireTags(tags) });
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.callDelete('DELETE', `logged-models/${encodeURIComponent(modelId)}/tags/${encodeURIComponent(key)}`, {}, async () => {
      const model = await this.getLoggedModel(modelId);
      return key in model.tags;
    });
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.callDelete('DELETE', `logged-models/${encodeURIComponent(modelId)}`, {}, () =>
      exists(() => this.getLoggedModel(modelId)),
    );
  }

  // ---- Model Registry ----

  async createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>(
      'POST',
      'registered-models/create',
      { name: request.name, description: request.description, tags: toWireTags(request.tags) },
      async () => {
        const existing = await findOrUndefined(() => this.getRegisteredModel(request.name));
        return existing ? { registered_model: { name: existing.name } } : undefined;
      },
    );
    return body.registered_model.creation_timestamp === undefined
      ? this.getRegisteredModel(request.name)
      : fromWireRegisteredModel(body.registered_model);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>('GET', 'registered-models/get', { name });
    return fromWireRegisteredModel(body.registered_model);
  }

  async searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>> {
    const body = await this.call<{ registered_models?: WireRegisteredModel[]; next_page_token?: string }>(
      'GET',
      'registered-models/search',
      { filter: request.filter, max_results: pageSize(request.maxResults, 'registeredModels'), order_by: request.orderBy, page_token: request.pageToken },
    );
    return page(body.registered_models, body.next_page_token, fromWireRegisteredModel);
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>('PATCH', 'registered-models/update', { name, description });
    return fromWireRegisteredModel(body.registered_model);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>(
      'POST',
      'registered-models/rename',
      { name, new_name: newName },
      async () => {
        const renamed = await findOrUndefined(() => this.getRegisteredModel(newName));
        return renamed ? { registered_model: { name: renamed.name } } : undefined;
      },
    );
    return this.getRegisteredModel(body.registered_model.name);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.callDelete('DELETE', 'registered-models/delete', { name }, () => exists(() => this.getRegisteredModel(name)));
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'registered-models/set-tag', { name, key, value });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.callDelete('DELETE', 'registered-models/delete-tag', { name, key }, async () => {
      const model = await this.getRegisteredModel(name);
      return key in model.tags;
    });
  }

  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const body = await this.call<{ model_versions?: WireModelVersion[] }>('POST', 'registered-models/get-latest-versions', {
      name,
      stages,
    });
    return (body.model_versions ?? []).map(fromWireModelVersion);
  }

  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const marker = randomUUID();
    const body = await this.call<{ model_version: WireModelVersion }>(
      'POST',
      'model-versions/create',
      {
        name: request.name,
        source: request.source,
        run_id: request.runId,
        model_id: request.modelId,
        description: request.description,
        run_link: request.runLink,
        tags: toWireTags({ ...request.tags, [REQUEST_MARKER_TAG]: marker }),
      },
      async () => {
        const found = await this.searchModelVersions({
          filter: `name = ${filterLiteral(request.name)} AND ${MARKER_FILTER} = ${filterLiteral(marker)}`,
          maxResults: 1,
        });
        const version = found.items[0];
        return version ? { model_version: { name: version.name, version: version.version } } : undefined;
      },
    );
    const version = String(body.model_version.version);
    await this.dropMarker(() => this.deleteModelVersionTag(request.name, version, REQUEST_MARKER_TAG));
    return this.getModelVersion(request.name, version);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('GET', 'model-versions/get', { name, version });
    return fromWireModelVersion(body.model_version);
  }

  async searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>> {
    const body = await this.call<{ model_versions?: WireModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', {
      filter: request.filter,
      max_results: pageSize(request.maxResults, 'modelVersions'),
      order_by: request.orderBy,
      page_token: request.pageToken,
    });
    return page(body.model_versions, body.next_page_token, fromWireModelVersion);
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('PATCH', 'model-versions/update', { name, version, description });
    return fromWireModelVersion(body.model_version);
  }

  async transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('POST', 'model-versions/transition-stage', {
      name,
      version,
      stage,
      archive_existing_versions: archiveExistingVersions,
    });
    return fromWireModelVersion(body.model_version);
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.callDelete('DELETE', 'model-versions/delete', { name, version }, () =>
      exists(() => this.getModelVersion(name, version)),
    );
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.callDelete('DELETE', 'model-versions/delete-tag', { name, version, key }, async () => {
      const modelVersion = await this.getModelVersion(name, version);
      return key in modelVersion.tags;
    });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const body = await this.call<{ artifact_uri: string }>('GET', 'model-versions/get-download-uri', { name, version });
    return body.artifact_uri;
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    // An unknown alias is INVALID_PARAMETER_VALUE, not "does not exist": ask the model instead.
    await this.callDelete('DELETE', 'registered-models/alias', { name, alias }, async () => {
      const model = await this.getRegisteredModel(name);
      return alias in model.aliases;
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('GET', 'registered-models/alias', { name, alias });
    return fromWireModelVersion(body.model_version);
  }

  async close(): Promise<void> {
    this.http.close();
  }
}
