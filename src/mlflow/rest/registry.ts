/**
 * `RegistryStore` over MLflow's REST API: registered models, versions, stages and aliases, each
 * call with the recovery probe that makes its retry safe (see `base.ts`).
 */
import { randomUUID } from 'node:crypto';
import { filterLiteral } from '../filters.js';
import type { CreateModelVersionRequest, CreateRegisteredModelRequest, RegistryStore } from '../store/registry.js';
import { REQUEST_MARKER_TAG } from '../tags.js';
import type { ModelVersion, Page, RegisteredModel, SearchOptions } from '../types.js';
import { fromWireModelVersion, fromWireRegisteredModel, toWireTags, type WireModelVersion, type WireRegisteredModel } from '../wire.js';
import { MARKER_FILTER, RestStorePart, exists, findOrUndefined, page, pageSize } from './base.js';

export class RestRegistryStore extends RestStorePart implements RegistryStore {
  async createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>(
      'POST',
      'registered-models/create',
      { name: request.name, description: request.description, tags: toWireTags(request.tags) },
      async () => {
        const existing = await findOrUndefined(() => this.getRegisteredModel(request.name));
        return existing ? { registered_model: { name: existing.name } } : undefined;
      },
    );
    return body.registered_model.creation_timestamp === undefined
      ? this.getRegisteredModel(request.name)
      : fromWireRegisteredModel(body.registered_model);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>('GET', 'registered-models/get', { name });
    return fromWireRegisteredModel(body.registered_model);
  }

  async searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>> {
    const body = await this.call<{ registered_models?: WireRegisteredModel[]; next_page_token?: string }>(
      'GET',
      'registered-models/search',
      { filter: request.filter, max_results: pageSize(request.maxResults, 'registeredModels'), order_by: request.orderBy, page_token: request.pageToken },
    );
    return page(body.registered_models, body.next_page_token, fromWireRegisteredModel);
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>('PATCH', 'registered-models/update', { name, description });
    return fromWireRegisteredModel(body.registered_model);
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const body = await this.call<{ registered_model: WireRegisteredModel }>(
      'POST',
      'registered-models/rename',
      { name, new_name: newName },
      async () => {
        const renamed = await findOrUndefined(() => this.getRegisteredModel(newName));
        return renamed ? { registered_model: { name: renamed.name } } : undefined;
      },
    );
    return this.getRegisteredModel(body.registered_model.name);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.callDelete('DELETE', 'registered-models/delete', { name }, () => exists(() => this.getRegisteredModel(name)));
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'registered-models/set-tag', { name, key, value });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.callDelete('DELETE', 'registered-models/delete-tag', { name, key }, async () => {
      const model = await this.getRegisteredModel(name);
      return key in model.tags;
    });
  }

  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const body = await this.call<{ model_versions?: WireModelVersion[] }>('POST', 'registered-models/get-latest-versions', {
      name,
      stages,
    });
    return (body.model_versions ?? []).map(fromWireModelVersion);
  }

  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const marker = randomUUID();
    const body = await this.call<{ model_version: WireModelVersion }>(
      'POST',
      'model-versions/create',
      {
        name: request.name,
        source: request.source,
        run_id: request.runId,
        model_id: request.modelId,
        description: request.description,
        run_link: request.runLink,
        tags: toWireTags({ ...request.tags, [REQUEST_MARKER_TAG]: marker }),
      },
      async () => {
        const found = await this.searchModelVersions({
          filter: `name = ${filterLiteral(request.name)} AND ${MARKER_FILTER} = ${filterLiteral(marker)}`,
          maxResults: 1,
        });
        const version = found.items[0];
        return version ? { model_version: { name: version.name, version: version.version } } : undefined;
      },
    );
    const version = String(body.model_version.version);
    await this.dropMarker(() => this.deleteModelVersionTag(request.name, version, REQUEST_MARKER_TAG));
    return this.getModelVersion(request.name, version);
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('GET', 'model-versions/get', { name, version });
    return fromWireModelVersion(body.model_version);
  }

  async searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>> {
    const body = await this.call<{ model_versions?: WireModelVersion[]; next_page_token?: string }>('GET', 'model-versions/search', {
      filter: request.filter,
      max_results: pageSize(request.maxResults, 'modelVersions'),
      order_by: request.orderBy,
      page_token: request.pageToken,
    });
    return page(body.model_versions, body.next_page_token, fromWireModelVersion);
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('PATCH', 'model-versions/update', { name, version, description });
    return fromWireModelVersion(body.model_version);
  }

  async transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('POST', 'model-versions/transition-stage', {
      name,
      version,
      stage,
      archive_existing_versions: archiveExistingVersions,
    });
    return fromWireModelVersion(body.model_version);
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.callDelete('DELETE', 'model-versions/delete', { name, version }, () =>
      exists(() => this.getModelVersion(name, version)),
    );
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.callDelete('DELETE', 'model-versions/delete-tag', { name, version, key }, async () => {
      const modelVersion = await this.getModelVersion(name, version);
      return key in modelVersion.tags;
    });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const body = await this.call<{ artifact_uri: string }>('GET', 'model-versions/get-download-uri', { name, version });
    return body.artifact_uri;
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    // An unknown alias is INVALID_PARAMETER_VALUE, not "does not exist": ask the model instead.
    await this.callDelete('DELETE', 'registered-models/alias', { name, alias }, async () => {
      const model = await this.getRegisteredModel(name);
      return alias in model.aliases;
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const body = await this.call<{ model_version: WireModelVersion }>('GET', 'registered-models/alias', { name, alias });
    return fromWireModelVersion(body.model_version);
  }
}
