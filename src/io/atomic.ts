import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from '../errors.js';

export interface PendingFile {
  path: string;
  contents: string | Uint8Array;
}

function tempPathFor(target: string, kind = 'tmp'): string {
  return join(dirname(target), `.${kind}-${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/**
 * Fills a temp file with `fill`, then renames it over `target`, so that a reader sees the old file
 * or the whole new one, never part of it, even when this process is killed. On any failure the
 * temp file is removed. `temp` must be on the target's file system (the default is beside it);
 * with `makeParent`, a parent directory the rename finds missing is created and the rename retried.
 */
export async function replaceFile<T>(
  target: string,
  fill: (temp: string) => Promise<T>,
  options: { temp?: string; makeParent?: boolean } = {},
): Promise<T> {
  const temp = options.temp ?? tempPathFor(target);
  try {
    const result = await fill(temp);
    try {
      await rename(temp, target);
    } catch (error) {
      if (!options.makeParent || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    }
    return result;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent path is not a directory';
    case 'ENOENT':
      return 'a parent directory does not exist and cannot be created';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'a directory is in the way';
    case 'EEXIST':
      return 'a file is in the way';
    default:
      return (error as Error | undefined)?.message ?? String(error);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir can loop for
 * ever on some paths (e.g. under /proc, where mkdir keeps answering ENOENT); this walk makes at
 * most one attempt per path component and fails on the first refusal.
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(dir);
  for (;;) {
    try {
      const info = await stat(current);
      if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) throw error;
      current = parent;
    }
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!(await stat(path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }
  }
}

/**
 * Makes sure `dir` exists and is a writable directory. One rule for every bad `--out-dir`, whether
 * it cannot be created or exists but cannot be written: exit 2, naming the directory and the fix.
 */
export async function ensureOutputDir(dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new OutputError(`cannot use output directory ${dir}: ${describeFsError(error)}`, {
      hint: 'pass --out-dir with a directory you can create or write to',
      exitCode: 2,
      cause: error,
    });
  }
}

async function exists(path: string): Promise<'file' | 'directory' | false> {
  try {
    const info = await lstat(path);
    return info.isDirectory() ? 'directory' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes every file or none. Each file is first written completely to a temporary file beside
 * its target; only then are they renamed into place, one after the other, each file it replaces
 * kept aside until all are in. A failure at any step puts back what was replaced, removes what
 * this run created, and names the file that failed.
 */
export async function writeFilesAtomically(files: readonly PendingFile[]): Promise<void> {
  const staged: Array<{ temp: string; target: string }> = [];
  const committed: Array<{ target: string; backup: string | undefined }> = [];
  let failing = files[0]?.path ?? '(unknown)';
  try {
    for (const file of files) {
      failing = file.path;
      if ((await exists(file.path)) === 'directory') throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const temp = tempPathFor(file.path);
      staged.push({ temp, target: file.path });
      await writeFile(temp, file.contents, { flag: 'wx' });
    }
    for (const { temp, target } of staged) {
      failing = target;
      let backup: string | undefined;
      if (await exists(target)) {
        backup = tempPathFor(target, 'old');
        await rename(target, backup);
      }
      committed.push({ target, backup });
      await rename(temp, target);
    }
  } catch (error) {
    for (const { target, backup } of committed.reverse()) {
      if (backup) await rename(backup, target).catch(() => undefined);
      else await rm(target, { force: true }).catch(() => undefined);
    }
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true }).catch(() => undefined)));
    throw new OutputError(`cannot write ${failing}: ${describeFsError(error)}`, {
      hint: 'check that the output directory is writable, has free space, and holds no directory or foreign file of that name',
      cause: error,
    });
  }
  await Promise.all(committed.map(({ backup }) => (backup ? rm(backup, { force: true }).catch(() => undefined) : undefined)));
}
