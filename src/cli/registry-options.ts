import { RuntimeFailure } from '../errors.js';
import { redactUri } from '../mlflow/config.js';
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

export async function openExisting(options: MlflowUriValues, reporter: Reporter): Promise<OpenedTracking> {
  const tracking = await openTracking(options, reporter);
  if (tracking.target.fallback) {
    await tracking.client.close();
    throw new RuntimeFailure(`MLflow at ${tracking.target.fallback.server} did not answer (${tracking.target.fallback.reason})`, {
      hint: 'check that the server is running and --mlflow-uri (or MLFLOW_TRACKING_URI) names it',
    });
  }
  return tracking;
}
