/**
 * The experiments of a local store: `<root>/<id>/meta.yaml` and `tags/`, deleted ones under
 * `.trash/` (MLflow's FileStore layout, see `layout.ts`).
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { MlflowNotFoundError } from '../errors.js';
import { MLFLOW_LIMITS } from '../store/limits.js';
import type { CreateExperimentRequest, SearchExperimentsRequest } from '../store/tracking.js';
import type { Experiment, LifecycleStage, Page, ViewType } from '../types.js';
import { validateKey } from '../validation.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import { DEFAULT_EXPERIMENT_ID, EXPERIMENT_FOLDERS, META, TRASH, fileUriOf, keyPath } from './layout.js';
import { listDirectories, optionalNumber, readMetaFile, readValues } from './read.js';
import type { LocalStoreRoot } from './root.js';
import { attributesAndTags, searchEntities } from './search.js';
import { dumpMeta, type Meta } from './yaml.js';

export const DEFAULT_MAX_RESULTS = 1000;

export function lifecycleOf(value: unknown): LifecycleStage {
  return value === 'deleted' ? 'deleted' : 'active';
}

export function viewIncludes(view: ViewType | undefined, stage: LifecycleStage): boolean {
  if (view === 'ALL') return true;
  return view === 'DELETED_ONLY' ? stage === 'deleted' : stage === 'active';
}

export class FileExperimentStore {
  constructor(protected readonly core: LocalStoreRoot) {}

  get location(): string {
    return this.core.location;
  }

  /** The directories of those experiments that exist (a search skips the others, as MLflow's). */
  protected async experimentDirs(experimentIds: readonly string[]): Promise<Array<[string, string]>> {
    const found: Array<[string, string]> = [];
    for (const experimentId of experimentIds) {
      try {
        found.push([experimentId, await this.core.experimentDir(experimentId)]);
      } catch (error) {
        if (!(error instanceof MlflowNotFoundError)) throw error;
      }
    }
    return found;
  }

  private async readExperiment(dir: string): Promise<Experiment | undefined> {
    const meta = await readMetaFile(dir);
    if (meta === undefined) return undefined;
    return {
      experimentId: String(meta.experiment_id),
      name: String(meta.name),
      artifactLocation: String(meta.artifact_location ?? fileUriOf(dir)),
      lifecycleStage: lifecycleOf(meta.lifecycle_stage),
      creationTime: optionalNumber(meta.creation_time),
      lastUpdateTime: optionalNumber(meta.last_update_time),
      tags: await readValues(join(dir, 'tags')),
    };
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const experiment = await this.readExperiment(await this.core.experimentDir(experimentId));
    if (experiment === undefined) throw notFound(this.core.root, `experiment ${experimentId}`, experimentId);
    return experiment;
  }

  private async allExperiments(): Promise<Experiment[]> {
    await this.core.ensureReady();
    const experiments: Experiment[] = [];
    for (const parent of [this.core.root, join(this.core.root, TRASH)]) {
      for (const name of await listDirectories(parent)) {
        if (!/^\d+$/.test(name)) continue;
        const experiment = await this.readExperiment(join(parent, name));
        if (experiment !== undefined) experiments.push(experiment);
      }
    }
    return experiments;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const matches = (await this.allExperiments()).filter((experiment) => experiment.name === name);
    return matches.find((experiment) => experiment.lifecycleStage === 'active') ?? matches[0];
  }



  async createExperiment(request: CreateExperimentRequest): Promise<string> {
    await this.core.ensureReady();
    for (const key of Object.keys(request.tags ?? {})) validateKey(`experiment tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    return this.core.lock.run(async () => {
      const experiments = await this.allExperiments();
      const holder = experiments.find((experiment) => experiment.name === request.name);
      if (holder !== undefined) {
        throw alreadyExists(
          this.core.root,
          `experiment "${request.name}"${holder.lifecycleStage === 'deleted' ? ' (deleted, in .trash)' : ''}`,
        );
      }
      const used = [...(await listDirectories(this.core.root)), ...(await listDirectories(join(this.core.root, TRASH)))]
        .filter((name) => /^\d+$/.test(name))
        .map((name) => BigInt(name));
      const next = used.reduce((max, id) => (id > max ? id : max), 0n) + 1n;
      const experimentId = String(next);
      await this.core.writeNewExperiment(experimentId, request.name, request.artifactLocation, request.tags ?? {});
      return experimentId;
    });
  }

  async searchExperiments(request: SearchExperimentsRequest): Promise<Page<Experiment>> {
    const read = attributesAndTags<Experiment>((experiment) => ({
      name: experiment.name,
      experiment_id: experiment.experimentId,
      creation_time: experiment.creationTime,
      last_update_time: experiment.lastUpdateTime,
    }));
    const inView = (await this.allExperiments()).filter((experiment) => viewIncludes(request.viewType, experiment.lifecycleStage));
    return searchEntities(inView, read, {
      filter: request.filter,
      orderBy: request.orderBy?.length ? request.orderBy : ['creation_time DESC', 'experiment_id ASC'],
      pageToken: request.pageToken,
      maxResults: request.maxResults ?? DEFAULT_MAX_RESULTS,
    });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateKey(`experiment tags[${JSON.stringify(key)}]`, key, MLFLOW_LIMITS);
    const experiment = await this.getExperiment(experimentId);
    if (experiment.lifecycleStage !== 'active') {
      throw invalid(this.core.root, `experiment ${experimentId} is deleted`, 'restore it before tagging it');
    }
    await this.core.disk.write(keyPath(join(await this.core.experimentDir(experimentId), 'tags'), key), value);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    if (experimentId === DEFAULT_EXPERIMENT_ID) {
      throw invalid(this.core.root, 'the Default experiment (0) cannot be deleted', 'delete its runs instead');
    }
    await this.core.lock.run(async () => {
      const dir = await this.core.experimentDir(experimentId);
      if (dir !== join(this.core.root, experimentId)) throw notFound(this.core.root, `active experiment ${experimentId}`);
      const now = Date.now();
      for (const name of await listDirectories(dir)) {
        if (EXPERIMENT_FOLDERS.has(name)) continue;
        const meta = await readMetaFile(join(dir, name));
        if (meta === undefined || meta.lifecycle_stage === 'deleted') continue;
        await this.core.disk.write(join(dir, name, META), dumpMeta({ ...(meta as Meta), lifecycle_stage: 'deleted', deleted_time: now }));
      }
      const meta = (await readMetaFile(dir)) as Meta;
      await this.core.disk.write(join(dir, META), dumpMeta({ ...meta, lifecycle_stage: 'deleted', last_update_time: now }));
      await rename(dir, join(this.core.root, TRASH, experimentId));
      this.core.forgetRunLocations();
    });
  }

}
