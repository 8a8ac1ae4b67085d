/**
 * How the FileStore changes files so that a reader (this store in another process, or MLflow
 * itself) never sees a half-written one, even when the writer is killed:
 * - a file is written to a temp file and renamed over its target;
 * - an append copies the file to a temp file, appends there, and renames it back;
 * - a new entity directory (run, experiment, LoggedModel, registered model, version) is built
 *   complete in a staging directory and renamed into place, so it appears with its meta.yaml.
 *
 * Temp files live at the store root and staging directories under `0/datasets/`, never beside
 * their targets: MLflow reads every file under `params/`, `tags/` or `metrics/` as an entry and
 * every directory at the root as an experiment. In those two places MLflow ignores them, and
 * rename stays atomic because they are on the store's file system.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceFile } from '../../io/atomic.js';

/** Temp files at the store root; the pid after it lets a later process remove them once it is gone. */
export const TEMP_PREFIX = '.mlflow-mct-tmp-';
const STAGING_PREFIX = 'mlflow-mct-staging-';
/** A leftover of a process that is gone is removed after this long; any leftover after an hour. */
const ABANDONED_AGE_MS = 60_000;
const LEFTOVER_AGE_MS = 3_600_000;

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function uniqueSuffix(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Whether a process of this host is running (another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export class StoreDisk {
  /** Where staged directories are built (`<root>/0/datasets`). */
  readonly stagingParent: string;

  constructor(readonly root: string) {
    this.stagingParent = join(root, '0', 'datasets');
  }

  private tempFile(): string {
    return join(this.root, `${TEMP_PREFIX}${uniqueSuffix()}`);
  }

  /** Fills a temp file at the store root with `fill` and renames it to `target`, creating the directory when missing. */
  private async replace(target: string, fill: (temp: string) => Promise<void>): Promise<void> {
    await replaceFile(target, fill, { temp: this.tempFile(), makeParent: true });
  }

  /** Replaces `target` with `contents` in one step. */
  async write(target: string, contents: string | Uint8Array): Promise<void> {
    await this.replace(target, (temp) => writeFile(temp, contents));
  }

  /** Appends `text` to `target` in one step (the caller holds the store lock). */
  async append(target: string, text: string): Promise<void> {
    await this.replace(target, async (temp) => {
      try {
        await copyFile(target, temp);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') throw error;
      }
      await appendFile(temp, text);
    });
  }

  /** Copies a file from outside the store to `target` in one step. */
  async copyIn(source: string, target: string): Promise<void> {
    await this.replace(target, (temp) => copyFile(source, temp));
  }

  /**
   * Builds a directory with `build` and moves it to `target`, which must not exist yet. Returns
   * false, leaving `target` untouched, when it appeared meanwhile.
   */
  async createDirectory(target: string, build: (dir: string) => Promise<void>): Promise<boolean> {
    await mkdir(this.stagingParent, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    const staging = join(this.stagingParent, `${STAGING_PREFIX}${uniqueSuffix()}`);
    await mkdir(staging);
    try {
      await build(staging);
      await rename(staging, target);
      return true;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') return false;
      throw error;
    }
  }

  /** Removes temp files and staging directories left by processes that were killed. */
  async removeLeftovers(): Promise<void> {
    const sweep = async (dir: string, prefix: string) => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        if (!name.startsWith(prefix)) continue;
        const pid = Number(name.slice(prefix.length).split('-')[0]);
        const path = join(dir, name);
        const ageMs = await stat(path).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        const gone = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
        if ((gone && ageMs > ABANDONED_AGE_MS) || ageMs > LEFTOVER_AGE_MS) await rm(path, { recursive: true, force: true });
      }
    };
    await sweep(this.root, TEMP_PREFIX);
    await sweep(this.stagingParent, STAGING_PREFIX);
  }
}
