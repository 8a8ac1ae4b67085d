/**
 * `TrackingStore` over a local directory in MLflow's FileStore layout (`./mlruns`), so runs are
 * recorded with no server and MLflow reads them as its own: `mlflow ui --backend-store-uri
 * ./mlruns` (with `MLFLOW_ALLOW_FILE_STORE=true` on MLflow >= 3.13) or `mlflow migrate-filestore`.
 *
 * Files are written as MLflow's `FileStore` writes them (see `layout.ts`), through `StoreDisk`
 * so that no reader sees a half-written file, and every read-modify-write runs under the
 * store's lock so that several commands can record into the same directory at once.
 * Experiment ids count up from 0 (`Default`); run ids are uuid4 hex; LoggedModel ids `m-<hex>`.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MlflowNotFoundError, MlflowUriError } from '../errors.js';
import { LOG_MODEL_HISTORY_TAG } from '../rest-store.js';
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
} from '../store.js';
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
  Page,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  SearchOptions,
  Tags,
  ViewType,
} from '../types.js';
import { normalizeArtifactPath } from '../uris.js';
import { validateKey } from '../validation.js';
import { StoreDisk, errorCode } from './disk.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import {
  DEFAULT_EXPERIMENT_ID,
  EXPERIMENT_FOLDERS,
  LOCK_FILE,
  LOGGED_MODEL_STATUS_CODES,
  META,
  REGISTRY,
  RUN_STATUS_CODES,
  SOURCE_TYPE_LOCAL,
  TRASH,
  datasetId,
  fileUriOf,
  formatMetricValue,
  inputId,
  keyPath,
  localPathOf,
  statusFromCode,
} from './layout.js';
import { StoreLock, type LockOptions } from './lock.js';
import {
  latestPoint,
  listDirectories,
  listMetricKeys,
  optionalNumber,
  optionalString,
  readMetaFile,
  readModelMetricFile,
  readRunMetricFile,
  readText,
  readValues,
} from './read.js';
import { FileRegistry } from './registry.js';
import { paginate, searchEntities, type FieldReader } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

export interface FileStoreOptions {
  lock?: LockOptions;
}

const RUN_NAME_TAG = 'mlflow.runName';
const USER_TAG = 'mlflow.user';
const DEFAULT_MAX_RESULTS = 1000;

interface Located {
  experimentId: string;
  dir: string;
}

const ADJECTIVES = ['able', 'bold', 'calm', 'clever', 'eager', 'gentle', 'keen', 'lucky', 'merry', 'quick', 'shy', 'wise'];
const NOUNS = ['ant', 'bee', 'crab', 'deer', 'finch', 'fox', 'gull', 'hare', 'lynx', 'owl', 'seal', 'wren'];

/** A name like MLflow's generated ones (`bold-finch-123`). */
function generatedRunName(): string {
  const pick = (words: string[]) => words[Math.floor(Math.random() * words.length)] ?? words[0];
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1000)}`;
}

function runStatusOf(code: unknown): RunStatus {
  return statusFromCode(RUN_STATUS_CODES, code, 'RUNNING');
}

function lifecycleOf(value: unknown): LifecycleStage {
  return value === 'deleted' ? 'deleted' : 'active';
}

function viewIncludes(view: ViewType | undefined, stage: LifecycleStage): boolean {
  if (view === 'ALL') return true;
  return view === 'DELETED_ONLY' ? stage === 'deleted' : stage === 'active';
}

/**
 * A run's metric line is `<ts> <value> <step>`. MLflow's writer adds the dataset name and digest
 * when a point has them, but its reader then takes the step of such a line as 0; and a SQL store
 * keeps datasets only with LoggedModel metrics. So datasets go to the model's line only, where
 * MLflow writes `<ts> <value> <step> <run_id> [<dataset> <digest>]`.
 */
function runMetricLine(metric: Metric): string {
  return `${metric.timestamp} ${formatMetricValue(metric.value)} ${metric.step}\n`;
}

function modelMetricLine(metric: Metric, runId: string): string {
  const fields = [String(metric.timestamp), formatMetricValue(metric.value), String(metric.step), runId];
  if (metric.datasetName !== undefined && metric.datasetDigest !== undefined) fields.push(metric.datasetName, metric.datasetDigest);
  return `${fields.join(' ')}\n`;
}

export class FileStore implements TrackingStore {
  /** The store directory (absolute). */
  readonly root: string;
  readonly location: string;
  readonly disk: StoreDisk;
  readonly lock: StoreLock;
  private readonly registry: FileRegistry;
  private ready: Promise<void> | undefined;
  /**
   * The block last appended to each metric file by this store: a batch sent again right after
   * (a caller retrying) is recognised without reading the file.
   */
  private readonly lastAppended = new Map<string, string>();
  /** Where runs were last found; a run moves only when its experiment is deleted or restored. */
  private readonly runDirs = new Map<string, Located>();

  constructor(rootOrUri: string, options: FileStoreOptions = {}) {
    this.root = localPathOf(rootOrUri);
    this.location = fileUriOf(this.root);
    this.disk = new StoreDisk(this.root);
    this.lock = new StoreLock(join(this.root, LOCK_FILE), options.lock);
    this.registry = new FileRegistry(this);
  }

  /** Creates the store (root, `.trash`, `models`, the `Default` experiment) on first use. */
  ensureReady(): Promise<void> {
    this.ready ??= this.initialize().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async initialize(): Promise<void> {
    try {
      await mkdir(join(this.root, TRASH), { recursive: true });
      await mkdir(join(this.root, REGISTRY), { recursive: true });
    } catch (error) {
      throw invalid(
        this.root,
        `cannot use ${this.root} as a local tracking store: ${(error as Error).message}`,
        'pass --mlflow-uri file:<writable directory>, or run where ./mlruns can be created',
      );
    }
    await this.disk.removeLeftovers();
    if ((await readText(join(this.root, DEFAULT_EXPERIMENT_ID, META))) === undefined) {
      await this.lock.run(async () => {
        if ((await readText(join(this.root, DEFAULT_EXPERIMENT_ID, META))) !== undefined) return;
        await this.writeNewExperiment(DEFAULT_EXPERIMENT_ID, 'Default', undefined, {});
      });
    }
  }

  async getCapabilities(): Promise<StoreCapabilities> {
    return { version: undefined, loggedModels: true, limits: MLFLOW_LIMITS };
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  // ---- Experiments ----

  private experimentDirCandidates(experimentId: string): string[] {
    return [join(this.root, experimentId), join(this.root, TRASH, experimentId)];
  }

  /** The directory of an experiment, active or deleted. */
  async experimentDir(experimentId: string): Promise<string> {
    await this.ensureReady();
    if (!/^[0-9A-Za-z][\w-]{0,63}$/.test(experimentId)) throw notFound(this.root, `experiment ${JSON.stringify(experimentId)}`);
    for (const dir of this.experimentDirCandidates(experimentId)) {
      if ((await readText(join(dir, META))) !== undefined) return dir;
    }
    throw notFound(this.root, `experiment ${experimentId}`, experimentId);
  }

  /** The directories of those experiments that exist (a search skips the others, as MLflow's). */
  private async experimentDirs(experimentIds: readonly string[]): Promise<Array<[string, string]>> {
    const found: Array<[string, string]> = [];
    for (const experimentId of experimentIds) {
      try {
        found.push([experimentId, await this.experimentDir(experimentId)]);
      } catch (error) {
        if (!(error instanceof MlflowNotFoundError)) throw error;
      }
    }
    return found;
  }

  private async readExperiment(dir: string): Promise<Experiment | undefined> {
    const meta = await readMetaFile(dir);
    if (meta === undefined) return undefined;
    return {
      experimentId: String(meta.experiment_id),
      name: String(meta.name),
      artifactLocation: String(meta.artifact_location ?? fileUriOf(dir)),
      lifecycleStage: lifecycleOf(meta.lifecycle_stage),
      creationTime: optionalNumber(meta.creation_time),
      lastUpdateTime: optionalNumber(meta.last_update_time),
      tags: await readValues(join(dir, 'tags')),
    };
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const experiment = await this.readExperiment(await this.experimentDir(experimentId));
    if (experiment === undefined) throw notFound(this.root, `experiment ${experimentId}`, experimentId);
    return experiment;
  }

  private async allExperiments(): Promise<Experiment[]> {
    await this.ensureReady();
    const experiments: Experiment[] = [];
    for (const parent of [this.root, join(this.root, TRASH)]) {
      for (const name of await listDirectories(parent)) {
        if (!/^\d+$/.test(name)) continue;
        const experiment = await this.readExperiment(join(parent, name));
        if (experiment !== undefined) experiments.push(experiment);
      }
    }
    return experiments;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const matches = (await this.allExperiments()).filter((experiment) => experiment.name === name);
    return matches.find((experiment) => experiment.lifecycleStage === 'active') ?? matches[0];
  }

  private async writeNewExperiment(experimentId: string, name: string, artifactLocation: string | undefined, tags: Tags): Promise<void> {
    const now = Date.now();
    const meta: Meta = {
      artifact_location: artifactLocation ?? fileUriOf(join(this.root, experimentId)),
      creation_time: now,
      experiment_id: experimentId,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    const fill = async (dir: string) => {
      for (const [key, value] of Object.entries(tags)) await this.disk.write(keyPath(join(dir, 'tags'), key), value);
      await this.disk.write(join(dir, META), dumpMeta(meta));
    };
    if (experimentId === DEFAULT_EXPERIMENT_ID) {
      // The staging area lives inside experiment 0, so 0 itself is written in place, meta.yaml last.
      await mkdir(join(this.root, experimentId), { recursive: true });
      await fill(join(this.root, experimentId));
      return;
    }
    if (!(await this.disk.createDirectory(join(this.root, experimentId), fill))) {
      throw alreadyExists(this.root, `experiment ${experimentId}`);
    }
  }

  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    await this.ensureReady();
    for (const key of Object.keys(request.tags ?? {})) validateKey(`experiment tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    return this.lock.run(async () => {
      const experiments = await this.allExperiments();
      const holder = experiments.find((experiment) => experiment.name === request.name);
      if (holder !== undefined) {
        throw alreadyExists(
          this.root,
          `experiment "${request.name}"${holder.lifecycleStage === 'deleted' ? ' (deleted, in .trash)' : ''}`,
        );
      }
      const used = [...(await listDirectories(this.root)), ...(await listDirectories(join(this.root, TRASH)))]
        .filter((name) => /^\d+$/.test(name))
        .map((name) => BigInt(name));
      const next = used.reduce((max, id) => (id > max ? id : max), 0n) + 1n;
      const experimentId = String(next);
      await this.writeNewExperiment(experimentId, request.name, request.artifactLocation, request.tags ?? {});
      return experimentId;
    });
  }

  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    const read: FieldReader<Experiment> = (experiment, kind, key) => {
      if (kind === 'tag') return experiment.tags[key];
      if (kind !== 'attribute') return undefined;
      const attributes: Record<string, string | number | undefined> = {
        name: experiment.name,
        experiment_id: experiment.experimentId,
        creation_time: experiment.creationTime,
        last_update_time: experiment.lastUpdateTime,
      };
      return attributes[key];
    };
    const inView = (await this.allExperiments()).filter((experiment) => viewIncludes(request.viewType, experiment.lifecycleStage));
    return searchEntities(inView, read, {
      filter: request.filter,
      orderBy: request.orderBy?.length ? request.orderBy : ['creation_time DESC', 'experiment_id ASC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? DEFAULT_MAX_RESULTS,
    });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateKey(`experiment tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const experiment = await this.getExperiment(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw invalid(this.root, `experiment ${experimentId} is deleted`, 'restore it before tagging it');
    }
    await this.disk.write(keyPath(join(await this.experimentDir(experimentId), 'tags'), key), value);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === DEFAULT_EXPERIMENT_ID) {
      throw invalid(this.root, 'the Default experiment (0) cannot be deleted', 'delete its runs instead');
    }
    await this.lock.run(async () => {
      const dir = await this.experimentDir(experimentId);
      if (dir !== join(this.root, experimentId)) throw notFound(this.root, `active experiment ${experimentId}`);
      const now = Date.now();
      for (const name of await listDirectories(dir)) {
        if (EXPERIMENT_FOLDERS.has(name)) continue;
        const meta = await readMetaFile(join(dir, name));
        if (meta === undefined || meta.lifecycle_stage === 'deleted') continue;
        await this.disk.write(join(dir, name, META), dumpMeta({ ...(meta as Meta), lifecycle_stage: 'deleted', deleted_time: now }));
      }
      const meta = (await readMetaFile(dir)) as Meta;
      await this.disk.write(join(dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', last_update_time: now }));
      await rename(dir, join(this.root, TRASH, experimentId));
      this.runDirs.clear();
    });
  }

  // ---- Runs ----

  /** Finds a run in any experiment, active or deleted. */
  async locateRun(runId: string): Promise<Located> {
    await this.ensureReady();
    if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(runId)) throw notFound(this.root, `run ${JSON.stringify(runId)}`);
    const cached = this.runDirs.get(runId);
    if (cached !== undefined && (await readText(join(cached.dir, META))) !== undefined) return cached;
    for (const parent of [this.root, join(this.root, TRASH)]) {
      for (const experimentId of await listDirectories(parent)) {
        if (!/^\d+$/.test(experimentId)) continue;
        const dir = join(parent, experimentId, runId);
        if ((await readText(join(dir, META))) !== undefined) {
          const located = { experimentId, dir };
          this.runDirs.set(runId, located);
          return located;
        }
      }
    }
    throw notFound(this.root, `run ${runId}`, runId);
  }

  private async readRunMeta(runId: string): Promise<{ located: Located; meta: Meta }> {
    const located = await this.locateRun(runId);
    const meta = await readMetaFile(located.dir);
    if (meta === undefined) throw notFound(this.root, `run ${runId}`, runId);
    return { located, meta: meta as Meta };
  }

  private runInfoOf(meta: Meta, tags: Tags): RunInfo {
    return {
      runId: String(meta.run_id ?? meta.run_uuid),
      runName: optionalString(meta.run_name) || tags[RUN_NAME_TAG],
      experimentId: String(meta.experiment_id),
      userId: optionalString(meta.user_id),
      status: runStatusOf(meta.status),
      startTime: optionalNumber(meta.start_time),
      endTime: optionalNumber(meta.end_time),
      artifactUri: String(meta.artifact_uri),
      lifecycleStage: lifecycleOf(meta.lifecycle_stage),
    };
  }

  /** A run's active state, as MLflow checks it before any write. */
  private async activeRun(runId: string): Promise<{ located: Located; meta: Meta }> {
    const found = await this.readRunMeta(runId);
    if (found.meta.lifecycle_stage === 'deleted') {
      throw invalid(this.root, `run ${runId} is deleted; nothing can be logged to it`, 'restore the run or log to a new one');
    }
    return found;
  }

  private async readRun(located: Located, meta: Meta): Promise<Run> {
    const tags = await readValues(join(located.dir, 'tags'));
    const params = await readValues(join(located.dir, 'params'));
    const metrics: Record<string, number> = {};
    const metricsDir = join(located.dir, 'metrics');
    for (const key of await listMetricKeys(metricsDir)) {
      const latest = latestPoint(await readRunMetricFile(keyPath(metricsDir, key), key));
      if (latest !== undefined) metrics[key] = latest.value;
    }
    return {
      info: this.runInfoOf(meta, tags),
      data: { metrics, params, tags },
      inputs: await this.readInputs(located),
      outputs: { modelOutputs: await this.readOutputs(located.dir) },
    };
  }

  private async readInputs(located: Located): Promise<Run['inputs']> {
    const inputsDir = join(located.dir, 'inputs');
    const datasetInputs: DatasetInput[] = [];
    const modelInputs: Array<{ modelId: string }> = [];
    for (const name of await listDirectories(inputsDir)) {
      const meta = await readMetaFile(join(inputsDir, name));
      if (meta === undefined) continue;
      if (meta.source_type === 'MODEL') {
        modelInputs.push({ modelId: String(meta.source_id) });
        continue;
      }
      if (meta.source_type !== 'DATASET') continue;
      const datasetMeta = await readMetaFile(join(dirname(located.dir), 'datasets', String(meta.source_id)));
      if (datasetMeta === undefined) continue;
      datasetInputs.push({
        dataset: {
          name: String(datasetMeta.name),
          digest: String(datasetMeta.digest),
          sourceType: String(datasetMeta.source_type),
          source: String(datasetMeta.source),
          schema: optionalString(datasetMeta.schema),
          profile: optionalString(datasetMeta.profile),
        },
        tags: Object.fromEntries(Object.entries((meta.tags ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)])),
      });
    }
    return { datasetInputs, modelInputs };
  }

  private async readOutputs(runDir: string): Promise<ModelOutput[]> {
    const outputsDir = join(runDir, 'outputs');
    const outputs: ModelOutput[] = [];
    for (const name of await listDirectories(outputsDir)) {
      const meta = await readMetaFile(join(outputsDir, name));
      if (meta === undefined || meta.destination_type !== 'MODEL_OUTPUT') continue;
      outputs.push({ modelId: String(meta.destination_id), step: Number(meta.step ?? 0) });
    }
    return outputs;
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    const experiment = await this.getExperiment(request.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw invalid(this.root, `experiment ${request.experimentId} is deleted; no run can be created in it`, 'restore it or use another experiment');
    }
    const tags: Tags = { ...(request.tags ?? {}) };
    for (const key of Object.keys(tags)) validateKey(`tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const tagName = tags[RUN_NAME_TAG];
    if (request.runName && tagName && request.runName !== tagName) {
      throw invalid(this.root, `the run name "${request.runName}" differs from its ${RUN_NAME_TAG} tag "${tagName}"`, 'give one name');
    }
    const runName = request.runName || tagName || generatedRunName();
    tags[RUN_NAME_TAG] = runName;
    const runId = randomUUID().replaceAll('-', '');
    const experimentDir = await this.experimentDir(request.experimentId);
    const meta: Meta = {
      artifact_uri: `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
      deleted_time: null,
      end_time: null,
      entry_point_name: '',
      experiment_id: request.experimentId,
      lifecycle_stage: 'active',
      run_id: runId,
      run_name: runName,
      run_uuid: runId,
      source_name: '',
      source_type: SOURCE_TYPE_LOCAL,
      source_version: '',
      start_time: request.startTime,
      status: RUN_STATUS_CODES.RUNNING,
      tags: [],
      user_id: tags[USER_TAG] ?? 'unknown',
    };
    const dir = join(experimentDir, runId);
    await this.disk.createDirectory(dir, async (staging) => {
      for (const folder of ['metrics', 'params', 'artifacts']) await mkdir(join(staging, folder));
      for (const [key, value] of Object.entries(tags)) await this.disk.write(keyPath(join(staging, 'tags'), key), value);
      await this.disk.write(join(staging, META), dumpMeta(meta));
    });
    const located = { experimentId: request.experimentId, dir };
    this.runDirs.set(runId, located);
    return this.readRun(located, meta);
  }

  async updateRun(request: UpdateRunRequest): Promise<RunInfo> {
    return this.lock.run(async () => {
      const { located, meta } = await this.activeRun(request.runId);
      const updated: Meta = { ...meta };
      // As MLflow's `_overwrite_run_info`: deleted_time is written only when the run is deleted.
      if (updated.deleted_time === null) delete updated.deleted_time;
      if (request.status !== undefined) updated.status = RUN_STATUS_CODES[request.status];
      if (request.endTime !== undefined) updated.end_time = request.endTime;
      if (request.runName) {
        updated.run_name = request.runName;
        await this.disk.write(keyPath(join(located.dir, 'tags'), RUN_NAME_TAG), request.runName);
      }
      await this.disk.write(join(located.dir, META), dumpMeta(updated));
      return this.runInfoOf(updated, await readValues(join(located.dir, 'tags')));
    });
  }

  async getRun(runId: string): Promise<Run> {
    const { located, meta } = await this.readRunMeta(runId);
    return this.readRun(located, meta);
  }

  async searchRuns(request: SearchRunsRequest): Promise<Page<Run>> {
    const runs: Run[] = [];
    for (const [experimentId, experimentDir] of await this.experimentDirs(request.experimentIds)) {
      for (const name of await listDirectories(experimentDir)) {
        if (EXPERIMENT_FOLDERS.has(name)) continue;
        const located = { experimentId, dir: join(experimentDir, name) };
        const meta = await readMetaFile(located.dir);
        if (meta === undefined || String(meta.experiment_id) !== experimentId) continue;
        if (!viewIncludes(request.viewType, lifecycleOf(meta.lifecycle_stage))) continue;
        runs.push(await this.readRun(located, meta as Meta));
      }
    }
    const read: FieldReader<Run> = (run, kind, key) => {
      switch (kind) {
        case 'metric':
          return run.data.metrics[key];
        case 'param':
          return run.data.params[key];
        case 'tag':
          return run.data.tags[key];
        case 'dataset':
          return run.inputs.datasetInputs.map((input) => (key === 'digest' ? input.dataset.digest : key === 'context' ? (input.tags['mlflow.data.context'] ?? '') : input.dataset.name));
        case 'attribute': {
          const { info } = run;
          const attributes: Record<string, string | number | undefined> = {
            run_id: info.runId,
            run_name: info.runName,
            status: info.status,
            start_time: info.startTime,
            end_time: info.endTime,
            user_id: info.userId,
            artifact_uri: info.artifactUri,
            lifecycle_stage: info.lifecycleStage,
          };
          return attributes[key];
        }
      }
    };
    return searchEntities(runs, read, {
      filter: request.filter,
      orderBy: [...(request.orderBy ?? []), 'start_time DESC', 'run_id ASC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? DEFAULT_MAX_RESULTS,
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.lock.run(async () => {
      const { located, meta } = await this.readRunMeta(runId);
      await this.disk.write(join(located.dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', deleted_time: Date.now() }));
    });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.logBatch(runId, { metrics: [], params: [], tags: [{ key, value }] });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    validateKey(`tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const { located } = await this.activeRun(runId);
    try {
      await rm(keyPath(join(located.dir, 'tags'), key));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw notFound(this.root, `tag "${key}" of run ${runId}`);
      throw error;
    }
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    for (const entry of [...batch.metrics, ...batch.params, ...batch.tags]) {
      validateKey(`run ${runId} key ${JSON.stringify(entry.key)}`, entry.key, MLFLOW_LIMITS);
    }
    await this.lock.run(async () => {
      const { located, meta } = await this.activeRun(runId);
      const paramsDir = join(located.dir, 'params');
      for (const param of batch.params) {
        const path = keyPath(paramsDir, param.key);
        const existing = await readText(path);
        if (existing === param.value) continue;
        if (existing !== undefined) {
          throw invalid(
            this.root,
            `param "${param.key}" of run ${runId} is already "${existing}"; it cannot change to "${param.value}"`,
            'MLflow params cannot change; log a new run, or use a metric or tag',
          );
        }
        await this.disk.write(path, param.value);
      }
      await this.appendMetrics(located, batch.metrics);
      for (const tag of batch.tags) {
        await this.disk.write(keyPath(join(located.dir, 'tags'), tag.key), tag.value);
        if (tag.key === RUN_NAME_TAG && meta.run_name !== tag.value) {
          await this.disk.write(join(located.dir, META), dumpMeta({ ...meta, run_name: tag.value }));
        }
      }
    });
  }

  /**
   * Appends points per metric file. A batch this store is given again (a caller retrying after a
   * failure part-way) is not appended twice where it already was; a point repeated within a
   * batch is written once.
   */
  private async appendMetrics(located: Located, metrics: readonly Metric[]): Promise<void> {
    const runId = basename(located.dir);
    const files = new Map<string, Set<string>>();
    const add = (path: string, line: string) => {
      const lines = files.get(path) ?? new Set<string>();
      lines.add(line);
      files.set(path, lines);
    };
    for (const metric of metrics) {
      add(keyPath(join(located.dir, 'metrics'), metric.key), runMetricLine(metric));
      if (metric.modelId !== undefined) {
        const modelDir = await this.modelDir(metric.modelId);
        add(keyPath(join(modelDir, 'metrics'), metric.key), modelMetricLine(metric, runId));
      }
    }
    for (const [path, lines] of files) {
      const block = [...lines].join('');
      if (this.lastAppended.get(path) === block) continue;
      await this.disk.append(path, block);
      this.lastAppended.set(path, block);
    }
  }

  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    validateKey(`metric ${JSON.stringify(key)}`, key, MLFLOW_LIMITS);
    const { located } = await this.readRunMeta(runId);
    const points = await readRunMetricFile(keyPath(join(located.dir, 'metrics'), key), key);
    return paginate(points, options.pageToken, options.maxResults ?? Math.max(points.length, 1));
  }

  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.lock.run(async () => {
      const { located } = await this.activeRun(runId);
      const datasetsDir = join(dirname(located.dir), 'datasets');
      for (const input of datasets) {
        const { dataset } = input;
        const id = datasetId(dataset.name, dataset.digest);
        const datasetMeta: Meta = {
          digest: dataset.digest,
          name: dataset.name,
          source: dataset.source,
          source_type: dataset.sourceType,
        };
        if (dataset.schema !== undefined) datasetMeta.schema = dataset.schema;
        if (dataset.profile !== undefined) datasetMeta.profile = dataset.profile;
        await this.createWithMeta(join(datasetsDir, id), datasetMeta);
        // MLflow writes the dataset id as destination_id too; its reader expects exactly that.
        await this.createWithMeta(join(located.dir, 'inputs', inputId(id, runId)), {
          destination_id: id,
          destination_type: 'RUN',
          source_id: id,
          source_type: 'DATASET',
          tags: { ...input.tags },
        });
      }
    });
  }

  async logOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
    await this.lock.run(async () => {
      const { located } = await this.activeRun(runId);
      for (const output of outputs) {
        // MLflow records the model id as both source and destination of a run output.
        await this.createWithMeta(join(located.dir, 'outputs', output.modelId), {
          destination_id: output.modelId,
          destination_type: 'MODEL_OUTPUT',
          source_id: output.modelId,
          source_type: 'RUN_OUTPUT',
          step: output.step,
          tags: {},
        });
      }
    });
  }

  /** A directory holding only a meta.yaml, created once (later calls leave it as it is). */
  private async createWithMeta(dir: string, meta: Meta): Promise<void> {
    if ((await readText(join(dir, META))) !== undefined) return;
    await this.disk.createDirectory(dir, (staging) => this.disk.write(join(staging, META), dumpMeta(meta)));
  }

  async recordLoggedModel(runId: string, mlmodel: Record<string, unknown>): Promise<void> {
    await this.lock.run(async () => {
      const { located } = await this.activeRun(runId);
      const path = keyPath(join(located.dir, 'tags'), LOG_MODEL_HISTORY_TAG);
      const existing = await readText(path);
      const history = existing ? (JSON.parse(existing) as unknown[]) : [];
      // MLflow's `Model.get_tags_dict`: these fields, and the flavors without their `config`.
      const entry: Record<string, unknown> = {};
      for (const key of ['run_id', 'utc_time_created', 'artifact_path', 'model_uuid']) {
        if (mlmodel[key] !== undefined) entry[key] = mlmodel[key];
      }
      const flavors = (mlmodel.flavors ?? {}) as Record<string, unknown>;
      entry.flavors = Object.fromEntries(
        Object.entries(flavors).map(([name, config]) => {
          if (config === null || typeof config !== 'object') return [name, config];
          const { config: _dropped, ...rest } = config as Record<string, unknown>;
          return [name, rest];
        }),
      );
      await this.disk.write(path, JSON.stringify([...history, entry]));
    });
  }

  // ---- Artifacts ----

  /** The local directory of a `file:` artifact root. */
  private artifactDir(artifactUri: string): string {
    if (!artifactUri.startsWith('file:') && !artifactUri.startsWith('/')) {
      throw new MlflowUriError(`artifact root "${artifactUri}" is not on this machine`, {
        hint: 'a local store reads and writes file: artifact roots only; push the run to a server for remote storage',
      });
    }
    return localPathOf(artifactUri);
  }

  /** The local file or directory of `path` under a `file:` artifact root. */
  artifactPath(artifactUri: string, path: string): string {
    const relativePath = normalizeArtifactPath(path);
    return relativePath === '' ? this.artifactDir(artifactUri) : join(this.artifactDir(artifactUri), ...relativePath.split('/'));
  }

  async listArtifacts(artifactUri: string, path = ''): Promise<FileInfo[]> {
    const relativePath = normalizeArtifactPath(path);
    const dir = this.artifactPath(artifactUri, relativePath);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
    const files: FileInfo[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const childPath = relativePath === '' ? entry.name : `${relativePath}/${entry.name}`;
      if (entry.isDirectory()) files.push({ path: childPath, isDir: true, fileSize: undefined });
      else if (entry.isFile()) files.push({ path: childPath, isDir: false, fileSize: (await stat(join(dir, entry.name))).size });
    }
    return files;
  }

  async uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    await this.ensureReady();
    const target = this.artifactPath(artifactUri, path);
    if (target === this.artifactDir(artifactUri)) {
      throw invalid(this.root, 'an artifact needs a file name', 'pass the path of the file inside the artifact root');
    }
    await this.disk.copyIn(localFile, target);
  }

  async downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const source = this.artifactPath(artifactUri, path);
    const temp = join(dirname(localFile), `.tmp-${basename(localFile)}.${randomUUID().slice(0, 8)}`);
    try {
      await copyFile(source, temp);
      await rename(temp, localFile);
    } catch (error) {
      await rm(temp, { force: true });
      if (errorCode(error) === 'ENOENT') throw notFound(this.root, `artifact ${path} under ${artifactUri}`);
      throw error;
    }
  }

  // ---- LoggedModels ----

  /** The directory of a LoggedModel, in whichever experiment holds it. */
  async modelDir(modelId: string): Promise<string> {
    await this.ensureReady();
    if (!/^m-[0-9a-f]{32}$/.test(modelId)) throw notFound(this.root, `logged model ${JSON.stringify(modelId)}`);
    for (const parent of [this.root, join(this.root, TRASH)]) {
      for (const experimentId of await listDirectories(parent)) {
        if (!/^\d+$/.test(experimentId)) continue;
        const dir = join(parent, experimentId, 'models', modelId);
        if ((await readText(join(dir, META))) !== undefined) return dir;
      }
    }
    throw notFound(this.root, `logged model ${modelId}`, modelId);
  }

  private async readLoggedModel(dir: string): Promise<LoggedModel & { lifecycleStage: LifecycleStage }> {
    const meta = await readMetaFile(dir);
    if (meta === undefined) throw notFound(this.root, `logged model ${basename(dir)}`);
    const modelId = String(meta.model_id);
    const metricsDir = join(dir, 'metrics');
    const metrics: Metric[] = [];
    for (const key of await listMetricKeys(metricsDir)) {
      const points = await readModelMetricFile(keyPath(metricsDir, key), key, modelId);
      // As MLflow: the latest point per dataset.
      const byDataset = new Map<string, typeof points>();
      for (const point of points) {
        const group = `${point.datasetName ?? ''}\u0000${point.datasetDigest ?? ''}`;
        byDataset.set(group, [...(byDataset.get(group) ?? []), point]);
      }
      for (const group of byDataset.values()) {
        const latest = latestPoint(group);
        if (latest !== undefined) {
          const { runId: _runId, ...metric } = latest;
          metrics.push(metric);
        }
      }
    }
    return {
      modelId,
      experimentId: String(meta.experiment_id),
      name: String(meta.name),
      artifactUri: String(meta.artifact_location),
      status: statusFromCode(LOGGED_MODEL_STATUS_CODES, meta.status, 'LOGGED_MODEL_STATUS_UNSPECIFIED'),
      statusMessage: optionalString(meta.status_message),
      creationTimestamp: optionalNumber(meta.creation_timestamp),
      lastUpdatedTimestamp: optionalNumber(meta.last_updated_timestamp),
      modelType: optionalString(meta.model_type),
      sourceRunId: optionalString(meta.source_run_id),
      tags: await readValues(join(dir, 'tags')),
      params: await readValues(join(dir, 'params')),
      metrics,
      lifecycleStage: lifecycleOf(meta.lifecycle_stage),
    };
  }

  /** Every metric point of a LoggedModel, with the run that logged it (the model's metric files). */
  async getLoggedModelMetricHistory(modelId: string): Promise<Array<Metric & { runId: string }>> {
    const { dir } = await this.activeModel(modelId);
    const metricsDir = join(dir, 'metrics');
    const points: Array<Metric & { runId: string }> = [];
    for (const key of await listMetricKeys(metricsDir)) points.push(...(await readModelMetricFile(keyPath(metricsDir, key), key, modelId)));
    return points;
  }

  private async activeModel(modelId: string): Promise<{ dir: string; model: LoggedModel }> {
    const dir = await this.modelDir(modelId);
    const { lifecycleStage, ...model } = await this.readLoggedModel(dir);
    if (lifecycleStage === 'deleted') throw notFound(this.root, `logged model ${modelId}`, modelId);
    return { dir, model };
  }

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    const experiment = await this.getExperiment(request.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw invalid(this.root, `experiment ${request.experimentId} is deleted; no model can be logged in it`, 'restore it or use another experiment');
    }
    for (const key of [...Object.keys(request.params ?? {}), ...Object.keys(request.tags ?? {})]) {
      validateKey(`logged model key ${JSON.stringify(key)}`, key, MLFLOW_LIMITS);
    }
    const modelId = `m-${randomUUID().replaceAll('-', '')}`;
    const now = Date.now();
    const dir = join(await this.experimentDir(request.experimentId), 'models', modelId);
    const meta: Meta = {
      artifact_location: `${experiment.artifactLocation.replace(/\/+$/, '')}/models/${modelId}/artifacts`,
      creation_timestamp: now,
      experiment_id: request.experimentId,
      last_updated_timestamp: now,
      lifecycle_stage: 'active',
      model_id: modelId,
      model_type: request.modelType ?? null,
      name: request.name,
      source_run_id: request.sourceRunId ?? null,
      status: LOGGED_MODEL_STATUS_CODES.LOGGED_MODEL_PENDING,
      status_message: null,
    };
    await this.disk.createDirectory(dir, async (staging) => {
      await mkdir(join(staging, 'metrics'));
      await mkdir(join(staging, 'params'));
      for (const [key, value] of Object.entries(request.params ?? {})) await this.disk.write(keyPath(join(staging, 'params'), key), value);
      for (const [key, value] of Object.entries(request.tags ?? {})) await this.disk.write(keyPath(join(staging, 'tags'), key), value);
      await this.disk.write(join(staging, META), dumpMeta(meta));
    });
    return (await this.activeModel(modelId)).model;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    return (await this.activeModel(modelId)).model;
  }

  async finalizeLoggedModel(modelId: string, status: Extract<LoggedModelStatus, 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'>): Promise<LoggedModel> {
    return this.lock.run(async () => {
      const { dir } = await this.activeModel(modelId);
      // As MLflow's finalize: the rewritten meta.yaml has no lifecycle_stage (absent means active).
      const { lifecycle_stage: _active, ...meta } = (await readMetaFile(dir)) as Meta;
      await this.disk.write(join(dir, META), dumpMeta({ ...meta, status: LOGGED_MODEL_STATUS_CODES[status], last_updated_timestamp: Date.now() }));
      return (await this.activeModel(modelId)).model;
    });
  }

  async searchLoggedModels(request: SearchLoggedModelsRequest): Promise<Page<LoggedModel>> {
    const models: LoggedModel[] = [];
    for (const [experimentId, experimentDir] of await this.experimentDirs(request.experimentIds)) {
      for (const name of await listDirectories(join(experimentDir, 'models'))) {
        const dir = join(experimentDir, 'models', name);
        if ((await readText(join(dir, META))) === undefined) continue;
        const { lifecycleStage, ...model } = await this.readLoggedModel(dir);
        if (lifecycleStage === 'active' && model.experimentId === experimentId) models.push(model);
      }
    }
    const read: FieldReader<LoggedModel> = (model, kind, key) => {
      switch (kind) {
        case 'metric':
          return model.metrics.filter((metric) => metric.key === key).map((metric) => metric.value);
        case 'param':
          return model.params[key];
        case 'tag':
          return model.tags[key];
        case 'attribute': {
          const attributes: Record<string, string | number | undefined> = {
            name: model.name,
            model_id: model.modelId,
            model_type: model.modelType,
            source_run_id: model.sourceRunId,
            status: model.status,
            creation_timestamp: model.creationTimestamp,
            creation_time: model.creationTimestamp,
            last_updated_timestamp: model.lastUpdatedTimestamp,
          };
          return attributes[key];
        }
        default:
          return undefined;
      }
    };
    return searchEntities(models, read, {
      filter: request.filter,
      orderBy: ['creation_timestamp DESC', 'model_id ASC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? 50,
    });
  }

  async setLoggedModelTags(modelId: string, tags: Tags): Promise<void> {
    for (const key of Object.keys(tags)) validateKey(`logged model tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const { dir } = await this.activeModel(modelId);
    for (const [key, value] of Object.entries(tags)) await this.disk.write(keyPath(join(dir, 'tags'), key), value);
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    validateKey(`logged model tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const { dir } = await this.activeModel(modelId);
    try {
      await rm(keyPath(join(dir, 'tags'), key));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw notFound(this.root, `tag "${key}" of logged model ${modelId}`);
      throw error;
    }
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.lock.run(async () => {
      const { dir } = await this.activeModel(modelId);
      const meta = (await readMetaFile(dir)) as Meta;
      await this.disk.write(join(dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', last_updated_timestamp: Date.now() }));
    });
  }

  // ---- Model Registry (kept under `models/`, see registry.ts) ----

  createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel> {
    return this.registry.createRegisteredModel(request);
  }
  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.registry.getRegisteredModel(name);
  }
  searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>> {
    return this.registry.searchRegisteredModels(request);
  }
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return this.registry.updateRegisteredModel(name, description);
  }
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.registry.renameRegisteredModel(name, newName);
  }
  deleteRegisteredModel(name: string): Promise<void> {
    return this.registry.deleteRegisteredModel(name);
  }
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.registry.setRegisteredModelTag(name, key, value);
  }
  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.registry.deleteRegisteredModelTag(name, key);
  }
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return this.registry.getLatestVersions(name, stages);
  }
  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    return this.registry.createModelVersion(request);
  }
  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.registry.getModelVersion(name, version);
  }
  searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>> {
    return this.registry.searchModelVersions(request);
  }
  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    return this.registry.updateModelVersion(name, version, description);
  }
  transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion> {
    return this.registry.transitionModelVersionStage(name, version, stage, archiveExistingVersions);
  }
  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.registry.deleteModelVersion(name, version);
  }
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    return this.registry.setModelVersionTag(name, version, key, value);
  }
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    return this.registry.deleteModelVersionTag(name, version, key);
  }
  getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return this.registry.getModelVersionDownloadUri(name, version);
  }
  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    return this.registry.setRegisteredModelAlias(name, alias, version);
  }
  deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    return this.registry.deleteRegisteredModelAlias(name, alias);
  }
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.registry.getModelVersionByAlias(name, alias);
  }
}
