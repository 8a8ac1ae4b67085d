/**
 * A tracking server as an `MlflowStore`: its tracking store, model registry and artifact proxy,
 * over one HTTP client (one connection pool, one retry policy).
 */
import type { MlflowStore } from '../store/index.js';
import { RestArtifactRepository } from './artifacts.js';
import { MlflowHttpClient, type HttpClientOptions } from './http.js';
import { RestRegistryStore } from './registry.js';
import { RestTrackingStore } from './tracking.js';

export class RestStore implements MlflowStore {
  readonly http: MlflowHttpClient;
  readonly tracking: RestTrackingStore;
  readonly registry: RestRegistryStore;
  readonly artifacts: RestArtifactRepository;

  constructor(options: HttpClientOptions) {
    this.http = new MlflowHttpClient(options);
    this.tracking = new RestTrackingStore(this.http);
    this.registry = new RestRegistryStore(this.http);
    this.artifacts = new RestArtifactRepository(this.http);
  }

  get location(): string {
    return this.http.baseUrl;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

export { RestTrackingStore, RestRegistryStore, RestArtifactRepository };
