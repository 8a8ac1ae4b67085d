/**
 * `MlflowClient`: the high-level API the commands use, written against the `TrackingStore`
 * interface only, so the same code logs to a tracking server (`RestStore`) or a local store.
 *
 * It adds what MLflow's Python `MlflowClient` adds over its stores: experiment resolution from
 * the environment, local validation, log-batch chunking, recursive artifact upload and download,
 * model-URI resolution, model logging for both major MLflow versions, and registration.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { MlflowAlreadyExistsError, MlflowModelLoggingError, MlflowNotFoundError, MlflowUriError, MlflowValidationError } from './errors.js';
import { createStore, type CreateStoreOptions } from './create-store.js';
import { filterLiteral } from './filters.js';
import type { MlflowConfig } from './config.js';
import type { StoreCapabilities, TrackingStore } from './store.js';
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  LoggedModel,
  Metric,
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
import {
  appendToArtifactUri,
  formatModelUri,
  joinArtifactPath,
  normalizeArtifactPath,
  parseModelUri,
  type ModelUri,
} from './uris.js';
import {
  packBatches,
  validateAlias,
  validateBatch,
  validateDatasetInputs,
  validateDescription,
  validateExperimentName,
  validateExperimentTag,
  validateRegistryTag,
  validateRunTag,
} from './validation.js';

/** A metric point to log; `timestamp` defaults to now and `step` to 0. */
export interface MetricInput {
  key: string;
  value: number;
  timestamp?: number | undefined;
  step?: number | undefined;
  modelId?: string | undefined;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

export interface LogBatchInput {
  metrics?: MetricInput[];
  /** Params as a record or a list; values are converted with `String()`. */
  params?: Record<string, string | number | boolean> | Param[];
  tags?: Tags | RunTag[];
}

export interface LogBatchResult {
  /** How many requests the batch took. */
  requests: number;
}

export interface SearchAllOptions extends Omit<SearchOptions, 'pageToken' | 'maxResults'> {
  /** Stop after this many results (all of them when undefined). */
  limit?: number | undefined;
  /** Page size asked of the store. */
  pageSize?: number | undefined;
}

export interface LogModelOptions {
  runId: string;
  /** The model's name in the run: the artifact path on MLflow 2, the LoggedModel name on MLflow 3 (e.g. `model`). */
  name: string;
  /** A directory with the model's files; an `MLmodel` file in it is replaced by the one written here. */
  modelDir: string;
  /** The MLmodel `flavors` section, e.g. `{ python_function: {...}, sklearn: {...} }`. */
  flavors: Record<string, Record<string, unknown>>;
  modelType?: string | undefined;
  /** LoggedModel params (MLflow 3) */
  params?: Record<string, string> | undefined;
  /** LoggedModel tags (MLflow 3) */
  tags?: Tags | undefined;
  /** MLmodel `signature`: `{inputs, outputs, params}` as JSON strings. */
  signature?: { inputs: string; outputs: string; params?: string | null } | undefined;
  /** MLmodel `metadata`. */
  metadata?: Record<string, unknown> | undefined;
  /** The run step the model belongs to (MLflow 3 run outputs), default 0. */
  step?: number | undefined;
  /** Register the model under this name once logged. */
  registeredModelName?: string | undefined;
}

export interface LogModelResult {
  /** `models:/<m-id>` on MLflow 3, `runs:/<run_id>/<name>` on MLflow 2. */
  modelUri: string;
  /** Where the files are. */
  artifactUri: string;
  /** The LoggedModel id on MLflow 3. */
  modelId: string | undefined;
  /** The MLmodel content written. */
  mlmodel: Record<string, unknown>;
  flow: 'logged-model' | 'run-artifacts';
  registeredVersion: ModelVersion | undefined;
}

export interface RegisterModelOptions {
  description?: string | undefined;
  tags?: Tags | undefined;
  /** How long to wait for a PENDING_REGISTRATION version to become READY (default 300 s). */
  awaitRegistrationSeconds?: number | undefined;
}

/** A model URI resolved to concrete artifacts. */
export interface ResolvedModel {
  /** The artifact root of the model's files. */
  artifactUri: string;
  modelVersion: ModelVersion | undefined;
  loggedModel: LoggedModel | undefined;
}

/** An artifact URI split into a store artifact root and a path below it. */
export interface ArtifactLocation {
  artifactUri: string;
  path: string;
}

export interface MlflowClientOptions {
  /** Clock for default timestamps (Unix ms). */
  now?: () => number;
  /** Parallel artifact transfers (default 4). */
  transferConcurrency?: number;
}

const PENDING_POLL_MS = 1000;

function nowMs(): number {
  return Date.now();
}

/** `str(datetime.utcnow())` as MLflow writes it: `2025-11-20 10:00:00.123000`. */
function utcTimeCreated(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
}

function recordToParams(params: LogBatchInput['params']): Param[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params;
  return Object.entries(params).map(([key, value]) => ({ key, value: String(value) }));
}

function recordToTags(tags: LogBatchInput['tags']): RunTag[] {
  if (tags === undefined) return [];
  if (Array.isArray(tags)) return tags;
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function notFound(what: string, where: string): MlflowNotFoundError {
  return new MlflowNotFoundError(`${what} does not exist`, {
    errorCode: 'RESOURCE_DOES_NOT_EXIST',
    httpStatus: 404,
    request: { method: 'GET', baseUrl: where, path: what },
    hint: 'check the URI, name or id',
  });
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops new work and is thrown. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Every regular file under `dir`, as paths relative to it with forward slashes, sorted. */
async function listLocalFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return files.sort();
}

export class MlflowClient {
  private readonly now: () => number;
  private readonly transferConcurrency: number;

  constructor(
    readonly store: TrackingStore,
    options: MlflowClientOptions = {},
  ) {
    this.now = options.now ?? nowMs;
    this.transferConcurrency = options.transferConcurrency ?? 4;
  }

  /** A client for the store the configuration names (see `createStore`). */
  static fromConfig(config: MlflowConfig, options: CreateStoreOptions & MlflowClientOptions = {}): MlflowClient {
    return new MlflowClient(createStore(config, options), options);
  }

  /** The store's version, features and limits. */
  capabilities(): Promise<StoreCapabilities> {
    return this.store.getCapabilities();
  }

  private async limits() {
    return (await this.store.getCapabilities()).limits;
  }

  /** Walks a store search page by page. */
  private async collect<T>(fetch: (pageToken: string | undefined, pageSize: number | undefined) => Promise<Page<T>>, options: SearchAllOptions): Promise<T[]> {
    const results: T[] = [];
    let token: string | undefined;
    do {
      const remaining = options.limit === undefined ? undefined : options.limit - results.length;
      const size = remaining === undefined ? options.pageSize : Math.min(remaining, options.pageSize ?? remaining);
      const page = await fetch(token, size);
      results.push(...page.items);
      token = page.nextPageToken;
    } while (token !== undefined && (options.limit === undefined || results.length < options.limit));
    return options.limit === undefined ? results : results.slice(0, options.limit);
  }

  // ---- Experiments ----

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.store.getExperiment(experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.store.getExperimentByName(name);
  }

  async createExperiment(name: string, options: { artifactLocation?: string; tags?: Tags } = {}): Promise<string> {
    validateExperimentName(name);
    const limits = await this.limits();
    for (const [key, value] of Object.entries(options.tags ?? {})) validateExperimentTag(key, value, limits);
    return this.store.createExperiment({ name, artifactLocation: options.artifactLocation, tags: options.tags });
  }

  /**
   * The id of the active experiment called `name`, created when missing. A deleted experiment of
   * that name is an error (MLflow keeps the name reserved until it is purged).
   */
  async getOrCreateExperiment(name: string, options: { tags?: Tags } = {}): Promise<string> {
    validateExperimentName(name);
    const existing = await this.store.getExperimentByName(name);
    if (existing) return this.activeExperimentId(existing);
    try {
      return await this.createExperiment(name, options);
    } catch (error) {
      // Someone else created it between the lookup and the create.
      if (!(error instanceof MlflowAlreadyExistsError)) throw error;
      const created = await this.store.getExperimentByName(name);
      if (!created) throw error;
      return this.activeExperimentId(created);
    }
  }

  private activeExperimentId(experiment: Experiment): string {
    if (experiment.lifecycleStage === 'deleted') {
      throw new MlflowValidationError(`experiment "${experiment.name}" (id ${experiment.experimentId}) is deleted`, {
        location: 'experiment',
        hint: 'restore it in the MLflow UI, purge it with `mlflow gc`, or choose another name',
      });
    }
    return experiment.experimentId;
  }

  /**
   * The experiment to log to, chosen as MLflow's Python client does: a name
   * (`MLFLOW_EXPERIMENT_NAME` or `--mlflow-experiment`) wins and is created when missing; an id
   * given with it must match; an id alone must exist; neither means the Default experiment "0".
   */
  async resolveExperimentId(selection: { experimentName?: string | undefined; experimentId?: string | undefined }): Promise<string> {
    const { experimentName, experimentId } = selection;
    if (experimentName !== undefined) {
      const id = await this.getOrCreateExperiment(experimentName);
      if (experimentId !== undefined && experimentId !== id) {
        throw new MlflowValidationError(
          `MLFLOW_EXPERIMENT_ID=${experimentId} does not match experiment "${experimentName}" (id ${id})`,
          { location: 'experiment', hint: 'unset one of MLFLOW_EXPERIMENT_ID and MLFLOW_EXPERIMENT_NAME' },
        );
      }
      return id;
    }
    if (experimentId !== undefined) {
      try {
        return this.activeExperimentId(await this.store.getExperiment(experimentId));
      } catch (error) {
        if (!(error instanceof MlflowNotFoundError)) throw error;
        throw new MlflowValidationError(`experiment id ${experimentId} (MLFLOW_EXPERIMENT_ID) does not exist on ${this.store.location}`, {
          location: 'experiment',
          hint: 'fix MLFLOW_EXPERIMENT_ID or use --mlflow-experiment <name>',
        });
      }
    }
    return '0';
  }

  searchExperiments(options: SearchAllOptions & { viewType?: ViewType } = {}): Promise<Experiment[]> {
    return this.collect(
      (pageToken, maxResults) =>
        this.store.searchExperiments({ filter: options.filter, orderBy: options.orderBy, viewType: options.viewType, pageToken, maxResults }),
      options,
    );
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value, await this.limits());
    await this.store.setExperimentTag(experimentId, key, value);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.store.deleteExperiment(experimentId);
  }

  // ---- Runs ----

  async createRun(request: { experimentId: string; runName?: string; tags?: Tags; startTime?: number }): Promise<Run> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRunTag(key, value, limits);
    return this.store.createRun({
      experimentId: request.experimentId,
      runName: request.runName,
      startTime: request.startTime ?? this.now(),
      tags: request.tags,
    });
  }

