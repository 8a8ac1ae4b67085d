import type { MlflowClient } from '../mlflow/client.js';
import { loadMlflowConfig, type MlflowConfig } from '../mlflow/config.js';
import type { TrackingTarget } from '../mlflow/fallback.js';
import type { RetryEvent } from '../mlflow/rest/http.js';
import type { RecordStep, Recording } from '../workflows/recording.js';
import { described, mlflowExperiment, mlflowUri, offlineOk, timeout, type FlagSpec } from './flags.js';
import type { Reporter } from './output.js';

/** Flags of every command that records into MLflow. */
export function recordingFlags(experimentFallback: string): FlagSpec[] {
  return [described(mlflowUri, 'where to record: a tracking server (http[s]://...) or a local store (file:<dir>)'), mlflowExperiment(experimentFallback), offlineOk, timeout];
}

export interface MlflowOptionValues {
  mlflowUri?: string;
  mlflowExperiment?: string;
  offlineOk?: boolean;
  /** `--timeout`, in seconds (already checked by the flag's parser). */
  timeout?: number;
}

/** The configuration the flags and the environment name; flags win. */
export function mlflowConfigOf(options: MlflowOptionValues): MlflowConfig {
  return loadMlflowConfig({ mlflowUri: options.mlflowUri, mlflowExperiment: options.mlflowExperiment, timeoutSeconds: options.timeout });
}

/** The one line a retry prints, so that nobody waits in silence: what failed, attempt n of m, the wait. */
export function retryLine(event: RetryEvent): string {
  const wait = event.delayMs >= 1000 ? `${Math.round(event.delayMs / 100) / 10}s` : `${event.delayMs}ms`;
  return `MLflow at ${event.request.baseUrl}: ${event.request.method} ${event.request.path} failed (${event.reason}); attempt ${event.attempt} of ${event.maxAttempts}, next try in ${wait}`;
}

export interface OpenedTracking extends Recording {
  /** The client of where runs go now (the local store after a fallback). */
  readonly client: MlflowClient;
  /** Where runs go now: after a server went away mid-run, the local store. */
  readonly target: TrackingTarget;
  config: MlflowConfig;
  /** What to say about where a run went (see `describeTarget`). */
  describe(runId?: string): { warning: string | undefined; lines: string[] };
  /** The exit code the outcome calls for (1 after a fallback, unless offline is fine). */
  exitCode(offlineOk: boolean): number;
}

/**
 * Opens where runs go (server, local store, or the local fallback when the server is down). The
 * client and its HTTP stack load here, on first use, so commands that record nothing (dry runs,
 * card rendering) start without them. Each retry prints one line (progress: not with --json or
 * --quiet); `record` keeps a run whole in the local store when the server goes away mid-run.
 */
export async function openTracking(options: MlflowOptionValues, reporter: Reporter): Promise<OpenedTracking> {
  const [{ MlflowClient }, { describeTarget, exitCodeFor, openTrackingTarget, recordWithFallback }] = await Promise.all([
    import('../mlflow/client.js'),
    import('../mlflow/fallback.js'),
  ]);
  const config = mlflowConfigOf(options);
  let target = await openTrackingTarget(config, { onRetry: (event) => reporter.progress(retryLine(event)) });
  let client = new MlflowClient(target.store);
  return {
    get client() {
      return client;
    },
    get target() {
      return target;
    },
    config,
    async record<T>(step: RecordStep<T>): Promise<T> {
      const outcome = await recordWithFallback(target, (store, used) => step(store === target.store ? client : new MlflowClient(store), used));
      if (outcome.target !== target) {
        target = outcome.target;
        client = new MlflowClient(target.store);
      }
      return outcome.result;
    },
    describe: (runId) => describeTarget(target, runId),
    exitCode: (offlineOk) => exitCodeFor(target, { offlineOk }),
  };
}

/**
 * Says where a run went; warns when it fell back to the local store, and then sets exit code 1
 * unless --offline-ok. Returns the lines for the command's human output.
 */
export function reportTracking(reporter: Reporter, tracking: OpenedTracking, options: MlflowOptionValues, runId?: string): string[] {
  const { warning, lines } = tracking.describe(runId);
  if (warning) reporter.warn(warning);
  const code = tracking.exitCode(options.offlineOk === true);
  if (code !== 0) process.exitCode = code;
  return lines;
}
