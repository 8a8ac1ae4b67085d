/**
 * The runs of a local store: `<experiment>/<run id>/{meta.yaml, params/, metrics/, tags/}` with
 * their metric histories appended line by line, as MLflow's FileStore writes them.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MLFLOW_LIMITS } from '../store/limits.js';
import type { CreateRunRequest, LogBatchRequest, SearchRunsRequest, UpdateRunRequest } from '../store/tracking.js';
import { DATASET_CONTEXT_TAG, RUN_NAME_TAG, USER_TAG } from '../tags.js';
import type { DatasetInput, Metric, ModelOutput, Page, Run, RunInfo, RunStatus, Tags } from '../types.js';
import { validateKey } from '../validation.js';
import { errorCode } from './disk.js';
import { invalid, notFound } from './errors.js';
import { DEFAULT_MAX_RESULTS, FileExperimentStore, lifecycleOf, viewIncludes } from './experiments.js';
import { EXPERIMENT_FOLDERS, META, RUN_STATUS_CODES, SOURCE_TYPE_LOCAL, formatMetricValue, keyPath, statusFromCode } from './layout.js';
import { latestPoint, listDirectories, listMetricKeys, optionalNumber, optionalString, readMetaFile, readRunMetricFile, readText, readValues } from './read.js';
import type { Located } from './root.js';
import { paginate, searchEntities, type FieldReader } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

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

export class FileRunStore extends FileExperimentStore {
  /**
   * The block last appended to each metric file by this store: a batch sent again right after
   * (a caller retrying) is recognised without reading the file.
   */
  private readonly lastAppended = new Map<string, string>();


  private async readRunMeta(runId: string): Promise<{ located: Located; meta: Meta }> {
    const located = await this.core.locateRun(runId);
    const meta = await readMetaFile(located.dir);
    if (meta === undefined) throw notFound(this.core.root, `run ${runId}`, runId);
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
  protected async activeRun(runId: string): Promise<{ located: Located; meta: Meta }> {
    const found = await this.readRunMeta(runId);
    if (found.meta.lifecycle_stage === 'deleted') {
      throw invalid(this.core.root, `run ${runId} is deleted; nothing can be logged to it`, 'restore the run or log to a new one');
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
      throw invalid(this.core.root, `experiment ${request.experimentId} is deleted; no run can be created in it`, 'restore it or use another experiment');
    }
    const tags: Tags = { ...(request.tags ?? {}) };
    for (const key of Object.keys(tags)) validateKey(`tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const tagName = tags[RUN_NAME_TAG];
    if (request.runName && tagName && request.runName !== tagName) {
      throw invalid(this.core.root, `the run name "${request.runName}" differs from its ${RUN_NAME_TAG} tag "${tagName}"`, 'give one name');
    }
    const runName = request.runName || tagName || generatedRunName();
    tags[RUN_NAME_TAG] = runName;
    const runId = randomUUID().replaceAll('-', '');
    const experimentDir = await this.core.experimentDir(request.experimentId);
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
      user_id: request.userId ?? tags[USER_TAG] ?? 'unknown',
    };
    const dir = join(experimentDir, runId);
    await this.core.disk.createDirectory(dir, async (staging) => {
      for (const folder of ['metrics', 'params', 'artifacts']) await mkdir(join(staging, folder));
      for (const [key, value] of Object.entries(tags)) await this.core.disk.write(keyPath(join(staging, 'tags'), key), value);
      await this.core.disk.write(join(staging, META), dumpMeta(meta));
    });
    const located = { experimentId: request.experimentId, dir };
    this.core.rememberRun(runId, located);
    return this.readRun(located, meta);
  }

  async updateRun(request: UpdateRunRequest): Promise<RunInfo> {
    return this.core.lock.run(async () => {
      const { located, meta } = await this.activeRun(request.runId);
      const updated: Meta = { ...meta };
      // As MLflow's `_overwrite_run_info`: deleted_time is written only when the run is deleted.
      if (updated.deleted_time === null) delete updated.deleted_time;
      if (request.status !== undefined) updated.status = RUN_STATUS_CODES[request.status];
      if (request.endTime !== undefined) updated.end_time = request.endTime;
      if (request.runName) {
        updated.run_name = request.runName;
        await this.core.disk.write(keyPath(join(located.dir, 'tags'), RUN_NAME_TAG), request.runName);
      }
      await this.core.disk.write(join(located.dir, META), dumpMeta(updated));
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
          return run.inputs.datasetInputs.map((input) => (key === 'digest' ? input.dataset.digest : key === 'context' ? (input.tags[DATASET_CONTEXT_TAG] ?? '') : input.dataset.name));
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
    await this.core.lock.run(async () => {
      const { located, meta } = await this.readRunMeta(runId);
      await this.core.disk.write(join(located.dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', deleted_time: Date.now() }));
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
      if (errorCode(error) === 'ENOENT') throw notFound(this.core.root, `tag "${key}" of run ${runId}`);
      throw error;
    }
  }

  async logBatch(runId: string, batch: LogBatchRequest): Promise<void> {
    for (const entry of [...batch.metrics, ...batch.params, ...batch.tags]) {
      validateKey(`run ${runId} key ${JSON.stringify(entry.key)}`, entry.key, MLFLOW_LIMITS);
    }
    await this.core.lock.run(async () => {
      const { located, meta } = await this.activeRun(runId);
      const paramsDir = join(located.dir, 'params');
      for (const param of batch.params) {
        const path = keyPath(paramsDir, param.key);
        const existing = await readText(path);
        if (existing === param.value) continue;
        if (existing !== undefined) {
          throw invalid(
            this.core.root,
            `param "${param.key}" of run ${runId} is already "${existing}"; it cannot change to "${param.value}"`,
            'MLflow params cannot change; log a new run, or use a metric or tag',
          );
        }
        await this.core.disk.write(path, param.value);
      }
      await this.appendMetrics(located, batch.metrics);
      for (const tag of batch.tags) {
        await this.core.disk.write(keyPath(join(located.dir, 'tags'), tag.key), tag.value);
        if (tag.key === RUN_NAME_TAG && meta.run_name !== tag.value) {
          await this.core.disk.write(join(located.dir, META), dumpMeta({ ...meta, run_name: tag.value }));
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
        const modelDir = await this.core.modelDir(metric.modelId);
        add(keyPath(join(modelDir, 'metrics'), metric.key), modelMetricLine(metric, runId));
      }
    }
    for (const [path, lines] of files) {
      const block = [...lines].join('');
      if (this.lastAppended.get(path) === block) continue;
      await this.core.disk.append(path, block);
      this.lastAppended.set(path, block);
    }
  }

  async getMetricHistory(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    validateKey(`metric ${JSON.stringify(key)}`, key, MLFLOW_LIMITS);
    const { located } = await this.readRunMeta(runId);
    const points = await readRunMetricFile(keyPath(join(located.dir, 'metrics'), key), key);
    return paginate(points, options.pageToken, options.maxResults ?? Math.max(points.length, 1));
  }

}
