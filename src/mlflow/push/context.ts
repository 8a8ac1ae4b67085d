/**
 * What a push reports (progress, plan, summary) and what its steps share: the source and target
 * stores, the ledger state and the summary being filled in. The engine pushes runs and holds the
 * state; `models.ts` and `registry.ts` push LoggedModels and the Model Registry through this.
 */
import type { FileStore } from '../file-store/index.js';
import type { MlflowStore } from '../store/index.js';
import type { TargetLedger } from './ledger.js';

export interface PushProgress {
  /** Items (runs, LoggedModels, model versions) finished so far, of `total`. */
  done: number;
  total: number;
  metricPointsSent: number;
  metricPointsTotal: number;
  /** What is being pushed now, e.g. `run rf-100 (3f2a…)`. */
  current: string;
}

export interface PushOptions {
  source: FileStore;
  target: MlflowStore;
  /** The target as a printable URI without credentials; it keys the ledger. */
  targetUri: string;
  /** List what would be sent, from the ledger alone; nothing is sent and nothing recorded. */
  dryRun?: boolean;
  onProgress?: (progress: PushProgress) => void;
}

export type PlanKind = 'experiment' | 'run' | 'logged-model' | 'model-version' | 'incomplete-run';

export interface PlanItem {
  kind: PlanKind;
  /** The local id (experiment id, run id, model id, `name/version`). */
  id: string;
  name: string;
  /**
   * `create`: never sent; `resume`: partly sent before, or still running locally; `mark-failed`:
   * a server run left incomplete, whose complete copy is pushed from the local store.
   */
  action: 'create' | 'resume' | 'mark-failed';
  metricPoints?: number;
  artifacts?: number;
}

export interface PushSummary {
  target: string;
  dryRun: boolean;
  /** What was (or, with dryRun, would be) sent. */
  plan: PlanItem[];
  experimentsCreated: number;
  runsPushed: number;
  runsUpToDate: number;
  metricPoints: number;
  params: number;
  tags: number;
  artifacts: number;
  loggedModels: number;
  modelVersions: number;
  aliases: number;
  /** Runs still RUNNING locally: sent as they are, and brought up to date by the next push. */
  runsStillRunning: string[];
  /** Model versions whose source is neither a LoggedModel nor a run artifact (kept as is). */
  unmappedSources: string[];
  /** LoggedModels of no run, which an MLflow 2 server cannot hold. */
  modelsNotSent: string[];
}

export function emptySummary(targetUri: string, dryRun: boolean): PushSummary {
  return {
    target: targetUri,
    dryRun,
    plan: [],
    experimentsCreated: 0,
    runsPushed: 0,
    runsUpToDate: 0,
    metricPoints: 0,
    params: 0,
    tags: 0,
    artifacts: 0,
    loggedModels: 0,
    modelVersions: 0,
    aliases: 0,
    runsStillRunning: [],
    unmappedSources: [],
    modelsNotSent: [],
  };
}

/** One push in progress, as its steps see it. */
export interface PushContext {
  readonly source: FileStore;
  readonly target: MlflowStore;
  readonly summary: PushSummary;
  /** The ledger as this push knows it (updated through `record`). */
  readonly state: TargetLedger;
  /** Whether the target has LoggedModels (MLflow 3). */
  readonly loggedModels: boolean;
  /** Applies `change` to the state and saves it in the ledger. */
  record(change: (ledger: TargetLedger) => void): Promise<void>;
  report(current: string): void;
  itemDone(): void;
  /** The files under `path` of a local artifact location, sorted. */
  listFiles(artifactUri: string, path: string): Promise<string[]>;
}
