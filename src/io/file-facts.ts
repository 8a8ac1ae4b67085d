import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../errors.js';

export interface FileFacts {
  name: string;
  path: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Name, size and sha256 of a file, read as bytes only (a model file is never loaded). A missing,
 * unreadable or non-regular file is an InputError naming the flag that pointed to it.
 */
export async function fileFacts(path: string, flag: string): Promise<FileFacts> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return { name: basename(path), path, sizeBytes: info.size, sha256: hash.digest('hex') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'ENOTFILE' || code === 'EISDIR' ? 'not a regular file' : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${reason}`, { location: flag, hint: `pass ${flag} with the path of a readable file`, cause: error });
  }
}
