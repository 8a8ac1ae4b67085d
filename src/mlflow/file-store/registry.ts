/**
 * The Model Registry half of a local store, in MLflow's registry FileStore layout
 * (`mlflow/store/model_registry/file_store.py`):
 * `models/<name>/{meta.yaml, tags/<key>, aliases/<alias>, version-<n>/{meta.yaml, tags/<key>}}`.
 * A deleted version keeps its directory with the stage `Deleted_Internal`, so its number is never
 * given again, as in MLflow.
 */
import { join } from 'node:path';
import { MLFLOW_LIMITS } from '../store/limits.js';
import type { CreateModelVersionRequest, RegistryStore } from '../store/registry.js';
import type { ModelVersion, Page, SearchOptions } from '../types.js';
import { parseModelUri } from '../uris.js';
import { validateAlias, validateRegistryTag } from '../validation.js';
import { invalid, notFound } from './errors.js';
import { META, REGISTRY, keyPath } from './layout.js';
import { listDirectories, readMetaFile, readText, readValues } from './read.js';
import { canonicalStage, DELETED_STAGE, FileRegisteredModelStore, STAGES } from './registered-models.js';
import { attributesAndTags, searchEntities } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

/** Model versions and aliases; registered models themselves are in `registered-models.ts`. */
export class FileRegistryStore extends FileRegisteredModelStore implements RegistryStore {
  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRegistryTag(key, value, MLFLOW_LIMITS);
    let storageLocation = request.source;
    let runId = request.runId;
    const modelId = request.modelId ?? (request.source.startsWith('models:/m-') ? request.source.slice('models:/'.length) : undefined);
    if (request.source.startsWith('models:')) {
      const parsed = parseModelUri(request.source);
      if (parsed.kind === 'logged-model') {
        const model = await this.loggedModels.getLoggedModel(parsed.modelId);
        storageLocation = model.artifactUri;
        runId ??= model.sourceRunId;
      } else if (parsed.kind === 'version') {
        storageLocation = await this.getModelVersionDownloadUri(parsed.name, parsed.version);
      }
    }
    return this.store.lock.run(async () => {
      const { dir, meta } = await this.modelMeta(request.name);
      const numbers = (await listDirectories(dir)).filter((entry) => /^version-\d+$/.test(entry)).map((entry) => Number(entry.slice(8)));
      const version = Math.max(0, ...numbers) + 1;
      const now = Date.now();
      const versionMeta: Meta = {
        creation_timestamp: now,
        current_stage: 'None',
        deployment_job_state: null,
        description: request.description ?? null,
        last_updated_timestamp: now,
        model_id: modelId ?? null,
        name: request.name,
        run_id: runId ?? null,
        run_link: request.runLink ?? null,
        source: request.source,
        status: 'READY',
        status_message: null,
        storage_location: storageLocation,
        user_id: null,
        version,
      };
      const versionDir = join(dir, `version-${version}`);
      await this.store.disk.createDirectory(versionDir, async (staging) => {
        for (const [key, value] of Object.entries(request.tags ?? {})) await this.store.disk.write(keyPath(join(staging, 'tags'), key), value);
        await this.store.disk.write(join(staging, META), dumpMeta(versionMeta));
      });
      await this.touch(dir, meta);
      const created = await this.readVersion(dir, versionDir, await readValues(join(dir, 'aliases')));
      if (created === undefined) throw notFound(this.root, `version ${version} of "${request.name}"`);
      return created;
    });
  }

  private async versionMeta(name: string, version: string): Promise<{ modelDir: string; modelMeta: Meta; dir: string; meta: Meta }> {
    const { dir: modelDir, meta: modelMeta } = await this.modelMeta(name);
    const dir = this.versionDir(modelDir, version);
    const meta = await readMetaFile(dir);
    if (meta === undefined || meta.current_stage === DELETED_STAGE) throw notFound(this.root, `version ${version} of registered model "${name}"`);
    return { modelDir, modelMeta, dir, meta: meta as Meta };
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const { modelDir, dir } = await this.versionMeta(name, version);
    const found = await this.readVersion(modelDir, dir, await readValues(join(modelDir, 'aliases')));
    if (found === undefined) throw notFound(this.root, `version ${version} of registered model "${name}"`);
    return found;
  }

  async searchModelVersions(request: SearchOptions): Promise<Page<ModelVersion>> {
    await this.store.ensureReady();
    const versions: ModelVersion[] = [];
    for (const name of await listDirectories(join(this.root, REGISTRY))) versions.push(...(await this.versionsOf(join(this.root, REGISTRY, name))));
    const read = attributesAndTags<ModelVersion>((version) => ({
      name: version.name,
      version_number: Number(version.version),
      run_id: version.runId,
      source_path: version.source,
      current_stage: version.currentStage,
      creation_timestamp: version.creationTimestamp,
      last_updated_timestamp: version.lastUpdatedTimestamp,
    }));
    return searchEntities(versions, read, {
      filter: request.filter,
      orderBy: request.orderBy?.length ? request.orderBy : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? 200_000,
    });
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    await this.store.lock.run(async () => {
      const { dir, meta } = await this.versionMeta(name, version);
      await this.touch(dir, meta, { description });
    });
    return this.getModelVersion(name, version);
  }

  async transitionModelVersionStage(name: string, version: string, stage: string, archiveExistingVersions: boolean): Promise<ModelVersion> {
    const canonical = canonicalStage(stage);
    if (canonical === undefined) throw invalid(this.root, `"${stage}" is not a model stage`, `use one of ${STAGES.join(', ')}`);
    if (archiveExistingVersions && canonical !== 'Staging' && canonical !== 'Production') {
      throw invalid(this.root, `existing versions can be archived only when moving to Staging or Production, not ${canonical}`, 'drop archiveExistingVersions');
    }
    await this.store.lock.run(async () => {
      const { modelDir, modelMeta, dir, meta } = await this.versionMeta(name, version);
      if (archiveExistingVersions) {
        for (const other of await this.versionsOf(modelDir)) {
          if (other.version === version || other.currentStage !== canonical) continue;
          const otherDir = this.versionDir(modelDir, other.version);
          await this.touch(otherDir, (await readMetaFile(otherDir)) as Meta, { current_stage: 'Archived' });
        }
      }
      await this.touch(dir, meta, { current_stage: canonical });
      await this.touch(modelDir, modelMeta);
    });
    return this.getModelVersion(name, version);
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.store.lock.run(async () => {
      const { modelDir, modelMeta, dir, meta } = await this.versionMeta(name, version);
      await this.touch(dir, meta, { current_stage: DELETED_STAGE });
      const aliases = await readValues(join(modelDir, 'aliases'));
      for (const [alias, target] of Object.entries(aliases)) {
        if (target === String(Number(version))) await this.removeFile(join(modelDir, 'aliases', alias));
      }
      await this.touch(modelDir, modelMeta);
    });
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, MLFLOW_LIMITS);
    await this.store.lock.run(async () => {
      const { modelDir, modelMeta, dir } = await this.versionMeta(name, version);
      await this.store.disk.write(keyPath(join(dir, 'tags'), key), value);
      await this.touch(modelDir, modelMeta);
    });
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.store.lock.run(async () => {
      const { modelDir, modelMeta, dir } = await this.versionMeta(name, version);
      await this.removeFile(keyPath(join(dir, 'tags'), key));
      await this.touch(modelDir, modelMeta);
    });
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const { meta } = await this.versionMeta(name, version);
    return String(meta.storage_location ?? meta.source);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias, MLFLOW_LIMITS);
    await this.store.lock.run(async () => {
      const { modelDir, modelMeta } = await this.versionMeta(name, version);
      await this.store.disk.write(join(modelDir, 'aliases', alias), String(Number(version)));
      await this.touch(modelDir, modelMeta);
    });
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    validateAlias(alias, MLFLOW_LIMITS);
    await this.store.lock.run(async () => {
      const { dir, meta } = await this.modelMeta(name);
      await this.removeFile(join(dir, 'aliases', alias));
      await this.touch(dir, meta);
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const { dir } = await this.modelMeta(name);
    const version = await readText(join(dir, 'aliases', alias));
    if (version === undefined) throw notFound(this.root, `alias "${alias}" of registered model "${name}"`);
    return this.getModelVersion(name, version.trim());
  }
}
