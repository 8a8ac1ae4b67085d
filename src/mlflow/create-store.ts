/**
 * The one place that turns a configuration into an `MlflowStore` (tracking, registry, artifacts).
 *
 * http(s) tracking URIs get a `RestStore`. No URI, a path or a `file:` URI get the local
 * `FileStore` (`./mlruns` by default, as MLflow); database URIs are refused with the way to use
 * them (through `mlflow server`), because MLflow's database schema is private to MLflow.
 */
import type { MlflowConfig } from './config.js';
import { redactUri } from './config.js';
import { MlflowUnsupportedStoreError } from './errors.js';
import { DEFAULT_LOCAL_STORE, FileStore, isLocalStoreUri } from './file-store/index.js';
import { RestStore } from './rest/index.js';
import type { RetryEvent } from './rest/http.js';
import type { MlflowStore } from './store/index.js';

export interface CreateStoreOptions {
  /** Told about each HTTP retry (e.g. printed with --verbose). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

const DATABASE_SCHEMES = /^(sqlite|postgresql|postgres|mysql|mssql)(\+[a-z0-9]+)?:/i;

export function createStore(config: MlflowConfig, options: CreateStoreOptions = {}): MlflowStore {
  const uri = config.trackingUri;
  if (uri === undefined) return new FileStore(DEFAULT_LOCAL_STORE);
  if (/^https?:\/\//i.test(uri)) {
    return new RestStore({
      baseUrl: uri,
      credentials: config.credentials,
      tls: config.tls,
      retry: config.retry,
      timeoutMs: config.timeoutMs,
      deadlineMs: config.deadlineMs,
      workspace: config.workspace,
      onRetry: options.onRetry,
    });
  }
  const shown = redactUri(uri);
  if (DATABASE_SCHEMES.test(uri)) {
    throw new MlflowUnsupportedStoreError(`tracking URI "${shown}" is a database; mlflow-mct talks to MLflow through its tracking server`, {
      hint: `run \`mlflow server --backend-store-uri ${shown}\` and set MLFLOW_TRACKING_URI to its http:// address`,
    });
  }
  if (/^databricks/i.test(uri)) {
    throw new MlflowUnsupportedStoreError(`tracking URI "${shown}" (Databricks) is not supported`, {
      hint: 'use an open-source MLflow tracking server (http:// or https://)',
    });
  }
  if (/^[a-z0-9.-]+:\d+(\/|$)/i.test(uri)) {
    throw new MlflowUnsupportedStoreError(`tracking URI "${shown}" has no scheme`, { hint: `did you mean http://${shown}?` });
  }
  if (isLocalStoreUri(uri)) return new FileStore(uri);
  throw new MlflowUnsupportedStoreError(`tracking URI "${shown}" names a kind of store mlflow-mct does not support`, {
    hint: 'use an http(s):// MLflow tracking server, or a file: directory for a local store',
  });
}
