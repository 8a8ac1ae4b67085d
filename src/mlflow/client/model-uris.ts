/**
 * Model and artifact URIs resolved to artifact roots, as MLflow resolves them: `runs:/<id>/<path>`
 * (on MLflow 3 also a LoggedModel of that name from the run), `models:/<m-id>`,
 * `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>` and plain artifact URIs.
 */
import { MlflowNotFoundError, MlflowUriError } from '../errors.js';
import { filterLiteral } from '../filters.js';
import type { FileInfo, LoggedModel, ModelVersion, Run } from '../types.js';
import { appendToArtifactUri, parseModelUri, type ModelUri } from '../uris.js';
import { ClientPart } from './part.js';

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

export function notFound(what: string, where: string): MlflowNotFoundError {
  return new MlflowNotFoundError(`${what} does not exist`, {
    errorCode: 'RESOURCE_DOES_NOT_EXIST',
    httpStatus: 404,
    request: { method: 'GET', baseUrl: where, path: what },
    hint: 'check the URI, name or id',
  });
}

export class ModelResolver extends ClientPart {
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

  async resolveRunPath(runId: string, path: string): Promise<ArtifactLocation> {
    const run = await this.store.tracking.getRun(runId);
    const root = run.info.artifactUri;
    if (path === '' || (await this.artifactEntry(root, path)) !== undefined) return { artifactUri: root, path };
    const [first = '', ...rest] = path.split('/');
    if ((await this.store.tracking.getCapabilities()).loggedModels) {
      const found = await this.store.tracking.searchLoggedModels({
        experimentIds: [run.info.experimentId],
        filter: `name = ${filterLiteral(first)} AND source_run_id = ${filterLiteral(runId)}`,
      });
      const model = this.latestOutput(run, found.items);
      if (model) return { artifactUri: model.artifactUri, path: rest.join('/') };
    }
    throw notFound(`runs:/${runId}/${path}`, this.store.location);
  }

  /** Of several LoggedModels of one name in a run, the one logged at the largest step (then the newest). */
  latestOutput(run: Run, models: LoggedModel[]): LoggedModel | undefined {
    const stepOf = new Map(run.outputs.modelOutputs.map((output) => [output.modelId, output.step]));
    return [...models].sort(
      (a, b) =>
        (stepOf.get(b.modelId) ?? -1) - (stepOf.get(a.modelId) ?? -1) || (b.creationTimestamp ?? 0) - (a.creationTimestamp ?? 0),
    )[0];
  }

  /** The listing entry for `path` under `artifactUri`, or undefined when there is none. */
  async artifactEntry(artifactUri: string, path: string): Promise<FileInfo | undefined> {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    const entries = await this.store.artifacts.listArtifacts(artifactUri, parent);
    return entries.find((entry) => entry.path === path);
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
        return this.resolvedVersion(await this.store.registry.getModelVersion(parsed.name, parsed.version));
      case 'latest':
        return this.resolvedVersion(await this.getLatestModelVersion(parsed.name));
      case 'alias':
        return this.resolvedVersion(await this.store.registry.getModelVersionByAlias(parsed.name, parsed.alias));
      case 'stage': {
        const versions = await this.store.registry.getLatestVersions(parsed.name, [parsed.stage]);
        const latest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
        if (!latest) throw notFound(`a version of "${parsed.name}" in stage ${parsed.stage}`, this.store.location);
        return this.resolvedVersion(latest);
      }
    }
  }

  /** The LoggedModel a `models:/<id>` URI names; a clear error on servers without LoggedModels. */
  async loggedModelOf(uri: string, modelId: string): Promise<LoggedModel> {
    const capabilities = await this.store.tracking.getCapabilities();
    if (!capabilities.loggedModels) {
      throw new MlflowUriError(
        `"${uri}" names an MLflow 3 LoggedModel, but ${this.store.location} runs MLflow ${capabilities.version ?? '2'} without LoggedModels`,
        { hint: 'use models:/<name>/<version>, models:/<name>@<alias> or runs:/<run_id>/<path>' },
      );
    }
    return this.store.tracking.getLoggedModel(modelId);
  }

  private async resolvedVersion(version: ModelVersion): Promise<ResolvedModel> {
    const artifactUri = await this.store.registry.getModelVersionDownloadUri(version.name, version.version);
    return { artifactUri, modelVersion: version, loggedModel: undefined };
  }

  /** The version with the highest number, whatever its stage. */
  async getLatestModelVersion(name: string): Promise<ModelVersion> {
    const [latest] = await this.store.registry
      .searchModelVersions({ filter: `name = ${filterLiteral(name)}`, orderBy: ['version_number DESC'], maxResults: 1 })
      .then((page) => page.items);
    if (!latest) throw notFound(`a version of registered model "${name}"`, this.store.location);
    return latest;
  }
}
