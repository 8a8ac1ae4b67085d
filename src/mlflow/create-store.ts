/**
 * The one place that turns a configuration into a `TrackingStore`.
 *
 * http(s) tracking URIs get a `RestStore`. A local store (no URI, a path or `file:`) is not
 * available yet and says so; database URIs are refused with the way to use them (through
 * `mlflow server`), because MLflow's database schema is private to MLflow.
 */
import type { MlflowConfig } from './config.js';
import { redactUri } from './config.js';
import { MlflowUnsupportedStoreError } from './errors.js';
import type { RetryEvent } from './http.js';
import { RestStore } from './rest-store.js';
import type { TrackingStore } from './store.js';

export interface CreateStoreOptions {
  /** Told about each HTTP retry (e.g. printed with --verbose). */
  onRetry?: ((event: RetryEvent) => void) | undefined;
}

const DATABASE_SCHEMES = /^(sqlite|postgresql|postgres|mysql|mssql)(\+[a-z0-9]+)?:/i;

export function createStore(config: MlflowConfig, options: CreateStoreOptions = {}): TrackingStore {
  const uri = config.trackingUri;
  if (uri === undefined) {
    throw new MlflowUnsupportedStoreError('no MLflow tracking URI is set, and a local ./mlruns store is not supported yet', {
      hint: 'set MLFLOW_TRACKING_URI or pass --mlflow-uri http://host:5000 (or use --dry-run)',
    });
  }
  if (/^https?:\/\//i.test(uri)) {
    return new RestStore({
      baseUrl: uri,
      credentials: config.credentials,
      tls: config.tls,
      retry: config.retry,
      timeoutMs: config.timeoutMs,
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
  throw new MlflowUnsupportedStoreError(`tracking URI "${shown}" is a local store, which is not supported yet`, {
    hint: 'start `mlflow server` and set MLFLOW_TRACKING_URI (or --mlflow-uri) to its http:// address',
  });
}
