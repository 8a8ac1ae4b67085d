/**
 * The artifact repository: files under an artifact root (MLflow's `ArtifactRepository`).
 * Paths are addressed as (artifact root URI, path relative to it), normalized with forward
 * slashes (`uris.normalizeArtifactPath`); roots come from `RunInfo.artifactUri`,
 * `LoggedModel.artifactUri` or model-version download URIs. `RestArtifactRepository` goes
 * through the server's artifact proxy (`mlflow-artifacts:`), `LocalArtifactRepository` reads and
 * writes `file:` roots.
 */
import type { FileInfo } from '../types.js';

export interface ArtifactRepository {
  /** One directory level under `artifactUri`/`path`; returned paths are relative to `artifactUri`. */
  listArtifacts(artifactUri: string, path?: string): Promise<FileInfo[]>;
  uploadArtifact(artifactUri: string, path: string, localFile: string): Promise<void>;
  /** Writes the file to `localFile` completely or not at all. */
  downloadArtifact(artifactUri: string, path: string, localFile: string): Promise<void>;

}
