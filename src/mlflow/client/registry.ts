/**
 * The Model Registry half of `MlflowClient`: registration (`mlflow.register_model`) from any model
 * URI, registered models, versions, stages and aliases, with values validated before sending.
 */
import { MlflowAlreadyExistsError, MlflowModelLoggingError, MlflowValidationError } from '../errors.js';
import { filterLiteral } from '../filters.js';
import type { MlflowStore } from '../store/index.js';
import type { LoggedModel, ModelVersion, RegisteredModel, Run, Tags } from '../types.js';
import { appendToArtifactUri, formatModelUri, parseModelUri } from '../uris.js';
import { validateAlias, validateDescription, validateRegistryTag } from '../validation.js';
import { notFound, type ModelResolver } from './model-uris.js';
import { collectPages, type SearchAllOptions } from './pages.js';
import { ClientPart, type MlflowClientOptions } from './part.js';

export interface RegisterModelOptions {
  description?: string | undefined;
  tags?: Tags | undefined;
  /** How long to wait for a PENDING_REGISTRATION version to become READY (default 300 s). */
  awaitRegistrationSeconds?: number | undefined;
}

const PENDING_POLL_MS = 1000;

/** What `createModelVersion` takes: the model's source and where it came from. */
export interface CreateModelVersionRequest {
  name: string;
  source: string;
  runId?: string;
  modelId?: string;
  description?: string;
  tags?: Tags;
  runLink?: string;
}

