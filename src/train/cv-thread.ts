/**
 * Cross-validation shared between a worker thread and the calling thread. On small data the 15
 * forests of the default 5x3 scheme are most of a run's work and depend only on the data, so a
 * worker starts on them while the calling thread fits the final forest, and the calling thread
 * joins in when it is done: both take the next fit from one shared counter until none is left.
 * Each fit is scored where it was trained and the scores are summarized in fold order, so the
 * summary is the one `crossValidate` gives on one thread.
 *
 * Used only where it pays: a second core, and the compiled worker entry beside this module (the
 * built package; tests running the TypeScript sources cross-validate on the calling thread).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RuntimeFailure } from '../errors.js';
import { planCrossValidation, type CrossValidationSummary, type FitScores } from './cv.js';
import type { FoldScheme } from './folds.js';
import type { ForestOptions } from './forest.js';
import { startTrainingWorker } from './grower.js';
import type { ProgressListener, TrainingProgress } from './progress.js';

const ENTRY = new URL('./cv-worker.js', import.meta.url);

/** What both threads cross-validate: the whole data set and the scheme, as `crossValidate` takes them. */
export interface CrossValidationJob {
  X: readonly (readonly number[])[];
  y: readonly string[];
  featureNames: readonly string[];
  scheme: FoldScheme;
  forestOptions: Partial<ForestOptions>;
}

/** The worker's start data: the job and the counter of the next fit to take (an Int32Array over shared memory). */
export interface CrossValidationWorkerData {
  job: CrossValidationJob;
  nextFit: Int32Array;
}

/** Messages from the worker. */
export type CrossValidationReply =
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'scored'; fit: number; scores: FitScores }
  | { type: 'failed'; message: string };

export function crossValidationThreadAvailable(): boolean {
  return availableParallelism() > 1 && existsSync(fileURLToPath(ENTRY));
}

export interface SharedCrossValidation {
  /** Settles when every fit is scored, by either thread. */
  readonly summary: Promise<CrossValidationSummary>;
  /** Scores fits on the calling thread until none is left to take. */
  takePart(): Promise<void>;
  /** Ends the worker (at once if it is still running). */
  stop(): Promise<void>;
}

export function shareCrossValidation(job: CrossValidationJob, onProgress?: ProgressListener): SharedCrossValidation {
  const plan = planCrossValidation(job.X, job.y, job.featureNames, job.scheme, job.forestOptions);
  const nextFit = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const scores: (FitScores | undefined)[] = new Array(plan.fits).fill(undefined);
  let scored = 0;
  let settle!: { resolve: (summary: CrossValidationSummary) => void; reject: (error: Error) => void };
  const summary = new Promise<CrossValidationSummary>((resolve, reject) => (settle = { resolve, reject }));
  // The caller awaits the summary after its own work; a failure before then must not count as unhandled.
  summary.catch(() => undefined);
  const record = (fit: number, fitScores: FitScores) => {
    scores[fit] = fitScores;
    scored += 1;
    if (scored === plan.fits) settle.resolve(plan.summarize(scores as FitScores[]));
  };
  if (plan.fits === 0) settle.resolve(plan.summarize([]));

  const worker = startTrainingWorker(ENTRY, { job, nextFit } satisfies CrossValidationWorkerData);
  let stopped = false;
  worker.on('message', (reply: CrossValidationReply) => {
    if (reply.type === 'progress') onProgress?.(reply.progress);
    else if (reply.type === 'scored') record(reply.fit, reply.scores);
    else settle.reject(new RuntimeFailure(`cross-validation failed: ${reply.message}`));
  });
  worker.on('error', (error) => settle.reject(new RuntimeFailure(`the cross-validation thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => {
    if (!stopped && scored < plan.fits && code !== 0) settle.reject(new RuntimeFailure(`the cross-validation thread stopped unexpectedly (exit code ${code})`));
  });

  return {
    summary,
    async takePart() {
      for (let fit = Atomics.add(nextFit, 0, 1); fit < plan.fits; fit = Atomics.add(nextFit, 0, 1)) {
        record(fit, await plan.scoreFit(fit, onProgress ? { onProgress } : {}));
      }
    },
    async stop() {
      stopped = true;
      // No fit is taken after this; one the worker is in the middle of is abandoned with it.
      Atomics.store(nextFit, 0, plan.fits);
      await worker.terminate();
    },
  };
}
