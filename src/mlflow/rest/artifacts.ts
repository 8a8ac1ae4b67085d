/**
 * `ArtifactRepository` through a tracking server's artifact proxy (`mlflow-artifacts:` roots,
 * `/api/2.0/mlflow-artifacts/artifacts/...`).
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { ArtifactRepository } from '../store/artifacts.js';
import type { FileInfo } from '../types.js';
import { joinArtifactPath, normalizeArtifactPath, proxiedFileUrl, resolveProxiedArtifactRoot } from '../uris.js';
import type { WireFileInfo } from '../wire.js';
import { RestStorePart } from './base.js';

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.yaml': 'application/x-yaml',
  '.yml': 'application/x-yaml',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
};

function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export class RestArtifactRepository extends RestStorePart implements ArtifactRepository {
  async listArtifacts(artifactUri: string, path = ''): Promise<FileInfo[]> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    const relative = normalizeArtifactPath(path);
    const body = await this.http.json<{ files?: WireFileInfo[] }>({
      method: 'GET',
      path: root.apiUrl,
      query: { path: joinArtifactPath(root.rootPath, relative) },
    });
    return (body.files ?? []).map((file) => ({
      // The proxy answers with base names; make them relative to the root that was asked for.
      path: joinArtifactPath(relative, file.path.split('/').pop() ?? file.path),
      isDir: file.is_dir === true,
      fileSize: file.file_size === undefined ? undefined : Number(file.file_size),
    }));
  }

  async uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    const relative = normalizeArtifactPath(path);
    const info = await stat(localFile);
    await this.http.upload(proxiedFileUrl(root, relative), localFile, info.size, contentTypeOf(localFile));
  }

  async downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void> {
    const root = resolveProxiedArtifactRoot(artifactUri, this.http.baseUrl);
    await this.http.download(proxiedFileUrl(root, normalizeArtifactPath(path)), localFile);
  }
}
