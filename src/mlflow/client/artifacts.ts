/** Artifacts through `MlflowClient`: files and directory trees up and down, several at a time. */
import { mkdir, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { MlflowStore } from '../store/index.js';
import type { FileInfo } from '../types.js';
import { joinArtifactPath, normalizeArtifactPath } from '../uris.js';
import { notFound, type ModelResolver } from './model-uris.js';
import { ClientPart, type MlflowClientOptions } from './part.js';

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops new work and is thrown. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Every regular file under `dir`, as paths relative to it with forward slashes, sorted. */
async function listLocalFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(relative(dir, full).split(sep).join('/'));
    }
  };
  await walk(dir);
  return files.sort();
}

export class ArtifactClient extends ClientPart {
  private readonly transferConcurrency: number;

  constructor(
    store: MlflowStore,
    private readonly resolver: ModelResolver,
    options: MlflowClientOptions = {},
  ) {
    super(store, options);
    this.transferConcurrency = options.transferConcurrency ?? 4;
  }

  /** Uploads one file to the run's artifacts as `<artifactPath>/<file name>`; returns that path. */
  async logArtifact(runId: string, localFile: string, artifactPath = ''): Promise<string> {
    const run = await this.store.tracking.getRun(runId);
    const target = joinArtifactPath(normalizeArtifactPath(artifactPath), basename(localFile));
    await this.store.artifacts.uploadArtifact(run.info.artifactUri, target, localFile);
    return target;
  }

  /** Uploads a directory tree to the run's artifacts under `artifactPath`; returns the uploaded paths. */
  async logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<string[]> {
    const run = await this.store.tracking.getRun(runId);
    return this.uploadDirectory(run.info.artifactUri, localDir, normalizeArtifactPath(artifactPath));
  }

  async uploadDirectory(artifactUri: string, localDir: string, prefix: string, skip: (path: string) => boolean = () => false): Promise<string[]> {
    const files = (await listLocalFiles(localDir)).filter((path) => !skip(path));
    const targets = files.map((file) => ({ file, target: joinArtifactPath(prefix, normalizeArtifactPath(file)) }));
    await forEachLimited(targets, this.transferConcurrency, ({ file, target }) =>
      this.store.artifacts.uploadArtifact(artifactUri, target, join(localDir, ...file.split('/'))),
    );
    return targets.map(({ target }) => target);
  }

  /** Lists artifacts under a URI (see `resolveArtifactLocation`), one level or the whole tree. */
  async listArtifacts(uri: string, options: { path?: string; recursive?: boolean } = {}): Promise<FileInfo[]> {
    const location = await this.resolver.resolveArtifactLocation(uri);
    const start = joinArtifactPath(location.path, normalizeArtifactPath(options.path ?? ''));
    const strip = (info: FileInfo): FileInfo => ({
      ...info,
      path: location.path === '' ? info.path : info.path.slice(location.path.length + 1),
    });
    if (!options.recursive) return (await this.store.artifacts.listArtifacts(location.artifactUri, start)).map(strip);
    const all: FileInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await this.store.artifacts.listArtifacts(location.artifactUri, dir)) {
        all.push(strip(entry));
        if (entry.isDir) await walk(entry.path);
      }
    };
    await walk(start);
    return all;
  }

  /**
   * Downloads the file or directory a URI points at into `destinationDir`, keeping its relative
   * layout; returns the local path of the downloaded file or directory.
   */
  async downloadArtifacts(uri: string, destinationDir: string): Promise<string> {
    const location = await this.resolver.resolveArtifactLocation(uri);
    const { artifactUri, path } = location;
    const isDirectory = path === '' || (await this.resolver.artifactEntry(artifactUri, path))?.isDir === true;
    if (!isDirectory) {
      const entry = await this.resolver.artifactEntry(artifactUri, path);
      if (!entry) throw notFound(`artifact ${path} under ${artifactUri}`, this.store.location);
      const local = join(destinationDir, basename(path));
      await mkdir(destinationDir, { recursive: true });
      await this.store.artifacts.downloadArtifact(artifactUri, path, local);
      return local;
    }
    const localRoot = path === '' ? destinationDir : join(destinationDir, basename(path));
    const files = (await this.listArtifacts(artifactUri, { path, recursive: true })).filter((file) => !file.isDir);
    const relativeOf = (file: FileInfo): string => (path === '' ? file.path : file.path.slice(path.length + 1));
    await mkdir(localRoot, { recursive: true });
    await forEachLimited(files, this.transferConcurrency, async (file) => {
      const local = join(localRoot, ...relativeOf(file).split('/'));
      await mkdir(dirname(local), { recursive: true });
      await this.store.artifacts.downloadArtifact(artifactUri, file.path, local);
    });
    return localRoot;
  }
}
