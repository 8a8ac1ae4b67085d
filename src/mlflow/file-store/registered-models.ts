/**
 * The registered models of a local store, in MLflow's registry FileStore layout
 * (`mlflow/store/model_registry/file_store.py`):
 * `models/<name>/{meta.yaml, tags/<key>, aliases/<alias>, version-<n>/{meta.yaml, tags/<key>}}`.
 * Their versions and aliases are in `registry.ts`, which extends this class.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MLFLOW_LIMITS } from '../store/limits.js';
import type { CreateRegisteredModelRequest } from '../store/registry.js';
import type { TrackingStore } from '../store/tracking.js';
import type { ModelVersion, ModelVersionStatus, Page, RegisteredModel, SearchOptions } from '../types.js';
import { validateRegistryTag } from '../validation.js';
import { errorCode } from './disk.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import { META, REGISTRY, keyPath } from './layout.js';
import { listDirectories, optionalNumber, optionalString, readMetaFile, readText, readValues } from './read.js';
import type { LocalStoreRoot } from './root.js';
import { attributesAndTags, searchEntities } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

export const DELETED_STAGE = 'Deleted_Internal';
export const STAGES = ['None', 'Staging', 'Production', 'Archived'];

export function canonicalStage(stage: string): string | undefined {
  return STAGES.find((known) => known.toLowerCase() === stage.toLowerCase());
}

export class FileRegisteredModelStore {
  constructor(
    protected readonly store: LocalStoreRoot,
    /** Where a `models:/<m-id>` source is looked up. */
    protected readonly loggedModels: Pick<TrackingStore, 'getLoggedModel'>,
  ) {}

  protected get root(): string {
    return this.store.root;
  }

  protected modelPath(name: string): string {
    if (name.trim() === '' || /[/\\%]/.test(name) || name === '.' || name === '..') {
      throw invalid(this.root, `"${name}" is not a valid registered model name`, 'use a name without "/", "\\" or "%"');
    }
    return join(this.root, REGISTRY, name);
  }

  protected async modelMeta(name: string): Promise<{ dir: string; meta: Meta }> {
    await this.store.ensureReady();
    const dir = this.modelPath(name);
    const meta = await readMetaFile(dir);
    if (meta === undefined) throw notFound(this.root, `registered model "${name}"`, name);
    return { dir, meta: meta as Meta };
  }

  protected versionDir(modelDir: string, version: string): string {
    if (!/^\d+$/.test(version)) throw invalid(this.root, `"${version}" is not a model version number`, 'pass a version such as 1');
    return join(modelDir, `version-${Number(version)}`);
  }

  protected async readVersion(modelDir: string, versionDir: string, aliases: Record<string, string>): Promise<ModelVersion | undefined> {
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

  protected async versionsOf(modelDir: string): Promise<ModelVersion[]> {
    const aliases = await readValues(join(modelDir, 'aliases'));
    const versions: ModelVersion[] = [];
    for (const name of await listDirectories(modelDir)) {
      if (!/^version-\d+$/.test(name)) continue;
      const version = await this.readVersion(modelDir, join(modelDir, name), aliases);
      if (version !== undefined) versions.push(version);
    }
    return versions.sort((a, b) => Number(a.version) - Number(b.version));
  }

  protected latestPerStage(versions: ModelVersion[], stages: readonly string[]): ModelVersion[] {
    const wanted = stages.length === 0 ? STAGES : stages.map((stage) => canonicalStage(stage) ?? stage);
    const latest = new Map<string, ModelVersion>();
    for (const version of versions) {
      if (!wanted.includes(version.currentStage)) continue;
      const held = latest.get(version.currentStage);
      if (held === undefined || Number(held.version) < Number(version.version)) latest.set(version.currentStage, version);
    }
    return [...latest.values()];
  }

  protected async readModel(dir: string, meta: Meta): Promise<RegisteredModel> {
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

  protected async touch(dir: string, meta: Meta, changes: Meta = {}): Promise<void> {
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
    const read = attributesAndTags<RegisteredModel>((model) => ({
      name: model.name,
      creation_timestamp: model.creationTimestamp,
      last_updated_timestamp: model.lastUpdatedTimestamp,
    }));
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

  protected async removeFile(path: string): Promise<void> {
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
}
