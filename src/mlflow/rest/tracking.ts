/**
 * `TrackingStore` over MLflow's REST API: one method per endpoint (experiments, runs, their
 * data, LoggedModels), each with the recovery probe that makes its retry safe (see `base.ts`).
 */
import { randomUUID } from 'node:crypto';
import { MlflowNotFoundError } from '../errors.js';
import { filterLiteral } from '../filters.js';
import { MLFLOW_LIMITS, type StoreCapabilities } from '../store/limits.js';
import type {
  CreateExperimentRequest,
  CreateLoggedModelRequest,
  CreateRunRequest,
  LogBatchRequest,
  SearchExperimentsRequest,
  SearchLoggedModelsRequest,
  SearchRunsRequest,
  TrackingStore,
  UpdateRunRequest,
} from '../store/tracking.js';
import { LOG_MODEL_HISTORY_TAG, REQUEST_MARKER_TAG } from '../tags.js';
import type { DatasetInput, Experiment, LoggedModel, Metric, ModelOutput, Page, Run, RunInfo, Tags } from '../types.js';
import {
  fromWireExperiment,
  fromWireLoggedModel,
  fromWireMetric,
  fromWireRun,
  fromWireRunInfo,
  toWireMetric,
  toWireTags,
  type WireExperiment,
  type WireLoggedModel,
  type WireMetric,
  type WireRun,
  type WireRunInfo,
} from '../wire.js';
import { MARKER_FILTER, RestStorePart, exists, findOrUndefined, page, pageSize, withoutMarker } from './base.js';

function parseVersion(text: string | undefined): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(text ?? '');
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

export class RestTrackingStore extends RestStorePart implements TrackingStore {
  private capabilities: Promise<StoreCapabilities> | undefined;

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
        user_id: request.userId,
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
}