  getRun(runId: string): Promise<Run> {
    return this.store.getRun(runId);
  }

  searchRuns(options: SearchAllOptions & { experimentIds: string[]; viewType?: ViewType }): Promise<Run[]> {
    return this.collect(
      (pageToken, maxResults) =>
        this.store.searchRuns({
          experimentIds: options.experimentIds,
          filter: options.filter,
          orderBy: options.orderBy,
          viewType: options.viewType,
          pageToken,
          maxResults,
        }),
      options,
    );
  }

  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    return this.store.updateRun({ runId, ...update });
  }

  /** Marks the run finished (or FAILED/KILLED) with an end time. */
  endRun(runId: string, status: RunStatus = 'FINISHED', endTime: number = this.now()): Promise<RunInfo> {
    return this.store.updateRun({ runId, status, endTime });
  }

  deleteRun(runId: string): Promise<void> {
    return this.store.deleteRun(runId);
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    validateRunTag(key, value, await this.limits());
    await this.store.setTag(runId, key, value);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.store.deleteTag(runId, key);
  }

  async logParam(runId: string, key: string, value: string | number | boolean): Promise<void> {
    await this.logBatch(runId, { params: { [key]: value } });
  }

  async logMetric(runId: string, key: string, value: number, options: { timestamp?: number; step?: number } = {}): Promise<void> {
    await this.logBatch(runId, { metrics: [{ key, value, ...options }] });
  }

  /**
   * Logs any number of metrics, params and tags. Everything is validated first (nothing is sent
   * when one entry is bad), then packed into requests within the store's limits and sent in
   * order. Safe to call again after a failure: repeated params, tags and metric points are
   * stored once.
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<LogBatchResult> {
    const limits = await this.limits();
    const timestamp = this.now();
    const metrics: Metric[] = (input.metrics ?? []).map((metric) => ({
      key: metric.key,
      value: metric.value,
      timestamp: metric.timestamp ?? timestamp,
      step: metric.step ?? 0,
      modelId: metric.modelId,
      datasetName: metric.datasetName,
      datasetDigest: metric.datasetDigest,
    }));
    const batch = validateBatch({ metrics, params: recordToParams(input.params), tags: recordToTags(input.tags) }, limits);
    const requests = packBatches(batch, limits);
    for (const request of requests) await this.store.logBatch(runId, request);
    return { requests: requests.length };
  }

  /** The whole history of one metric. */
  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    return this.collect((pageToken) => this.store.getMetricHistory(runId, key, pageToken === undefined ? {} : { pageToken }), {});
  }

  /** Records the datasets a run used; each (name, digest) once. */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    const limits = await this.limits();
    validateDatasetInputs(datasets, limits);
    for (let start = 0; start < datasets.length; start += limits.maxDatasetsPerBatch) {
      await this.store.logInputs(runId, datasets.slice(start, start + limits.maxDatasetsPerBatch));
    }
  }

  // ---- Artifacts ----

  /** Uploads one file to the run's artifacts as `<artifactPath>/<file name>`; returns that path. */
  async logArtifact(runId: string, localFile: string, artifactPath = ''): Promise<string> {
    const run = await this.store.getRun(runId);
    const target = joinArtifactPath(normalizeArtifactPath(artifactPath), basename(localFile));
    await this.store.uploadArtifact(run.info.artifactUri, target, localFile);
    return target;
  }

  /** Uploads a directory tree to the run's artifacts under `artifactPath`; returns the uploaded paths. */
  async logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<string[]> {
    const run = await this.store.getRun(runId);
    return this.uploadDirectory(run.info.artifactUri, localDir, normalizeArtifactPath(artifactPath));
  }

  private async uploadDirectory(artifactUri: string, localDir: string, prefix: string, skip: (path: string) => boolean = () => false): Promise<string[]> {
    const files = (await listLocalFiles(localDir)).filter((path) => !skip(path));
    const targets = files.map((file) => ({ file, target: joinArtifactPath(prefix, normalizeArtifactPath(file)) }));
    await forEachLimited(targets, this.transferConcurrency, ({ file, target }) =>
      this.store.uploadArtifact(artifactUri, target, join(localDir, ...file.split('/'))),
    );
    return targets.map(({ target }) => target);
  }

  /**
   * Splits any artifact or model URI into a store artifact root and a path below it:
   * `runs:/<id>/<path>` (on MLflow 3 also a LoggedModel of that name from the run), every
   * `models:/` form, and plain artifact URIs (`mlflow-artifacts:/...`, http(s) proxy URLs).
   */
  async resolveArtifactLocation(uri: string): Promise<ArtifactLocation> {
    if (uri.startsWith('runs:')) {
      const parsed = parseModelUri(uri) as Extract<ModelUri, { kind: 'run' }>;
      return this.resolveRunPath(parsed.runId, parsed.path);
    }
    if (uri.startsWith('models:')) {
      return { artifactUri: (await this.resolveModelUri(uri)).artifactUri, path: '' };
    }
    return { artifactUri: uri, path: '' };
  }

  private async resolveRunPath(runId: string, path: string): Promise<ArtifactLocation> {
    const run = await this.store.getRun(runId);
    const root = run.info.artifactUri;
    if (path === '' || (await this.artifactEntry(root, path)) !== undefined) return { artifactUri: root, path };
    const [first = '', ...rest] = path.split('/');
    if ((await this.store.getCapabilities()).loggedModels) {
      const found = await this.store.searchLoggedModels({
        experimentIds: [run.info.experimentId],
        filter: `name = ${filterLiteral(first)} AND source_run_id = ${filterLiteral(runId)}`,
      });
      const model = this.latestOutput(run, found.items);
      if (model) return { artifactUri: model.artifactUri, path: rest.join('/') };
    }
    throw notFound(`runs:/${runId}/${path}`, this.store.location);
  }

  /** Of several LoggedModels of one name in a run, the one logged at the largest step (then the newest). */
  private latestOutput(run: Run, models: LoggedModel[]): LoggedModel | undefined {
    const stepOf = new Map(run.outputs.modelOutputs.map((output) => [output.modelId, output.step]));
    return [...models].sort(
      (a, b) =>
        (stepOf.get(b.modelId) ?? -1) - (stepOf.get(a.modelId) ?? -1) || (b.creationTimestamp ?? 0) - (a.creationTimestamp ?? 0),
    )[0];
  }

  /** The listing entry for `path` under `artifactUri`, or undefined when there is none. */
  private async artifactEntry(artifactUri: string, path: string): Promise<FileInfo | undefined> {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const entries = await this.store.listArtifacts(artifactUri, parent);
    return entries.find((entry) => entry.path === path);
  }

  /** Lists artifacts under a URI (see `resolveArtifactLocation`), one level or the whole tree. */
  async listArtifacts(uri: string, options: { path?: string; recursive?: boolean } = {}): Promise<FileInfo[]> {
    const location = await this.resolveArtifactLocation(uri);
    const start = joinArtifactPath(location.path, normalizeArtifactPath(options.path ?? ''));
    const strip = (info: FileInfo): FileInfo => ({
      ...info,
      path: location.path === '' ? info.path : info.path.slice(location.path.length + 1),
    });
    if (!options.recursive) return (await this.store.listArtifacts(location.artifactUri, start)).map(strip);
    const all: FileInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await this.store.listArtifacts(location.artifactUri, dir)) {
        all.push(strip(entry));
        if (entry.isDir) await walk(entry.path);
      }
    };
    await walk(start);
    return all;
  }

  /**
   * Downloads the file or directory a URI points at into `destinationDir`, keeping its relative
   * layout; returns the local path of the downloaded file or directory.
   */
  async downloadArtifacts(uri: string, destinationDir: string): Promise<string> {
    const location = await this.resolveArtifactLocation(uri);
    const { artifactUri, path } = location;
    const isDirectory = path === '' || (await this.artifactEntry(artifactUri, path))?.isDir === true;
    if (!isDirectory) {
      const entry = await this.artifactEntry(artifactUri, path);
      if (!entry) throw notFound(`artifact ${path} under ${artifactUri}`, this.store.location);
      const local = join(destinationDir, basename(path));
      await mkdir(destinationDir, { recursive: true });
      await this.store.downloadArtifact(artifactUri, path, local);
      return local;
    }
    const localRoot = path === '' ? destinationDir : join(destinationDir, basename(path));
    const files = (await this.listArtifacts(artifactUri, { path, recursive: true })).filter((file) => !file.isDir);
    const relativeOf = (file: FileInfo): string => (path === '' ? file.path : file.path.slice(path.length + 1));
    await mkdir(localRoot, { recursive: true });
    await forEachLimited(files, this.transferConcurrency, async (file) => {
      const local = join(localRoot, ...relativeOf(file).split('/'));
      await mkdir(dirname(local), { recursive: true });
      await this.store.downloadArtifact(artifactUri, file.path, local);
    });
    return localRoot;
  }

  // ---- Models ----

  /**
   * Logs a model so that real MLflow lists and loads it, on either major version (detected from
   * the server): on MLflow 3 a LoggedModel is created, linked to the run's outputs, its files
   * uploaded and it is finalized READY (FAILED when anything goes wrong); on MLflow 2 the files
   * become run artifacts under `name/` and the run's `mlflow.log-model.history` tag gets the
   * model. An `MLmodel` file is written in both cases. Optionally registers the model.
   */
  async logModel(options: LogModelOptions): Promise<LogModelResult> {
    const name = normalizeArtifactPath(options.name);
    if (name === '') throw new MlflowValidationError('the model name is empty', { location: 'model', hint: 'use e.g. "model"' });
    const dirInfo = await stat(options.modelDir).catch(() => undefined);
    if (!dirInfo?.isDirectory()) {
      throw new MlflowValidationError(`model directory ${options.modelDir} does not exist or is not a directory`, {
        location: 'model',
        hint: 'save the model files to a directory first',
      });
    }
    const run = await this.store.getRun(options.runId);
    const capabilities = await this.store.getCapabilities();
    const result = capabilities.loggedModels
      ? await this.logLoggedModel(run, name, options)
      : await this.logRunArtifactModel(run, name, options);
    if (options.registeredModelName !== undefined) {
      result.registeredVersion = await this.registerModel(result.modelUri, options.registeredModelName);
    }
    return result;
  }

  private buildMlmodel(base: Record<string, unknown>, options: LogModelOptions): Record<string, unknown> {
    const mlmodel: Record<string, unknown> = {
      ...base,
      flavors: options.flavors,
      utc_time_created: utcTimeCreated(new Date(this.now())),
    };
    if (options.signature) mlmodel.signature = { params: null, ...options.signature };
    if (options.metadata) mlmodel.metadata = options.metadata;
    return mlmodel;
  }

  /** Uploads the model directory plus a fresh MLmodel to `artifactUri`/`prefix`. */
  private async uploadModelFiles(artifactUri: string, prefix: string, options: LogModelOptions, mlmodel: Record<string, unknown>): Promise<void> {
    await this.uploadDirectory(artifactUri, options.modelDir, prefix, (path) => path === 'MLmodel');
    const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-model-'));
    try {
      const file = join(staging, 'MLmodel');
      await writeFile(file, toYaml(mlmodel, { sortMapEntries: true }), 'utf8');
      await this.store.uploadArtifact(artifactUri, joinArtifactPath(prefix, 'MLmodel'), file);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async logLoggedModel(run: Run, name: string, options: LogModelOptions): Promise<LogModelResult> {
    const model = await this.store.createLoggedModel({
      experimentId: run.info.experimentId,
      name,
      modelType: options.modelType,
      sourceRunId: run.info.runId,
      params: options.params,
      tags: options.tags,
    });
    const mlmodel = this.buildMlmodel(
      { artifact_path: model.artifactUri, model_id: model.modelId, model_uuid: model.modelId, run_id: run.info.runId },
      options,
    );
    try {
      await this.store.logOutputs(run.info.runId, [{ modelId: model.modelId, step: options.step ?? 0 }]);
      await this.uploadModelFiles(model.artifactUri, '', options, mlmodel);
      await this.store.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_READY');
    } catch (error) {
      await this.store.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new MlflowModelLoggingError(`logging model "${name}" (${model.modelId}) failed; it is marked FAILED: ${reason}`, {
        hint: 'fix the cause and log the model again',
        cause: error,
        modelId: model.modelId,
      });
    }
    return {
      modelUri: formatModelUri({ kind: 'logged-model', modelId: model.modelId }),
      artifactUri: model.artifactUri,
      modelId: model.modelId,
      mlmodel,
      flow: 'logged-model',
      registeredVersion: undefined,
    };
  }

  private async logRunArtifactModel(run: Run, name: string, options: LogModelOptions): Promise<LogModelResult> {
    const mlmodel = this.buildMlmodel(
      { artifact_path: name, model_uuid: randomUUID().replace(/-/g, ''), run_id: run.info.runId },
      options,
    );
    await this.uploadModelFiles(run.info.artifactUri, name, options, mlmodel);
    await this.store.recordLoggedModel(run.info.runId, mlmodel);
    return {
      modelUri: formatModelUri({ kind: 'run', runId: run.info.runId, path: name }),
      artifactUri: appendToArtifactUri(run.info.artifactUri, name),
      modelId: undefined,
      mlmodel,
      flow: 'run-artifacts',
      registeredVersion: undefined,
    };
  }

  /**
   * Registers a model as a new version of `name` (creating the registered model when needed),
   * as `mlflow.register_model` does: a `runs:/` URI becomes the run's artifact location, or on
   * MLflow 3 the LoggedModel of that name from the run; `models:/` URIs keep their LoggedModel
   * or source version.
   */
  async registerModel(modelUri: string, name: string, options: RegisterModelOptions = {}): Promise<ModelVersion> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(options.tags ?? {})) validateRegistryTag(key, value, limits);
    if (options.description !== undefined) validateDescription('model version', options.description, limits);
    const source = await this.versionSource(modelUri);
    try {
      await this.store.createRegisteredModel({ name });
    } catch (error) {
      if (!(error instanceof MlflowAlreadyExistsError)) throw error;
    }
    const version = await this.store.createModelVersion({ name, ...source, description: options.description, tags: options.tags });
    return this.awaitReady(version, options.awaitRegistrationSeconds ?? 300);
  }

  private async versionSource(modelUri: string): Promise<{ source: string; runId?: string; modelId?: string }> {
    if (!modelUri.startsWith('runs:') && !modelUri.startsWith('models:')) return { source: modelUri };
    const parsed = parseModelUri(modelUri);
    if (parsed.kind === 'run') {
      const location = await this.resolveRunPath(parsed.runId, parsed.path);
      const run = await this.store.getRun(parsed.runId);
      if (location.artifactUri === run.info.artifactUri) {
        return { source: appendToArtifactUri(location.artifactUri, location.path), runId: parsed.runId };
      }
      const model = await this.modelAt(location.artifactUri, run);
      return { source: formatModelUri({ kind: 'logged-model', modelId: model.modelId }), runId: parsed.runId, modelId: model.modelId };
    }
    if (parsed.kind === 'logged-model') {
      const model = await this.loggedModelOf(modelUri, parsed.modelId);
      return { source: modelUri, modelId: model.modelId, ...(model.sourceRunId ? { runId: model.sourceRunId } : {}) };
    }
    const resolved = await this.resolveModelUri(modelUri);
    const version = resolved.modelVersion;
    return {
      source: version?.modelId ? formatModelUri({ kind: 'logged-model', modelId: version.modelId }) : resolved.artifactUri,
      ...(version?.runId ? { runId: version.runId } : {}),
      ...(version?.modelId ? { modelId: version.modelId } : {}),
    };
  }

  private async modelAt(artifactUri: string, run: Run): Promise<LoggedModel> {
    for (const output of run.outputs.modelOutputs) {
      const model = await this.store.getLoggedModel(output.modelId);
      if (model.artifactUri === artifactUri) return model;
    }
    const found = await this.store.searchLoggedModels({ experimentIds: [run.info.experimentId], filter: `source_run_id = ${filterLiteral(run.info.runId)}` });
    const model = found.items.find((candidate) => candidate.artifactUri === artifactUri);
    if (!model) throw notFound(`LoggedModel at ${artifactUri}`, this.store.location);
    return model;
  }

  private async awaitReady(version: ModelVersion, seconds: number): Promise<ModelVersion> {
    const deadline = Date.now() + seconds * 1000;
    let current = version;
    while (current.status === 'PENDING_REGISTRATION' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, PENDING_POLL_MS));
      current = await this.store.getModelVersion(current.name, current.version);
    }
    if (current.status === 'FAILED_REGISTRATION') {
      throw new MlflowModelLoggingError(
        `registration of ${current.name} version ${current.version} failed: ${current.statusMessage ?? 'no reason given'}`,
        { hint: 'check the model source and the server logs' },
      );
    }
    return current;
  }

  /** Resolves any model URI to the artifact root of its files, with the version or LoggedModel behind it. */
  async resolveModelUri(uri: string): Promise<ResolvedModel> {
    const parsed = parseModelUri(uri);
    switch (parsed.kind) {
      case 'run': {
        const location = await this.resolveRunPath(parsed.runId, parsed.path);
        return { artifactUri: appendToArtifactUri(location.artifactUri, location.path), modelVersion: undefined, loggedModel: undefined };
      }
      case 'logged-model': {
        const loggedModel = await this.loggedModelOf(uri, parsed.modelId);
        return { artifactUri: loggedModel.artifactUri, modelVersion: undefined, loggedModel };
      }
      case 'version':
        return this.resolvedVersion(await this.store.getModelVersion(parsed.name, parsed.version));
      case 'latest':
        return this.resolvedVersion(await this.getLatestModelVersion(parsed.name));
      case 'alias':
        return this.resolvedVersion(await this.store.getModelVersionByAlias(parsed.name, parsed.alias));
      case 'stage': {
        const versions = await this.store.getLatestVersions(parsed.name, [parsed.stage]);
        const latest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
        if (!latest) throw notFound(`a version of "${parsed.name}" in stage ${parsed.stage}`, this.store.location);
        return this.resolvedVersion(latest);
      }
    }
  }

  /** The LoggedModel a `models:/<id>` URI names; a clear error on servers without LoggedModels. */
  private async loggedModelOf(uri: string, modelId: string): Promise<LoggedModel> {
    const capabilities = await this.store.getCapabilities();
    if (!capabilities.loggedModels) {
      throw new MlflowUriError(
        `"${uri}" names an MLflow 3 LoggedModel, but ${this.store.location} runs MLflow ${capabilities.version ?? '2'} without LoggedModels`,
        { hint: 'use models:/<name>/<version>, models:/<name>@<alias> or runs:/<run_id>/<path>' },
      );
    }
    return this.store.getLoggedModel(modelId);
  }

  private async resolvedVersion(version: ModelVersion): Promise<ResolvedModel> {
    const artifactUri = await this.store.getModelVersionDownloadUri(version.name, version.version);
    return { artifactUri, modelVersion: version, loggedModel: undefined };
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.store.getLoggedModel(modelId);
  }

  searchLoggedModels(options: SearchAllOptions & { experimentIds: string[] }): Promise<LoggedModel[]> {
    return this.collect(
      (pageToken, maxResults) =>
        this.store.searchLoggedModels({ experimentIds: options.experimentIds, filter: options.filter, pageToken, maxResults }),
      options,
    );
  }

  // ---- Model Registry ----

  async createRegisteredModel(name: string, options: { description?: string; tags?: Tags } = {}): Promise<RegisteredModel> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(options.tags ?? {})) validateRegistryTag(key, value, limits);
    if (options.description !== undefined) validateDescription('registered model', options.description, limits);
    return this.store.createRegisteredModel({ name, ...options });
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.store.getRegisteredModel(name);
  }

  /** e.g. `{ filter: "name LIKE 'penguin%'" }` or `"tags.team = 'mlops'"`. */
  searchRegisteredModels(options: SearchAllOptions = {}): Promise<RegisteredModel[]> {
    return this.collect(
      (pageToken, maxResults) => this.store.searchRegisteredModels({ filter: options.filter, orderBy: options.orderBy, pageToken, maxResults }),
      options,
    );
  }

  async updateRegisteredModelDescription(name: string, description: string): Promise<RegisteredModel> {
    validateDescription('registered model', description, await this.limits());
    return this.store.updateRegisteredModel(name, description);
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.store.renameRegisteredModel(name, newName);
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, await this.limits());
    await this.store.setRegisteredModelTag(name, key, value);
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.store.deleteRegisteredModelTag(name, key);
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.store.deleteRegisteredModel(name);
  }

  async createModelVersion(request: {
    name: string;
    source: string;
    runId?: string;
    modelId?: string;
    description?: string;
    tags?: Tags;
    runLink?: string;
  }): Promise<ModelVersion> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRegistryTag(key, value, limits);
    if (request.description !== undefined) validateDescription('model version', request.description, limits);
    return this.awaitReady(await this.store.createModelVersion(request), 300);
  }

  getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return this.store.getModelVersion(name, String(version));
  }

  /** The version with the highest number, whatever its stage. */
  async getLatestModelVersion(name: string): Promise<ModelVersion> {
    const [latest] = await this.store
      .searchModelVersions({ filter: `name = ${filterLiteral(name)}`, orderBy: ['version_number DESC'], maxResults: 1 })
      .then((page) => page.items);
    if (!latest) throw notFound(`a version of registered model "${name}"`, this.store.location);
    return latest;
  }

  /** e.g. `{ filter: "name = 'penguins' AND tags.validated = 'true'" }`. */
  searchModelVersions(options: SearchAllOptions = {}): Promise<ModelVersion[]> {
    return this.collect(
      (pageToken, maxResults) => this.store.searchModelVersions({ filter: options.filter, orderBy: options.orderBy, pageToken, maxResults }),
      options,
    );
  }

  async updateModelVersionDescription(name: string, version: string | number, description: string): Promise<ModelVersion> {
    validateDescription('model version', description, await this.limits());
    return this.store.updateModelVersion(name, String(version), description);
  }

  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, await this.limits());
    await this.store.setModelVersionTag(name, String(version), key, value);
  }

  deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    return this.store.deleteModelVersionTag(name, String(version), key);
  }

  /**
   * Moves a version to `Staging`, `Production`, `Archived` or `None`; with
   * `archiveExistingVersions` the versions already in that stage are archived. Stages are
   * deprecated in MLflow in favour of aliases, but still served.
   */
  async transitionModelVersionStage(
    name: string,
    version: string | number,
    stage: string,
    options: { archiveExistingVersions?: boolean } = {},
  ): Promise<ModelVersion> {
    const archive = options.archiveExistingVersions ?? false;
    if (archive && !['staging', 'production'].includes(stage.toLowerCase())) {
      // The server answers this with a 500, which would be retried for nothing.
      throw new MlflowValidationError(`cannot archive the existing versions when moving to stage "${stage}"`, {
        location: `${name} version ${version}`,
        hint: 'archive existing versions only when moving to Staging or Production',
      });
    }
    return this.store.transitionModelVersionStage(name, String(version), stage, archive);
  }

  deleteModelVersion(name: string, version: string | number): Promise<void> {
    return this.store.deleteModelVersion(name, String(version));
  }

  /** Points `alias` (e.g. `champion`) at a version; an alias already in use moves. */
  async setAlias(name: string, alias: string, version: string | number): Promise<void> {
    validateAlias(alias, await this.limits());
    await this.store.setRegisteredModelAlias(name, alias, String(version));
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.store.getModelVersionByAlias(name, alias);
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.store.deleteRegisteredModelAlias(name, alias);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
