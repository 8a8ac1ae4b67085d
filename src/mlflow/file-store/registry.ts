/**
 * The Model Registry half of a local store, in MLflow's registry FileStore layout
 * (`mlflow/store/model_registry/file_store.py`):
 * `models/<name>/{meta.yaml, tags/<key>, aliases/<alias>, version-<n>/{meta.yaml, tags/<key>}}`.
 * A deleted version keeps its directory with the stage `Deleted_Internal`, so its number is never
 * given again, as in MLflow.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MLFLOW_LIMITS } from '../store/limits.js';
import type { CreateModelVersionRequest, CreateRegisteredModelRequest, RegistryStore } from '../store/registry.js';
import type { TrackingStore } from '../store/tracking.js';
import type { ModelVersion, ModelVersionStatus, Page, RegisteredModel, SearchOptions } from '../types.js';
import { parseModelUri } from '../uris.js';
import { validateAlias, validateRegistryTag } from '../validation.js';
import { errorCode } from './disk.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import { META, REGISTRY, keyPath } from './layout.js';
import { listDirectories, optionalNumber, optionalString, readMetaFile, readText, readValues } from './read.js';
import type { LocalStoreRoot } from './root.js';
import { searchEntities, type FieldReader } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

const DELETED_STAGE = 'Deleted_Internal';
const STAGES = ['None', 'Staging', 'Production', 'Archived'];

function canonicalStage(stage: string): string | undefined {
  return STAGES.find((known) => known.toLowerCase() === stage.toLowerCase());
}

export class FileRegistryStore implements RegistryStore {
  constructor(
    private readonly store: LocalStoreRoot,
    /** Where a `models:/<m-id>` source is looked up. */
    private readonly loggedModels: Pick<TrackingStore, 'getLoggedModel'>,
  ) {}

  private get root(): string {
    return this.store.root;
  }

  private modelPath(name: string): string {
    if (name.trim() === '' || /[/\\%]/.test(name) || name === '.' || name === '..') {
      throw invalid(this.root, `"${name}" is not a valid registered model name`, 'use a name without "/", "\\" or "%"');
    }
    return join(this.root, REGISTRY, name);
  }

  private async modelMeta(name: string): Promise<{ dir: string; meta: Meta }> {
    await this.store.ensureReady();
    const dir = this.modelPath(name);
    const meta = await readMetaFile(dir);
    if (meta === undefined) throw notFound(this.root, `registered model "${name}"`, name);
    return { dir, meta: meta as Meta };
  }

  private versionDir(modelDir: string, version: string): string {
    if (!/^\d+$/.test(version)) throw invalid(this.root, `"${version}" is not a model version number`, 'pass a version such as 1');
    return join(modelDir, `version-${Number(version)}`);
  }

  private async readVersion(modelDir: string, versionDir: string, aliases: Record<string, string>): Promise<ModelVersion | undefined> {
    const meta = await readMetaFile(versionDir);
    if (meta === undefined || meta.current_stage === DELETED_STAGE) return undefined;
    const version = String(meta.version);
    return {
      name: String(meta.name),
      version,
      creationTimestamp: optionalNumber(meta.creation_timestamp),
      lastUpdatedTimestamp: optionalNumber(meta.last_updated_timestamp),
      userId: optionalString(meta.user_id),
      currentStage: String(meta.current_stage ?? 'None'),
      description: optionalString(meta.description),
      source: String(meta.source),
      runId: optionalString(meta.run_id),
      status: (optionalString(meta.status) ?? 'READY') as ModelVersionStatus,
      statusMessage: optionalString(meta.status_message),
      tags: await readValues(join(versionDir, 'tags')),
      runLink: optionalString(meta.run_link),
      aliases: Object.entries(aliases)
        .filter(([, target]) => target === version)
        .map(([alias]) => alias),
      modelId: optionalString(meta.model_id),
    };
  }

  private async versionsOf(modelDir: string): Promise<ModelVersion[]> {
    const aliases = await readValues(join(modelDir, 'aliases'));
    const versions: ModelVersion[] = [];
    for (const name of await listDirectories(modelDir)) {
      if (!/^version-\d+$/.test(name)) continue;
      const version = await this.readVersion(modelDir, join(modelDir, name), aliases);
      if (version !== undefined) versions.push(version);
    }
    return versions.sort((a, b) => Number(a.version) - Number(b.version));
  }

  private latestPerStage(versions: ModelVersion[], stages: readonly string[]): ModelVersion[] {
    const wanted = stages.length === 0 ? STAGES : stages.map((stage) => canonicalStage(stage) ?? stage);
    const latest = new Map<string, ModelVersion>();
    for (const version of versions) {
      if (!wanted.includes(version.currentStage)) continue;
      const held = latest.get(version.currentStage);
      if (held === undefined || Number(held.version) < Number(version.version)) latest.set(version.currentStage, version);
    }
    return [...latest.values()];
  }

  private async readModel(dir: string, meta: Meta): Promise<RegisteredModel> {
    const versions = await this.versionsOf(dir);
    return {
      name: String(meta.name),
      creationTimestamp: optionalNumber(meta.creation_timestamp),
      lastUpdatedTimestamp: optionalNumber(meta.last_updated_timestamp),
      userId: optionalString(meta.user_id),
      description: optionalString(meta.description),
      latestVersions: this.latestPerStage(versions, []),
      tags: await readValues(join(dir, 'tags')),
      aliases: await readValues(join(dir, 'aliases')),
    };
  }

  private async touch(dir: string, meta: Meta, changes: Meta = {}): Promise<void> {
    await this.store.disk.write(join(dir, META), dumpMeta({ ...meta, ...changes, last_updated_timestamp: Date.now() }));
  }

  async createRegisteredModel(request: CreateRegisteredModelRequest): Promise<RegisteredModel> {
    await this.store.ensureReady();
    for (const [key, value] of Object.entries(request.tags ?? {})) validateRegistryTag(key, value, MLFLOW_LIMITS);
    const dir = this.modelPath(request.name);
    return this.store.lock.run(async () => {
      if ((await readText(join(dir, META))) !== undefined) throw alreadyExists(this.root, `registered model "${request.name}"`);
      const now = Date.now();
      const meta: Meta = {
        creation_timestamp: now,
        deployment_job_id: null,
        deployment_job_state: null,
        description: request.description ?? null,
        last_updated_timestamp: now,
        name: request.name,
      };
      const created = await this.store.disk.createDirectory(dir, async (staging) => {
        for (const [key, value] of Object.entries(request.tags ?? {})) await this.store.disk.write(keyPath(join(staging, 'tags'), key), value);
        await this.store.disk.write(join(staging, META), dumpMeta(meta));
      });
      if (!created) throw alreadyExists(this.root, `registered model "${request.name}"`);
      return this.readModel(dir, meta);
    });
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const { dir, meta } = await this.modelMeta(name);
    return this.readModel(dir, meta);
  }

  async searchRegisteredModels(request: SearchOptions): Promise<Page<RegisteredModel>> {
    await this.store.ensureReady();
    const models: RegisteredModel[] = [];
    for (const name of await listDirectories(join(this.root, REGISTRY))) {
      const dir = join(this.root, REGISTRY, name);
      const meta = await readMetaFile(dir);
      if (meta !== undefined) models.push(await this.readModel(dir, meta as Meta));
    }
    const read: FieldReader<RegisteredModel> = (model, kind, key) => {
      if (kind === 'tag') return model.tags[key];
      if (kind !== 'attribute') return undefined;
      const attributes: Record<string, string | number | undefined> = {
        name: model.name,
        creation_timestamp: model.creationTimestamp,
        last_updated_timestamp: model.lastUpdatedTimestamp,
      };
      return attributes[key];
    };
    return searchEntities(models, read, {
      filter: request.filter,
      orderBy: [...(request.orderBy ?? []), 'name ASC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? 100,
    });
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return this.store.lock.run(async () => {
      const { dir, meta } = await this.modelMeta(name);
      await this.touch(dir, meta, { description });
      return this.getRegisteredModel(name);
    });
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    const target = this.modelPath(newName);
    return this.store.lock.run(async () => {
      const { dir } = await this.modelMeta(name);
      if ((await readText(join(target, META))) !== undefined) throw alreadyExists(this.root, `registered model "${newName}"`);
      for (const entry of await listDirectories(dir)) {
        if (!/^version-\d+$/.test(entry)) continue;
        const versionMeta = await readMetaFile(join(dir, entry));
        if (versionMeta !== undefined) await this.touch(join(dir, entry), versionMeta as Meta, { name: newName });
      }
      await this.touch(dir, (await readMetaFile(dir)) as Meta, { name: newName });
      await rename(dir, target);
      return this.getRegisteredModel(newName);
    });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.store.lock.run(async () => {
      const { dir } = await this.modelMeta(name);
      await rm(dir, { recursive: true, force: true });
    });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    validateRegistryTag(key, value, MLFLOW_LIMITS);
    await this.store.lock.run(async () => {
      const { dir, meta } = await this.modelMeta(name);
      await this.store.disk.write(keyPath(join(dir, 'tags'), key), value);
      await this.touch(dir, meta);
    });
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.store.lock.run(async () => {
      const { dir, meta } = await this.modelMeta(name);
      await this.removeFile(keyPath(join(dir, 'tags'), key));
      await this.touch(dir, meta);
    });
  }

  private async removeFile(path: string): Promise<void> {
    try {
      await rm(path);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }

  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const { dir } = await this.modelMeta(name);
    return this.latestPerStage(await this.versionsOf(dir), stages);
  }

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
    const read: FieldReader<ModelVersion> = (version, kind, key) => {
      if (kind === 'tag') return version.tags[key];
      if (kind !== 'attribute') return undefined;
      const attributes: Record<string, string | number | undefined> = {
        name: version.name,
        version_number: Number(version.version),
        run_id: version.runId,
        source_path: version.source,
        current_stage: version.currentStage,
        creation_timestamp: version.creationTimestamp,
        last_updated_timestamp: version.lastUpdatedTimestamp,
      };
      return attributes[key];
    };
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
