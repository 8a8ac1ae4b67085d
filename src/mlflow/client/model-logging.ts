/**
 * Model logging for both major MLflow versions: on MLflow 3 a LoggedModel (created, linked to the
 * run's outputs, files uploaded, finalized READY or FAILED); on MLflow 2 run artifacts under
 * `<name>/` plus an entry in the run's `mlflow.log-model.history` tag. An `MLmodel` is written
 * in both cases, and the model can be registered at once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { MlflowModelLoggingError, MlflowValidationError, isOutage } from '../errors.js';
import type { MlflowStore } from '../store/index.js';
import type { ModelVersion, Run, Tags } from '../types.js';
import { appendToArtifactUri, formatModelUri, joinArtifactPath, normalizeArtifactPath } from '../uris.js';
import type { ArtifactClient } from './artifacts.js';
import { ClientPart, type MlflowClientOptions } from './part.js';
import type { RegistryClient } from './registry.js';

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
  /** More top-level MLmodel fields, e.g. `saved_input_example_info`. */
  fields?: Record<string, unknown> | undefined;
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

/** `str(datetime.utcnow())` as MLflow writes it: `2025-11-20 10:00:00.123000`. */
function utcTimeCreated(date: Date): string {
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}000`;
}

export class ModelLogger extends ClientPart {
  constructor(
    store: MlflowStore,
    private readonly artifacts: ArtifactClient,
    private readonly registry: RegistryClient,
    options: MlflowClientOptions = {},
  ) {
    super(store, options);
  }

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
    const run = await this.store.tracking.getRun(options.runId);
    const capabilities = await this.store.tracking.getCapabilities();
    const result = capabilities.loggedModels
      ? await this.logLoggedModel(run, name, options)
      : await this.logRunArtifactModel(run, name, options);
    if (options.registeredModelName !== undefined) {
      result.registeredVersion = await this.registry.registerModel(result.modelUri, options.registeredModelName);
    }
    return result;
  }

  private buildMlmodel(base: Record<string, unknown>, options: LogModelOptions): Record<string, unknown> {
    const mlmodel: Record<string, unknown> = {
      ...options.fields,
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
    await this.artifacts.uploadDirectory(artifactUri, options.modelDir, prefix, (path) => path === 'MLmodel');
    const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-model-'));
    try {
      const file = join(staging, 'MLmodel');
      await writeFile(file, toYaml(mlmodel, { sortMapEntries: true }), 'utf8');
      await this.store.artifacts.uploadArtifact(artifactUri, joinArtifactPath(prefix, 'MLmodel'), file);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  private async logLoggedModel(run: Run, name: string, options: LogModelOptions): Promise<LogModelResult> {
    const model = await this.store.tracking.createLoggedModel({
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
      await this.store.tracking.logOutputs(run.info.runId, [{ modelId: model.modelId, step: options.step ?? 0 }]);
      await this.uploadModelFiles(model.artifactUri, '', options, mlmodel);
      await this.store.tracking.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_READY');
    } catch (error) {
      // A server that went away is not asked to mark anything; the caller records elsewhere.
      if (isOutage(error)) throw error;
      await this.store.tracking.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_UPLOAD_FAILED').catch(() => undefined);
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
    await this.store.tracking.recordLoggedModel(run.info.runId, mlmodel);
    return {
      modelUri: formatModelUri({ kind: 'run', runId: run.info.runId, path: name }),
      artifactUri: appendToArtifactUri(run.info.artifactUri, name),
      modelId: undefined,
      mlmodel,
      flow: 'run-artifacts',
      registeredVersion: undefined,
    };
  }
}
