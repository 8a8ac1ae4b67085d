/**
 * The tracking half of `MlflowClient`: experiments (resolved as MLflow's Python client resolves
 * them), runs, validated and chunked logging, dataset inputs and LoggedModel lookups.
 */
import { MlflowAlreadyExistsError, MlflowNotFoundError, MlflowValidationError } from '../errors.js';
import type { StoreCapabilities } from '../store/limits.js';
import type { DatasetInput, Experiment, LoggedModel, Metric, Param, Run, RunInfo, RunStatus, RunTag, Tags, ViewType } from '../types.js';
import { packBatches, validateBatch, validateDatasetInputs, validateExperimentName, validateExperimentTag, validateRunTag } from '../validation.js';
import { collectPages, type SearchAllOptions } from './pages.js';
import { ClientPart } from './part.js';

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

export class TrackingClient extends ClientPart {
  /** The store's version, features and limits. */
  capabilities(): Promise<StoreCapabilities> {
    return this.store.tracking.getCapabilities();
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return this.store.tracking.getExperiment(experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.store.tracking.getExperimentByName(name);
  }

  async createExperiment(name: string, options: { artifactLocation?: string; tags?: Tags } = {}): Promise<string> {
    validateExperimentName(name);
    const limits = await this.limits();
    for (const [key, value] of Object.entries(options.tags ?? {})) validateExperimentTag(key, value, limits);
    return this.store.tracking.createExperiment({ name, artifactLocation: options.artifactLocation, tags: options.tags });
  }

  /**
   * The id of the active experiment called `name`, created when missing. A deleted experiment of
   * that name is an error (MLflow keeps the name reserved until it is purged).
   */
  async getOrCreateExperiment(name: string, options: { tags?: Tags } = {}): Promise<string> {
    validateExperimentName(name);
    const existing = await this.store.tracking.getExperimentByName(name);
    if (existing) return this.activeExperimentId(existing);
    try {
      return await this.createExperiment(name, options);
    } catch (error) {
      // Someone else created it between the lookup and the create.
      if (!(error instanceof MlflowAlreadyExistsError)) throw error;
      const created = await this.store.tracking.getExperimentByName(name);
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
        return this.activeExperimentId(await this.store.tracking.getExperiment(experimentId));
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
    return collectPages(
      (pageToken, maxResults) =>
        this.store.tracking.searchExperiments({ filter: options.filter, orderBy: options.orderBy, viewType: options.viewType, pageToken, maxResults }),
      options,
    );
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateExperimentTag(key, value, await this.limits());
    await this.store.tracking.setExperimentTag(experimentId, key, value);
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.store.tracking.deleteExperiment(experimentId);
  }

  async createRun(request: { experimentId: string; runName?: string; tags?: Tags; startTime?: number; userId?: string }): Promise<Run> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRunTag(key, value, limits);
    return this.store.tracking.createRun({
      experimentId: request.experimentId,
      runName: request.runName,
      startTime: request.startTime ?? this.now(),
      tags: request.tags,
      userId: request.userId,
    });
  }

  getRun(runId: string): Promise<Run> {
    return this.store.tracking.getRun(runId);
  }

  searchRuns(options: SearchAllOptions & { experimentIds: string[]; viewType?: ViewType }): Promise<Run[]> {
    return collectPages(
      (pageToken, maxResults) =>
        this.store.tracking.searchRuns({
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
    return this.store.tracking.updateRun({ runId, ...update });
  }

  /** Marks the run finished (or FAILED/KILLED) with an end time. */
  endRun(runId: string, status: RunStatus = 'FINISHED', endTime: number = this.now()): Promise<RunInfo> {
    return this.store.tracking.updateRun({ runId, status, endTime });
  }

  deleteRun(runId: string): Promise<void> {
    return this.store.tracking.deleteRun(runId);
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    validateRunTag(key, value, await this.limits());
    await this.store.tracking.setTag(runId, key, value);
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.store.tracking.deleteTag(runId, key);
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
    for (const request of requests) await this.store.tracking.logBatch(runId, request);
    return { requests: requests.length };
  }

  /** The whole history of one metric. */
  getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    return collectPages((pageToken) => this.store.tracking.getMetricHistory(runId, key, pageToken === undefined ? {} : { pageToken }), {});
  }

  /** Records the datasets a run used; each (name, digest) once. */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    const limits = await this.limits();
    validateDatasetInputs(datasets, limits);
    for (let start = 0; start < datasets.length; start += limits.maxDatasetsPerBatch) {
      await this.store.tracking.logInputs(runId, datasets.slice(start, start + limits.maxDatasetsPerBatch));
    }
  }

  getLoggedModel(modelId: string): Promise<LoggedModel> {
    return this.store.tracking.getLoggedModel(modelId);
  }

  searchLoggedModels(options: SearchAllOptions & { experimentIds: string[] }): Promise<LoggedModel[]> {
    return collectPages(
      (pageToken, maxResults) =>
        this.store.tracking.searchLoggedModels({ experimentIds: options.experimentIds, filter: options.filter, pageToken, maxResults }),
      options,
    );
  }
}
