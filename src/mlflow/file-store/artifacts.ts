/**
 * `ArtifactRepository` over `file:` artifact roots on this machine, written through the store's
 * disk writer so that no reader sees a half-written file.
 */
import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../../io/atomic.js';
import { MlflowUriError } from '../errors.js';
import type { ArtifactRepository } from '../store/artifacts.js';
import type { FileInfo } from '../types.js';
import { normalizeArtifactPath } from '../uris.js';
import { errorCode } from './disk.js';
import { invalid, notFound } from './errors.js';
import { localPathOf } from './layout.js';
import type { LocalStoreRoot } from './root.js';

export class LocalArtifactRepository implements ArtifactRepository {
  constructor(private readonly core: LocalStoreRoot) {}

  /** The local directory of a `file:` artifact root. */
  private artifactDir(artifactUri: string): string {
    if (!artifactUri.startsWith('file:') && !artifactUri.startsWith('/')) {
      throw new MlflowUriError(`artifact root "${artifactUri}" is not on this machine`, {
        hint: 'a local store reads and writes file: artifact roots only; push the run to a server for remote storage',
      });
    }
    return localPathOf(artifactUri);
  }

  /** The local file or directory of `path` under a `file:` artifact root. */
  artifactPath(artifactUri: string, path: string): string {
    const relativePath = normalizeArtifactPath(path);
    return relativePath === '' ? this.artifactDir(artifactUri) : join(this.artifactDir(artifactUri), ...relativePath.split('/'));
  }

  async listArtifacts(artifactUri: string, path = ''): Promise<FileInfo[]> {
    const relativePath = normalizeArtifactPath(path);
    const dir = this.artifactPath(artifactUri, relativePath);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
    const files: FileInfo[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const childPath = relativePath === '' ? entry.name : `${relativePath}/${entry.name}`;
      if (entry.isDirectory()) files.push({ path: childPath, isDir: true, fileSize: undefined });
      else if (entry.isFile()) files.push({ path: childPath, isDir: false, fileSize: (await stat(join(dir, entry.name))).size });
    }
    return files;
  }

  async uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    await this.core.ensureReady();
    const target = this.artifactPath(artifactUri, path);
    if (target === this.artifactDir(artifactUri)) {
      throw invalid(this.core.root, 'an artifact needs a file name', 'pass the path of the file inside the artifact root');
    }
    await this.core.disk.copyIn(localFile, target);
  }

  async downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const source = this.artifactPath(artifactUri, path);
    try {
      await replaceFile(localFile, (temp) => copyFile(source, temp));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw notFound(this.core.root, `artifact ${path} under ${artifactUri}`);
      throw error;
    }
  }
}
