/**
 * How a command opens where its runs go, so that no run is lost because a server is down:
 * - no tracking URI (`--mlflow-uri`, `MLFLOW_TRACKING_URI`): the local store `./mlruns`;
 * - a `file:` URI or a plain path: the local store there;
 * - an http(s) URI: that server, after one request proves it answers. When it does not answer
 *   within the retry budget (refused, unreachable, timed out, 502/503/504), the run goes to the
 *   local store instead and the command is told why, so it can warn and fail (exit 1) unless
 *   the user said `--offline-ok`; `mlflow-mct push` sends the run later. A server that stops
 *   answering while a run is being recorded is handled by `recordWithFallback`.
 * Credentials, TLS and auth failures are not outages: they are reported as they are.
 */
import { resolve } from 'node:path';
import { EXIT_OK, EXIT_RUNTIME } from '../errors.js';
import { redactUri, type MlflowConfig } from './config.js';
import { createStore, type CreateStoreOptions } from './create-store.js';
import { isOutage } from './errors.js';
import { DEFAULT_LOCAL_STORE, FileStore, isLocalStoreUri } from './file-store/index.js';
import { PushLedger } from './push/ledger.js';
import type { MlflowStore } from './store/index.js';
import type { TrackingStore } from './store/tracking.js';

export type TrackingTargetKind = 'server' | 'local' | 'local-fallback';

export interface TrackingTarget {
  store: MlflowStore;
  kind: TrackingTargetKind;
  /** Where the runs go, safe to print: the server URL or the local directory. */
  location: string;
  /** A command that shows the runs. */
  viewCommand: string;
  /** Set when a configured server did not answer and the local store is used instead. */
  fallback?: { server: string; reason: string };
}

export interface OpenTrackingOptions extends CreateStoreOptions {
  /** The local store used without a URI and as the fallback (default `./mlruns`). */
  localDir?: string;
}

;

/** The shell command that opens MLflow's UI on a local store. */
function localViewCommand(dir: string): string {
  const shown = /[\s'"$`\\]/.test(dir) ? `'${dir.replace(/'/g, `'\\''`)}'` : dir;
  return `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ${shown}`;
}

function localTarget(dir: string, kind: 'local' | 'local-fallback', fallback?: TrackingTarget['fallback']): TrackingTarget {
  const store = new FileStore(dir);
  return { store, kind, location: store.root, viewCommand: localViewCommand(store.root), ...(fallback ? { fallback } : {}) };
}

/**
 * Opens the tracking target the configuration names, falling back to the local store when a
 * configured server does not answer. The local store is created on first write.
 */
export async function openTrackingTarget(config: MlflowConfig, options: OpenTrackingOptions = {}): Promise<TrackingTarget> {
  const localDir = resolve(options.localDir ?? DEFAULT_LOCAL_STORE);
  const uri = config.trackingUri;
  if (uri === undefined) return localTarget(localDir, 'local');
  if (isLocalStoreUri(uri)) return localTarget(uri, 'local');
  const store = createStore(config, options);
  try {
    await store.tracking.getCapabilities();
  } catch (error) {
    if (!isOutage(error)) throw error;
    await store.close();
    const reason = error instanceof Error ? error.message : String(error);
    return localTarget(localDir, 'local-fallback', { server: redactUri(uri), reason });
  }
  return { store, kind: 'server', location: redactUri(uri), viewCommand: `open ${redactUri(uri)}` };
}

/** The store with each run it creates noted in `created`. */
function notingCreatedRuns(store: MlflowStore, created: string[]): MlflowStore {
  const tracking = new Proxy(store.tracking, {
    get(target, property, receiver) {
      if (property === 'createRun') {
        return async (...args: Parameters<TrackingStore['createRun']>) => {
          const run = await target.createRun(...args);
          created.push(run.info.runId);
          return run;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  // Everything else (registry, artifacts, close, a REST store's request counts) is the store's own.
  return Object.assign(Object.create(store) as MlflowStore, { tracking });
}

/**
 * Runs `record` (the part of a command that writes a run: create it, log, upload, register)
 * against the target; when the server stops answering part-way, runs it again against the local
 * store, so what the command computed is kept whole. The server's incomplete runs are noted in
 * the push ledger, and `push` marks them FAILED when it sends the local copy. `record` must be
 * safe to run twice: it logs results, it does not compute them.
 */
export async function recordWithFallback<T>(
  target: TrackingTarget,
  record: (store: MlflowStore, target: TrackingTarget) => Promise<T>,
  options: { localDir?: string } = {},
): Promise<{ result: T; target: TrackingTarget }> {
  if (target.kind !== 'server') return { result: await record(target.store, target), target };
  const created: string[] = [];
  try {
    return { result: await record(notingCreatedRuns(target.store, created), target), target };
  } catch (error) {
    if (!isOutage(error)) throw error;
    await target.store.close();
    const reason = error instanceof Error ? error.message : String(error);
    const local = localTarget(resolve(options.localDir ?? DEFAULT_LOCAL_STORE), 'local-fallback', { server: target.location, reason });
    const result = await record(local.store, local);
    if (created.length > 0) {
      await new PushLedger(local.store as FileStore, target.location).update((ledger) => {
        ledger.incompleteRuns = [...new Set([...(ledger.incompleteRuns ?? []), ...created])];
      });
    }
    return { result, target: local };
  }
}

/** The lines a command prints about where its run went (the fallback warning comes first). */
export function describeTarget(target: TrackingTarget, runId?: string): { warning: string | undefined; lines: string[] } {
  const run = runId === undefined ? 'the run' : `run ${runId}`;
  if (target.kind === 'server') return { warning: undefined, lines: [`Recorded ${run} in MLflow at ${target.location}`] };
  const lines = [`Recorded ${run} in the local store ${target.location}`, `View it: ${target.viewCommand}`];
  if (target.fallback === undefined) return { warning: undefined, lines };
  return {
    warning: `MLflow at ${target.fallback.server} did not answer (${target.fallback.reason}); ${run} was recorded locally instead`,
    lines: [...lines, `Send it when the server is back: mlflow-mct push --from ${target.location} --mlflow-uri ${target.fallback.server}`],
  };
}

/** Exit code of a command whose work succeeded: 1 when it fell back to the local store, unless offline is fine. */
export function exitCodeFor(target: TrackingTarget, options: { offlineOk?: boolean } = {}): number {
  return target.kind === 'local-fallback' && options.offlineOk !== true ? EXIT_RUNTIME : EXIT_OK;
}
