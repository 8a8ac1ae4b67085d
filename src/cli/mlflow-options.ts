import type { MlflowClient } from '../mlflow/client.js';
import { loadMlflowConfig, type MlflowConfig } from '../mlflow/config.js';
import type { TrackingTarget } from '../mlflow/fallback.js';
import { described, mlflowExperiment, mlflowUri, offlineOk, type FlagSpec } from './flags.js';
import type { Reporter } from './output.js';

/** Flags of every command that records into MLflow. */
export function recordingFlags(experimentFallback: string): FlagSpec[] {
  return [described(mlflowUri, 'where to record: a tracking server (http[s]://...) or a local store (file:<dir>)'), mlflowExperiment(experimentFallback), offlineOk];
}

export interface MlflowOptionValues {
  mlflowUri?: string;
  mlflowExperiment?: string;
  offlineOk?: boolean;
}

/** The configuration the flags and the environment name; flags win. */
export function mlflowConfigOf(options: MlflowOptionValues): MlflowConfig {
  return loadMlflowConfig({ mlflowUri: options.mlflowUri, mlflowExperiment: options.mlflowExperiment });
}

export interface OpenedTracking {
  client: MlflowClient;
  target: TrackingTarget;
  config: MlflowConfig;
  /** What to say about where a run went (see `describeTarget`). */
  describe(runId?: string): { warning: string | undefined; lines: string[] };
  /** The exit code the outcome calls for (1 after a fallback, unless offline is fine). */
  exitCode(offlineOk: boolean): number;
}

/**
 * Opens where runs go (server, local store, or the local fallback when the server is down). The
 * client and its HTTP stack load here, on first use, so commands that record nothing (dry runs,
 * card rendering) start without them.
 */
export async function openTracking(options: MlflowOptionValues): Promise<OpenedTracking> {
  const [{ MlflowClient }, { describeTarget, exitCodeFor, openTrackingTarget }] = await Promise.all([
    import('../mlflow/client.js'),
    import('../mlflow/fallback.js'),
  ]);
  const config = mlflowConfigOf(options);
  const target = await openTrackingTarget(config);
  return {
    client: new MlflowClient(target.store),
    target,
    config,
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
