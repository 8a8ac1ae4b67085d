/**
 * `TrackingStore` over a local directory in MLflow's FileStore layout (`./mlruns`), so runs are
 * recorded with no server and MLflow reads them as its own: `mlflow ui --backend-store-uri
 * ./mlruns` (with `MLFLOW_ALLOW_FILE_STORE=true` on MLflow >= 3.13) or `mlflow migrate-filestore`.
 *
 * Experiments (`experiments.ts`) and runs (`runs.ts`) are the classes this one extends; here are
 * a run's inputs and outputs and the LoggedModels (`<experiment>/models/<m-id>/`). Experiment
 * ids count up from 0 (`Default`); run ids are uuid4 hex; LoggedModel ids `m-<hex>`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MLFLOW_LIMITS, type StoreCapabilities } from '../store/limits.js';
import type { CreateLoggedModelRequest, SearchLoggedModelsRequest, TrackingStore } from '../store/tracking.js';
import { LOG_MODEL_HISTORY_TAG } from '../tags.js';
import type { DatasetInput, LifecycleStage, LoggedModel, LoggedModelStatus, Metric, ModelOutput, Page, Tags } from '../types.js';
import { validateKey } from '../validation.js';
import { errorCode } from './disk.js';
import { invalid, notFound } from './errors.js';
import { lifecycleOf } from './experiments.js';
import { LOGGED_MODEL_STATUS_CODES, META, datasetId, inputId, keyPath, statusFromCode } from './layout.js';
import { latestPoint, listDirectories, listMetricKeys, optionalNumber, optionalString, readMetaFile, readModelMetricFile, readText, readValues } from './read.js';
import { FileRunStore } from './runs.js';
import { searchEntities, type FieldReader } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

export class FileTrackingStore extends FileRunStore implements TrackingStore {
  async getCapabilities(): Promise<StoreCapabilities> {
    return { version: undefined, loggedModels: true, limits: MLFLOW_LIMITS };
  }


  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.core.lock.run(async () => {
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
    await this.core.lock.run(async () => {
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
    await this.core.disk.createDirectory(dir, (staging) => this.core.disk.write(join(staging, META), dumpMeta(meta)));
  }

  async recordLoggedModel(runId: string, mlmodel: Record<string, unknown>): Promise<void> {
    await this.core.lock.run(async () => {
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
      await this.core.disk.write(path, JSON.stringify([...history, entry]));
    });
  }



  private async readLoggedModel(dir: string): Promise<LoggedModel & { lifecycleStage: LifecycleStage }> {
    const meta = await readMetaFile(dir);
    if (meta === undefined) throw notFound(this.core.root, `logged model ${basename(dir)}`);
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
    const dir = await this.core.modelDir(modelId);
    const { lifecycleStage, ...model } = await this.readLoggedModel(dir);
    if (lifecycleStage === 'deleted') throw notFound(this.core.root, `logged model ${modelId}`, modelId);
    return { dir, model };
  }

  async createLoggedModel(request: CreateLoggedModelRequest): Promise<LoggedModel> {
    const experiment = await this.getExperiment(request.experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw invalid(this.core.root, `experiment ${request.experimentId} is deleted; no model can be logged in it`, 'restore it or use another experiment');
    }
    for (const key of [...Object.keys(request.params ?? {}), ...Object.keys(request.tags ?? {})]) {
      validateKey(`logged model key ${JSON.stringify(key)}`, key, MLFLOW_LIMITS);
    }
    const modelId = `m-${randomUUID().replaceAll('-', '')}`;
    const now = Date.now();
    const dir = join(await this.core.experimentDir(request.experimentId), 'models', modelId);
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
    await this.core.disk.createDirectory(dir, async (staging) => {
      await mkdir(join(staging, 'metrics'));
      await mkdir(join(staging, 'params'));
      for (const [key, value] of Object.entries(request.params ?? {})) await this.core.disk.write(keyPath(join(staging, 'params'), key), value);
      for (const [key, value] of Object.entries(request.tags ?? {})) await this.core.disk.write(keyPath(join(staging, 'tags'), key), value);
      await this.core.disk.write(join(staging, META), dumpMeta(meta));
    });
    return (await this.activeModel(modelId)).model;
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    return (await this.activeModel(modelId)).model;
  }

  async finalizeLoggedModel(modelId: string, status: Extract<LoggedModelStatus, 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED'>): Promise<LoggedModel> {
    return this.core.lock.run(async () => {
      const { dir } = await this.activeModel(modelId);
      // As MLflow's finalize: the rewritten meta.yaml has no lifecycle_stage (absent means active).
      const { lifecycle_stage: _active, ...meta } = (await readMetaFile(dir)) as Meta;
      await this.core.disk.write(join(dir, META), dumpMeta({ ...meta, status: LOGGED_MODEL_STATUS_CODES[status], last_updated_timestamp: Date.now() }));
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
    for (const [key, value] of Object.entries(tags)) await this.core.disk.write(keyPath(join(dir, 'tags'), key), value);
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    validateKey(`logged model tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const { dir } = await this.activeModel(modelId);
    try {
      await rm(keyPath(join(dir, 'tags'), key));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw notFound(this.core.root, `tag "${key}" of logged model ${modelId}`);
      throw error;
    }
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    await this.core.lock.run(async () => {
      const { dir } = await this.activeModel(modelId);
      const meta = (await readMetaFile(dir)) as Meta;
      await this.core.disk.write(join(dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', last_updated_timestamp: Date.now() }));
    });
  }

}
