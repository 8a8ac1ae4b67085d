/**
 * Replays a local store on a tracking server: experiments by name; runs with their names,
 * start and end times, status, params, tags, every metric point (timestamp and step kept),
 * dataset inputs, artifacts and model outputs; LoggedModels with their files, params, tags and
 * metrics; registered models with their versions (description, tags, stage) and aliases.
 *
 * Idempotent and resumable. The ledger (see `ledger.ts`) says what each target already holds,
 * and is updated after every step (a run created, a metric batch, an artifact file), so a push
 * cut off by a server fault resumes at the step that failed. What the server created before
 * the ledger could record it is found again through the tags pushed entities carry:
 * `mlflow-mct.source_run_id`, `mlflow-mct.source_model_id` and `mlflow-mct.source_version`.
 * A repeated metric batch is harmless: MLflow stores an identical point once.
 *
 * An MLflow 2 server has no LoggedModels: a model is then pushed the MLflow 2 way, as files
 * under `<model name>/` in its run's artifacts plus an entry of the run's
 * `mlflow.log-model.history` tag, and versions are registered from there.
 */
import { collectPages } from '../client/pages.js';
import { MlflowAlreadyExistsError, MlflowInvalidRequestError, MlflowNotFoundError } from '../errors.js';
import type { FileStore } from '../file-store/index.js';
import { filterKey, filterLiteral } from '../filters.js';
import type { MlflowStore } from '../store/index.js';
import { INCOMPLETE_RUN_TAG, LOG_MODEL_HISTORY_TAG, RUN_NAME_TAG, SOURCE_RUN_TAG, USER_TAG } from '../tags.js';
import type { Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run, RunTag } from '../types.js';
import { emptySummary, type PushContext, type PushOptions, type PushProgress, type PushSummary } from './context.js';
import { PushLedger, type RunEntry, type TargetLedger } from './ledger.js';
import { pushModel } from './models.js';
import { pushRegisteredModel } from './registry.js';

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function pointKey(metric: Pick<Metric, 'key' | 'timestamp' | 'step' | 'value'>): string {
  return `${metric.key}\u0000${metric.timestamp}\u0000${metric.step}\u0000${Object.is(metric.value, Number.NaN) ? 'NaN' : metric.value}`;
}

interface LocalExperiment {
  experiment: Experiment;
  runs: Run[];
  models: LoggedModel[];
}

class Pusher implements PushContext {
  readonly source: FileStore;
  readonly target: MlflowStore;
  readonly summary: PushSummary;
  private readonly ledger: PushLedger;
  private progress: PushProgress = { done: 0, total: 0, metricPointsSent: 0, metricPointsTotal: 0, current: '' };
  state: TargetLedger = { experiments: {}, runs: {}, models: {}, versions: {} };
  loggedModels = true;

  constructor(private readonly options: PushOptions) {
    this.source = options.source;
    this.target = options.target;
    this.ledger = new PushLedger(options.source, options.targetUri);
    this.summary = emptySummary(options.targetUri, options.dryRun === true);
  }

  async push(): Promise<PushSummary> {
    this.state = await this.ledger.load();
    const local = await this.readLocal();
    const registry = await this.readRegistry();
    await this.plan(local, registry);
    if (this.options.dryRun) return this.summary;
    this.loggedModels = (await this.target.tracking.getCapabilities()).loggedModels;
    await this.markIncompleteRuns();
    for (const { experiment, runs, models } of local) {
      const todoRuns = runs.filter((run) => !this.state.runs[run.info.runId]?.done);
      const todoModels = models.filter((model) => !this.state.models[model.modelId]?.done);
      if (todoRuns.length === 0 && todoModels.length === 0) continue;
      const remoteExperimentId = await this.ensureExperiment(experiment);
      for (const run of todoRuns) {
        const ownModels = todoModels.filter((model) => model.sourceRunId === run.info.runId);
        await this.pushRun(run, remoteExperimentId, ownModels, models);
      }
      for (const model of todoModels.filter((m) => !this.state.models[m.modelId]?.done)) {
        await pushModel(this, model, remoteExperimentId, undefined);
      }
    }
    for (const { model, versions } of registry) await pushRegisteredModel(this, model, versions);
    this.report('');
    return this.summary;
  }

  // ---- Reading the local store and planning ----

