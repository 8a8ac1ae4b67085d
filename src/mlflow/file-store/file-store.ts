/**
 * `TrackingStore` over a local directory in MLflow's FileStore layout (`./mlruns`), so runs are
 * recorded with no server and MLflow reads them as its own: `mlflow ui --backend-store-uri
 * ./mlruns` (with `MLFLOW_ALLOW_FILE_STORE=true` on MLflow >= 3.13) or `mlflow migrate-filestore`.
 *
 * Files are written as MLflow's `FileStore` writes them (see `layout.ts`), through `StoreDisk`
 * so that no reader sees a half-written file, and every read-modify-write runs under the
 * store's lock so that several commands can record into the same directory at once.
 * Experiment ids count up from 0 (`Default`); run ids are uuid4 hex; LoggedModel ids `m-<hex>`.
 */
import type { MlflowStore } from '../store/index.js';
import { LocalArtifactRepository } from './artifacts.js';
import { FileRegistryStore } from './registry.js';
import { LocalStoreRoot, type FileStoreOptions } from './root.js';
import { FileTrackingStore } from './tracking.js';

export type { FileStoreOptions };

export class FileStore extends LocalStoreRoot implements MlflowStore {
  readonly tracking: FileTrackingStore;
  readonly registry: FileRegistryStore;
  readonly artifacts: LocalArtifactRepository;

  constructor(rootOrUri: string, options: FileStoreOptions = {}) {
    super(rootOrUri, options);
    this.tracking = new FileTrackingStore(this);
    this.registry = new FileRegistryStore(this, this.tracking);
    this.artifacts = new LocalArtifactRepository(this);
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }
}
