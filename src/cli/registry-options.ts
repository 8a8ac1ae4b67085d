import { statSync } from 'node:fs';
import { InputError, RuntimeFailure } from '../errors.js';
import { redactUri } from '../mlflow/config.js';
import { isLocalStoreUri, localPathOf } from '../mlflow/file-store/layout.js';
import { mlflowConfigOf, openTracking, type OpenedTracking } from './mlflow-options.js';
import type { Reporter } from './output.js';

/**
 * Commands that read or change what is already in MLflow (the registry, an existing run) take
 * `--mlflow-uri`. Unlike recording commands, they never fall back to the local store when a
 * server does not answer: the run or version is on the server, so that is an error.
 */
export interface MlflowUriValues {
  mlflowUri?: string;
  /** `--timeout`, seconds. */
  timeout?: number;
}

/** Where the command would go, for --dry-run output (no network). */
export function plannedLocation(options: MlflowUriValues): string {
  const uri = mlflowConfigOf(options).trackingUri;
  return uri === undefined ? 'the local store ./mlruns' : redactUri(uri);
}

/**
 * A local store named on purpose (--mlflow-uri or MLFLOW_TRACKING_URI) must exist: reading a
 * mistyped path as an empty store would report "no models" instead of the mistake.
 */
function checkNamedLocalStore(options: MlflowUriValues): void {
  const uri = mlflowConfigOf(options).trackingUri;
  if (uri === undefined || !isLocalStoreUri(uri)) return;
  const path = localPathOf(uri);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`there is no MLflow store at ${path}`, {
      hint: 'pass --mlflow-uri (or set MLFLOW_TRACKING_URI) with an http(s):// server URL or an existing mlruns directory',
    });
  }
}

export async function openExisting(options: MlflowUriValues, reporter: Reporter): Promise<OpenedTracking> {
  checkNamedLocalStore(options);
  const tracking = await openTracking(options, reporter);
  if (tracking.target.fallback) {
    await tracking.client.close();
    throw new RuntimeFailure(`MLflow at ${tracking.target.fallback.server} did not answer (${tracking.target.fallback.reason})`, {
      hint: 'check that the server is running and --mlflow-uri (or MLFLOW_TRACKING_URI) names it',
    });
  }
  return tracking;
}