  private async readLocal(): Promise<LocalExperiment[]> {
    const experiments = await collectPages((pageToken) => this.source.tracking.searchExperiments({ viewType: 'ACTIVE_ONLY', pageToken, orderBy: ['experiment_id ASC'] }));
    const local: LocalExperiment[] = [];
    for (const experiment of experiments) {
      const runs = await collectPages((pageToken) => this.source.tracking.searchRuns({ experimentIds: [experiment.experimentId], viewType: 'ACTIVE_ONLY', pageToken }));
      const models = await collectPages((pageToken) => this.source.tracking.searchLoggedModels({ experimentIds: [experiment.experimentId], pageToken }));
      runs.sort((a, b) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0));
      local.push({ experiment, runs, models });
    }
    return local;
  }

  private async readRegistry(): Promise<Array<{ model: RegisteredModel; versions: ModelVersion[] }>> {
    const models = await collectPages((pageToken) => this.source.registry.searchRegisteredModels({ pageToken }));
    const versions = await collectPages((pageToken) => this.source.registry.searchModelVersions({ pageToken }));
    return models.map((model) => ({
      model,
      versions: versions.filter((version) => version.name === model.name).sort((a, b) => Number(a.version) - Number(b.version)),
    }));
  }

  private async runArtifacts(run: Run): Promise<string[]> {
    return this.listFiles(run.info.artifactUri, '');
  }

  async listFiles(artifactUri: string, path: string): Promise<string[]> {
    const files: string[] = [];
    for (const entry of await this.source.artifacts.listArtifacts(artifactUri, path)) {
      if (entry.isDir) files.push(...(await this.listFiles(artifactUri, entry.path)));
      else files.push(entry.path);
    }
    return files.sort();
  }

  private async metricHistories(run: Run): Promise<Map<string, Metric[]>> {
    const histories = new Map<string, Metric[]>();
    for (const key of Object.keys(run.data.metrics).sort()) {
      histories.set(key, (await this.source.tracking.getMetricHistory(run.info.runId, key)).items);
    }
    return histories;
  }

  private async plan(local: LocalExperiment[], registry: Array<{ model: RegisteredModel; versions: ModelVersion[] }>): Promise<void> {
    const { plan } = this.summary;
    for (const runId of this.state.incompleteRuns ?? []) plan.push({ kind: 'incomplete-run', id: runId, name: runId, action: 'mark-failed' });
    for (const { experiment, runs, models } of local) {
      const todoRuns = runs.filter((run) => !this.state.runs[run.info.runId]?.done);
      const todoModels = models.filter((model) => !this.state.models[model.modelId]?.done);
      if (todoRuns.length + todoModels.length > 0 && this.state.experiments[experiment.experimentId] === undefined) {
        plan.push({ kind: 'experiment', id: experiment.experimentId, name: experiment.name, action: 'create' });
      }
      for (const run of todoRuns) {
        const entry = this.state.runs[run.info.runId];
        const histories = await this.metricHistories(run);
        let points = 0;
        for (const [key, history] of histories) points += history.length - (entry?.metricsSent[key] ?? 0);
        const artifacts = (await this.runArtifacts(run)).length - (entry?.artifactsSent ?? 0);
        plan.push({ kind: 'run', id: run.info.runId, name: run.info.runName ?? run.info.runId, action: entry ? 'resume' : 'create', metricPoints: points, artifacts });
        this.progress.metricPointsTotal += points;
      }
      for (const model of todoModels) {
        const artifacts = (await this.listFiles(model.artifactUri, '')).length;
        plan.push({ kind: 'logged-model', id: model.modelId, name: model.name, action: this.state.models[model.modelId] ? 'resume' : 'create', artifacts });
      }
      this.summary.runsUpToDate += runs.length - todoRuns.length;
    }
    for (const { model, versions } of registry) {
      for (const version of versions) {
        const key = `${model.name}/${version.version}`;
        if (this.state.versions[key] === undefined) plan.push({ kind: 'model-version', id: key, name: model.name, action: 'create' });
      }
    }
    this.progress.total = plan.filter((item) => item.kind !== 'experiment' && item.kind !== 'incomplete-run').length;
  }

  report(current: string): void {
    this.progress.current = current;
    this.options.onProgress?.({ ...this.progress });
  }

  itemDone(): void {
    this.progress.done += 1;
    this.report(this.progress.current);
  }

  // ---- Runs a command left incomplete on the server ----

  private async markIncompleteRuns(): Promise<void> {
    for (const runId of this.state.incompleteRuns ?? []) {
      try {
        await this.target.tracking.updateRun({ runId, status: 'FAILED', endTime: Date.now() });
        await this.target.tracking.setTag(runId, INCOMPLETE_RUN_TAG, 'the server became unreachable during this run; its complete copy was recorded locally and pushed as another run');
      } catch (error) {
        if (!(error instanceof MlflowNotFoundError)) throw error;
      }
      await this.record((ledger) => {
        ledger.incompleteRuns = (ledger.incompleteRuns ?? []).filter((id) => id !== runId);
      });
    }
  }

  // ---- Experiments ----

  private async ensureExperiment(experiment: Experiment): Promise<string> {
    const known = this.state.experiments[experiment.experimentId];
    if (known !== undefined) return known;
    let remote = await this.target.tracking.getExperimentByName(experiment.name);
    if (remote === undefined) {
      try {
        await this.target.tracking.createExperiment({ name: experiment.name, tags: experiment.tags });
        this.summary.experimentsCreated += 1;
      } catch (error) {
        if (!(error instanceof MlflowAlreadyExistsError)) throw error;
      }
      remote = await this.target.tracking.getExperimentByName(experiment.name);
    }
    if (remote === undefined || remote.lifecycleStage === 'deleted') {
      throw new MlflowInvalidRequestError(`experiment "${experiment.name}" is deleted on ${this.summary.target}`, {
        errorCode: 'INVALID_STATE',
        httpStatus: 400,
        request: { method: 'PUSH', baseUrl: this.summary.target, path: experiment.name },
        hint: 'restore it on the server (or purge it with `mlflow gc`), then push again',
      });
    }
    const remoteId = remote.experimentId;
    await this.record((ledger) => {
      ledger.experiments[experiment.experimentId] = remoteId;
    });
    return remoteId;
  }

  async record(change: (ledger: TargetLedger) => void): Promise<void> {
    change(this.state);
    await this.ledger.update(change);
  }

  // ---- Runs ----

  private async findRemoteRun(remoteExperimentId: string, localRunId: string): Promise<string | undefined> {
    const page = await this.target.tracking.searchRuns({
      experimentIds: [remoteExperimentId],
      filter: `${filterKey('tags', SOURCE_RUN_TAG)} = ${filterLiteral(localRunId)}`,
      viewType: 'ALL',
      maxResults: 1,
    });
    return page.items[0]?.info.runId;
  }

  private async pushRun(run: Run, remoteExperimentId: string, ownModels: LoggedModel[], experimentModels: LoggedModel[]): Promise<void> {
    const localRunId = run.info.runId;
    this.report(`run ${run.info.runName ?? localRunId}`);
    let entry = this.state.runs[localRunId];
    // A run sent before (partly, or by a push whose ledger is gone) is checked against the server.
    let resumed = entry !== undefined;
    if (entry === undefined) {
      const found = await this.findRemoteRun(remoteExperimentId, localRunId);
      resumed = found !== undefined;
      const remoteRunId =
        found ??
        (
          await this.target.tracking.createRun({
            experimentId: remoteExperimentId,
            runName: run.info.runName,
            startTime: run.info.startTime ?? Date.now(),
            tags: { [SOURCE_RUN_TAG]: localRunId, ...(run.data.tags[USER_TAG] ? { [USER_TAG]: run.data.tags[USER_TAG] } : {}) },
          })
        ).info.runId;
      const created: RunEntry = { remoteRunId, metricsSent: {}, artifactsSent: 0, done: false };
      await this.record((ledger) => {
        ledger.runs[localRunId] = created;
      });
      entry = created;
    }
    const remoteRunId = entry.remoteRunId;
    const remoteRun = await this.target.tracking.getRun(remoteRunId);

    for (const model of ownModels) await pushModel(this, model, remoteExperimentId, remoteRunId);
    await this.pushParamsAndTags(run, remoteRunId);
    if (resumed) entry = await this.reconcileMetrics(run, remoteRunId);
    await this.pushMetrics(run, remoteRunId, entry, experimentModels);
    if (run.inputs.datasetInputs.length > 0) await this.target.tracking.logInputs(remoteRunId, run.inputs.datasetInputs);
    await this.pushRunArtifacts(run, remoteRun, entry);

    const linked = new Set(remoteRun.outputs.modelOutputs.map((output) => output.modelId));
    const outputs = run.outputs.modelOutputs
      .map((output) => ({ modelId: this.state.models[output.modelId]?.remoteModelId, step: output.step }))
      .filter((output): output is { modelId: string; step: number } => Boolean(output.modelId) && !linked.has(output.modelId ?? ''));
    if (outputs.length > 0) await this.target.tracking.logOutputs(remoteRunId, outputs);

    if (run.info.status === 'RUNNING') {
      this.summary.runsStillRunning.push(localRunId);
    } else {
      await this.target.tracking.updateRun({ runId: remoteRunId, status: run.info.status, endTime: run.info.endTime });
      await this.record((ledger) => {
        const recorded = ledger.runs[localRunId];
        if (recorded) recorded.done = true;
      });
    }
    this.summary.runsPushed += 1;
    this.itemDone();
  }

  private async pushParamsAndTags(run: Run, remoteRunId: string): Promise<void> {
    const limits = (await this.target.tracking.getCapabilities()).limits;
    const params = Object.entries(run.data.params).map(([key, value]) => ({ key, value }));
    const tags: RunTag[] = Object.entries(run.data.tags)
      .filter(([key]) => key !== RUN_NAME_TAG)
      .map(([key, value]) => ({
        key,
        // The MLflow 2 model history names the run it belongs to.
        value: key === LOG_MODEL_HISTORY_TAG ? value.replaceAll(run.info.runId, remoteRunId) : value,
      }));
    for (const batch of chunk(params, limits.maxParamsPerBatch)) await this.target.tracking.logBatch(remoteRunId, { metrics: [], params: batch, tags: [] });
    for (const batch of chunk(tags, limits.maxTagsPerBatch)) await this.target.tracking.logBatch(remoteRunId, { metrics: [], params: [], tags: batch });
    this.summary.params += params.length;
    this.summary.tags += tags.length;
  }

  /**
   * How many points of each metric the server really holds. The ledger can be behind by one
   * batch (the server stored it, its answer was lost) or gone; MLflow 3 ignores a repeated
   * point, but MLflow 2 refuses the whole batch, so a resumed run starts from the server's count.
   */
  private async reconcileMetrics(run: Run, remoteRunId: string): Promise<RunEntry> {
    const counts: Record<string, number> = {};
    for (const key of Object.keys(run.data.metrics)) {
      const points = await collectPages((pageToken) => this.target.tracking.getMetricHistory(remoteRunId, key, pageToken === undefined ? {} : { pageToken }));
      if (points.length > 0) counts[key] = points.length;
    }
    await this.record((ledger) => {
      const recorded = ledger.runs[run.info.runId];
      if (recorded) recorded.metricsSent = counts;
    });
    const entry = this.state.runs[run.info.runId];
    if (entry === undefined) throw new Error(`no ledger entry for run ${run.info.runId}`);
    return entry;
  }

  /** Points logged with a LoggedModel (and dataset) are sent with the remote model id, once. */
  private async modelPoints(runId: string, models: LoggedModel[]): Promise<Map<string, Pick<Metric, 'modelId' | 'datasetName' | 'datasetDigest'>>> {
    const points = new Map<string, Pick<Metric, 'modelId' | 'datasetName' | 'datasetDigest'>>();
    for (const model of models) {
      const remoteModelId = this.state.models[model.modelId]?.remoteModelId;
      if (!remoteModelId) continue;
      for (const point of await this.source.tracking.getLoggedModelMetricHistory(model.modelId)) {
        if (point.runId !== runId) continue;
        points.set(pointKey(point), { modelId: remoteModelId, datasetName: point.datasetName, datasetDigest: point.datasetDigest });
      }
    }
    return points;
  }

  private async pushMetrics(run: Run, remoteRunId: string, entry: RunEntry, models: LoggedModel[]): Promise<void> {
    const limits = (await this.target.tracking.getCapabilities()).limits;
    const withModel = await this.modelPoints(run.info.runId, models);
    const pending: Metric[] = [];
    for (const [key, history] of await this.metricHistories(run)) {
      for (const point of history.slice(entry.metricsSent[key] ?? 0)) {
        const extra = withModel.get(pointKey(point));
        pending.push({ key, value: point.value, timestamp: point.timestamp, step: point.step, ...extra });
      }
    }
    const perRequest = Math.min(limits.maxMetricsPerBatch, limits.maxEntitiesPerBatch);
    for (const batch of chunk(pending, perRequest)) {
      await this.target.tracking.logBatch(remoteRunId, { metrics: batch, params: [], tags: [] });
      const counts: Record<string, number> = {};
      for (const metric of batch) counts[metric.key] = (counts[metric.key] ?? 0) + 1;
      await this.record((ledger) => {
        const recorded = ledger.runs[run.info.runId];
        if (!recorded) return;
        for (const [key, count] of Object.entries(counts)) recorded.metricsSent[key] = (recorded.metricsSent[key] ?? 0) + count;
      });
      this.summary.metricPoints += batch.length;
      this.progress.metricPointsSent += batch.length;
      this.report(this.progress.current);
    }
  }

  private async pushRunArtifacts(run: Run, remoteRun: Run, entry: RunEntry): Promise<void> {
    const files = await this.runArtifacts(run);
    for (const [index, path] of files.entries()) {
      if (index < entry.artifactsSent) continue;
      await this.target.artifacts.uploadArtifact(remoteRun.info.artifactUri, path, this.source.artifacts.artifactPath(run.info.artifactUri, path));
      await this.record((ledger) => {
        const recorded = ledger.runs[run.info.runId];
        if (recorded) recorded.artifactsSent = index + 1;
      });
      this.summary.artifacts += 1;
    }
  }
}

/** Pushes a local store to a server; see `Pusher`. */
export function pushLocalStore(options: PushOptions): Promise<PushSummary> {
  return new Pusher(options).push();
}
