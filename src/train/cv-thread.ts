/**
 * Cross-validation on a thread of its own, beside the final fit. On small data the 15 forests of
 * the default 5x3 scheme are most of a run's work and depend only on the data, so a second core
 * takes them while the calling thread fits the final forest and the caller draws and writes the
 * card. The summary is the one `crossValidate` gives on the calling thread: same folds, same seeds.
 *
 * Used only where it pays: a second core, and the compiled worker entry beside this module (the
 * built package; tests running the TypeScript sources cross-validate on the calling thread).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RuntimeFailure } from '../errors.js';
import type { CrossValidationSummary } from './cv.js';
import type { FoldScheme } from './folds.js';
import type { ForestOptions } from './forest.js';
import type { ProgressListener, TrainingProgress } from './progress.js';

const ENTRY = new URL('./cv-worker.js', import.meta.url);

/** What the worker is given: the whole data set and the scheme, as `crossValidate` takes them. */
export interface CrossValidationJob {
  X: readonly (readonly number[])[];
  y: readonly string[];
  featureNames: readonly string[];
  scheme: FoldScheme;
  forestOptions: Partial<ForestOptions>;
}

/** Messages from the worker. */
export type CrossValidationReply =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'done'; summary: CrossValidationSummary }
  | { type: 'failed'; message: string };

export function crossValidationThreadAvailable(): boolean {
  return availableParallelism() > 1 && existsSync(fileURLToPath(ENTRY));
}

/** A cross-validation running on its own thread; `stop` ends it early (the result is then never settled). */
export interface CrossValidationThread {
  readonly summary: Promise<CrossValidationSummary>;
  stop(): Promise<void>;
}

export function crossValidateOnThread(job: CrossValidationJob, onProgress?: ProgressListener): CrossValidationThread {
  // Workers inherit the parent's node flags; `--input-type` (set by `node -e` callers) stops a file entry from loading.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
  const worker = new Worker(ENTRY, { workerData: job, execArgv });
  let stopped = false;
  const summary = new Promise<CrossValidationSummary>((resolve, reject) => {
    worker.on('message', (reply: CrossValidationReply) => {
      if (reply.type === 'progress') onProgress?.(reply.progress);
      else if (reply.type === 'done') resolve(reply.summary);
      else reject(new RuntimeFailure(`cross-validation failed: ${reply.message}`));
    });
    worker.on('error', (error) => reject(new RuntimeFailure(`the cross-validation thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      if (!stopped) reject(new RuntimeFailure(`the cross-validation thread stopped unexpectedly (exit code ${code})`));
    });
  });
  // The caller awaits the summary after its own fit; a failure before then must not count as unhandled.
  summary.catch(() => undefined);
  return {
    summary,
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}
