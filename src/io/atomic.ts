import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.js';

export interface PendingFile {
  path: string;
  contents: string | Uint8Array;
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.tmp-${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EISDIR':
      return 'a directory is in the way';
    default:
      return (error as Error | undefined)?.message ?? String(error);
  }
}

/**
 * Makes sure `dir` exists and is a writable directory; the error names the directory and the fix.
 */
export async function ensureOutputDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const info = await stat(dir);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new OutputError(`cannot use output directory ${dir}: ${describeFsError(error)}`, {
      hint: 'pass --out-dir with a writable directory',
      exitCode: 2,
      cause: error,
    });
  }
}

/**
 * Writes every file or none: each goes to a temp file beside its target, and only when all temp
 * files are complete are they renamed into place. A failure removes the temp files, so a reader
 * never sees a half-written card and a failed command leaves nothing behind.
 */
export async function writeFilesAtomically(files: readonly PendingFile[]): Promise<void> {
  const staged: Array<{ temp: string; target: string }> = [];
  try {
    for (const file of files) {
      const temp = tempPathFor(file.path);
      staged.push({ temp, target: file.path });
      await writeFile(temp, file.contents, { flag: 'wx' });
    }
    for (const { temp, target } of staged) await rename(temp, target);
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    const failed = staged.at(-1)?.target ?? files[0]?.path ?? '(unknown)';
    throw new OutputError(`cannot write ${failed}: ${describeFsError(error)}`, {
      hint: 'check that the output directory is writable and has free space',
      cause: error,
    });
  }
}

export async function writeFileAtomically(path: string, contents: string | Uint8Array): Promise<void> {
  await writeFilesAtomically([{ path, contents }]);
}
