/**
 * The directory of a local store and what every part of it needs: the root, the disk writer,
 * the lock, first-use set-up, and finding an experiment, a run or a LoggedModel on disk. The
 * tracking store, the registry store and the artifact repository of `FileStore` all share one.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tags } from '../types.js';
import { StoreDisk } from './disk.js';
import { alreadyExists, invalid, notFound } from './errors.js';
import { DEFAULT_EXPERIMENT_ID, LOCK_FILE, META, REGISTRY, TRASH, fileUriOf, keyPath, localPathOf } from './layout.js';
import { StoreLock, type LockOptions } from './lock.js';
import { listDirectories, readText } from './read.js';
import { dumpMeta, type Meta } from './yaml.js';

export interface FileStoreOptions {
  lock?: LockOptions;
}

/** Where a run lives: its experiment and its directory. */
export interface Located {
  experimentId: string;
  dir: string;
}

export class LocalStoreRoot {
  /** The store directory (absolute). */
  readonly root: string;
  readonly location: string;
  readonly disk: StoreDisk;
  readonly lock: StoreLock;
  private ready: Promise<void> | undefined;
  /** Where runs were last found; a run moves only when its experiment is deleted or restored. */
  private readonly runDirs = new Map<string, Located>();

  constructor(rootOrUri: string, options: FileStoreOptions = {}) {
    this.root = localPathOf(rootOrUri);
    this.location = fileUriOf(this.root);
    this.disk = new StoreDisk(this.root);
    this.lock = new StoreLock(join(this.root, LOCK_FILE), options.lock);
  }

  /** Creates the store (root, `.trash`, `models`, the `Default` experiment) on first use. */
  ensureReady(): Promise<void> {
    this.ready ??= this.initialize().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async initialize(): Promise<void> {
    try {
      await mkdir(join(this.root, TRASH), { recursive: true });
      await mkdir(join(this.root, REGISTRY), { recursive: true });
    } catch (error) {
      throw invalid(
        this.root,
        `cannot use ${this.root} as a local tracking store: ${(error as Error).message}`,
        'pass --mlflow-uri file:<writable directory>, or run where ./mlruns can be created',
      );
    }
    await this.disk.removeLeftovers();
    if ((await readText(join(this.root, DEFAULT_EXPERIMENT_ID, META))) === undefined) {
      await this.lock.run(async () => {
        if ((await readText(join(this.root, DEFAULT_EXPERIMENT_ID, META))) !== undefined) return;
        await this.writeNewExperiment(DEFAULT_EXPERIMENT_ID, 'Default', undefined, {});
      });
    }
  }

  /** Notes where a run just created lives. */
  rememberRun(runId: string, located: Located): void {
    this.runDirs.set(runId, located);
  }

  /** Runs move when their experiment is deleted: forget where they were. */
  forgetRunLocations(): void {
    this.runDirs.clear();
  }

  private experimentDirCandidates(experimentId: string): string[] {
    return [join(this.root, experimentId), join(this.root, TRASH, experimentId)];
  }

  /** The directory of an experiment, active or deleted. */
  async experimentDir(experimentId: string): Promise<string> {
    await this.ensureReady();
    if (!/^[0-9A-Za-z][\w-]{0,63}$/.test(experimentId)) throw notFound(this.root, `experiment ${JSON.stringify(experimentId)}`);
    for (const dir of this.experimentDirCandidates(experimentId)) {
      if ((await readText(join(dir, META))) !== undefined) return dir;
    }
    throw notFound(this.root, `experiment ${experimentId}`, experimentId);
  }


  async writeNewExperiment(experimentId: string, name: string, artifactLocation: string | undefined, tags: Tags): Promise<void> {
    const now = Date.now();
    const meta: Meta = {
      artifact_location: artifactLocation ?? fileUriOf(join(this.root, experimentId)),
      creation_time: now,
      experiment_id: experimentId,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    const fill = async (dir: string) => {
      for (const [key, value] of Object.entries(tags)) await this.disk.write(keyPath(join(dir, 'tags'), key), value);
      await this.disk.write(join(dir, META), dumpMeta(meta));
    };
    if (experimentId === DEFAULT_EXPERIMENT_ID) {
      // The staging area lives inside experiment 0, so 0 itself is written in place, meta.yaml last.
      await mkdir(join(this.root, experimentId), { recursive: true });
      await fill(join(this.root, experimentId));
      return;
    }
    if (!(await this.disk.createDirectory(join(this.root, experimentId), fill))) {
      throw alreadyExists(this.root, `experiment ${experimentId}`);
    }
  }

  /** Finds a run in any experiment, active or deleted. */
  async locateRun(runId: string): Promise<Located> {
    await this.ensureReady();
    if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(runId)) throw notFound(this.root, `run ${JSON.stringify(runId)}`);
    const cached = this.runDirs.get(runId);
    if (cached !== undefined && (await readText(join(cached.dir, META))) !== undefined) return cached;
    for (const parent of [this.root, join(this.root, TRASH)]) {
      for (const experimentId of await listDirectories(parent)) {
        if (!/^\d+$/.test(experimentId)) continue;
        const dir = join(parent, experimentId, runId);
        if ((await readText(join(dir, META))) !== undefined) {
          const located = { experimentId, dir };
          this.runDirs.set(runId, located);
          return located;
        }
      }
    }
    throw notFound(this.root, `run ${runId}`, runId);
  }

  /** The directory of a LoggedModel, in whichever experiment holds it. */
  async modelDir(modelId: string): Promise<string> {
    await this.ensureReady();
    if (!/^m-[0-9a-f]{32}$/.test(modelId)) throw notFound(this.root, `logged model ${JSON.stringify(modelId)}`);
    for (const parent of [this.root, join(this.root, TRASH)]) {
      for (const experimentId of await listDirectories(parent)) {
        if (!/^\d+$/.test(experimentId)) continue;
        const dir = join(parent, experimentId, 'models', modelId);
        if ((await readText(join(dir, META))) !== undefined) return dir;
      }
    }
    throw notFound(this.root, `logged model ${modelId}`, modelId);
  }
}