export class RegistryClient extends ClientPart {
  constructor(
    store: MlflowStore,
    private readonly resolver: ModelResolver,
    options: MlflowClientOptions = {},
  ) {
    super(store, options);
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
      await this.store.registry.createRegisteredModel({ name });
    } catch (error) {
      if (!(error instanceof MlflowAlreadyExistsError)) throw error;
    }
    const version = await this.store.registry.createModelVersion({ name, ...source, description: options.description, tags: options.tags });
    return this.awaitReady(version, options.awaitRegistrationSeconds ?? 300);
  }

  private async versionSource(modelUri: string): Promise<{ source: string; runId?: string; modelId?: string }> {
    if (!modelUri.startsWith('runs:') && !modelUri.startsWith('models:')) return { source: modelUri };
    const parsed = parseModelUri(modelUri);
    if (parsed.kind === 'run') {
      const location = await this.resolver.resolveRunPath(parsed.runId, parsed.path);
      const run = await this.store.tracking.getRun(parsed.runId);
      if (location.artifactUri === run.info.artifactUri) {
        return { source: appendToArtifactUri(location.artifactUri, location.path), runId: parsed.runId };
      }
      const model = await this.modelAt(location.artifactUri, run);
      return { source: formatModelUri({ kind: 'logged-model', modelId: model.modelId }), runId: parsed.runId, modelId: model.modelId };
    }
    if (parsed.kind === 'logged-model') {
      const model = await this.resolver.loggedModelOf(modelUri, parsed.modelId);
      return { source: modelUri, modelId: model.modelId, ...(model.sourceRunId ? { runId: model.sourceRunId } : {}) };
    }
    const resolved = await this.resolver.resolveModelUri(modelUri);
    const version = resolved.modelVersion;
    return {
      source: version?.modelId ? formatModelUri({ kind: 'logged-model', modelId: version.modelId }) : resolved.artifactUri,
      ...(version?.runId ? { runId: version.runId } : {}),
      ...(version?.modelId ? { modelId: version.modelId } : {}),
    };
  }

  private async modelAt(artifactUri: string, run: Run): Promise<LoggedModel> {
    for (const output of run.outputs.modelOutputs) {
      const model = await this.store.tracking.getLoggedModel(output.modelId);
      if (model.artifactUri === artifactUri) return model;
    }
    const found = await this.store.tracking.searchLoggedModels({ experimentIds: [run.info.experimentId], filter: `source_run_id = ${filterLiteral(run.info.runId)}` });
    const model = found.items.find((candidate) => candidate.artifactUri === artifactUri);
    if (!model) throw notFound(`LoggedModel at ${artifactUri}`, this.store.location);
    return model;
  }

  private async awaitReady(version: ModelVersion, seconds: number): Promise<ModelVersion> {
    const deadline = Date.now() + seconds * 1000;
    let current = version;
    while (current.status === 'PENDING_REGISTRATION' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, PENDING_POLL_MS));
      current = await this.store.registry.getModelVersion(current.name, current.version);
    }
    if (current.status === 'FAILED_REGISTRATION') {
      throw new MlflowModelLoggingError(
        `registration of ${current.name} version ${current.version} failed: ${current.statusMessage ?? 'no reason given'}`,
        { hint: 'check the model source and the server logs' },
      );
    }
    return current;
  }

  async createRegisteredModel(name: string, options: { description?: string; tags?: Tags } = {}): Promise<RegisteredModel> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(options.tags ?? {})) validateRegistryTag(key, value, limits);
    if (options.description !== undefined) validateDescription('registered model', options.description, limits);
    return this.store.registry.createRegisteredModel({ name, ...options });
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.store.registry.getRegisteredModel(name);
  }

  /** e.g. `{ filter: "name LIKE 'penguin%'" }` or `"tags.team = 'mlops'"`. */
  searchRegisteredModels(options: SearchAllOptions = {}): Promise<RegisteredModel[]> {
    return collectPages(
      (pageToken, maxResults) => this.store.registry.searchRegisteredModels({ filter: options.filter, orderBy: options.orderBy, pageToken, maxResults }),
      options,
    );
  }

  async updateRegisteredModelDescription(name: string, description: string): Promise<RegisteredModel> {
    validateDescription('registered model', description, await this.limits());
    return this.store.registry.updateRegisteredModel(name, description);
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.store.registry.renameRegisteredModel(name, newName);
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, await this.limits());
    await this.store.registry.setRegisteredModelTag(name, key, value);
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.store.registry.deleteRegisteredModelTag(name, key);
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.store.registry.deleteRegisteredModel(name);
  }

  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const limits = await this.limits();
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRegistryTag(key, value, limits);
    if (request.description !== undefined) validateDescription('model version', request.description, limits);
    return this.awaitReady(await this.store.registry.createModelVersion(request), 300);
  }

  getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    return this.store.registry.getModelVersion(name, String(version));
  }

  /** e.g. `{ filter: "name = 'penguins' AND tags.validated = 'true'" }`. */
  searchModelVersions(options: SearchAllOptions = {}): Promise<ModelVersion[]> {
    return collectPages(
      (pageToken, maxResults) => this.store.registry.searchModelVersions({ filter: options.filter, orderBy: options.orderBy, pageToken, maxResults }),
      options,
    );
  }

  async updateModelVersionDescription(name: string, version: string | number, description: string): Promise<ModelVersion> {
    validateDescription('model version', description, await this.limits());
    return this.store.registry.updateModelVersion(name, String(version), description);
  }

  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, await this.limits());
    await this.store.registry.setModelVersionTag(name, String(version), key, value);
  }

  deleteModelVersionTag(name: string, version: string | number, key: string): Promise<void> {
    return this.store.registry.deleteModelVersionTag(name, String(version), key);
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
    return this.store.registry.transitionModelVersionStage(name, String(version), stage, archive);
  }

  deleteModelVersion(name: string, version: string | number): Promise<void> {
    return this.store.registry.deleteModelVersion(name, String(version));
  }

  /** Points `alias` (e.g. `champion`) at a version; an alias already in use moves. */
  async setAlias(name: string, alias: string, version: string | number): Promise<void> {
    validateAlias(alias, await this.limits());
    await this.store.registry.setRegisteredModelAlias(name, alias, String(version));
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.store.registry.getModelVersionByAlias(name, alias);
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.store.registry.deleteRegisteredModelAlias(name, alias);
  }
}
