/**
 * Where trees are grown: on the calling thread, or on worker threads when the data is big enough
 * for them to pay for their start-up and the compiled worker entry exists (the built package; not
 * tests running the TypeScript sources). A tree depends only on its seed, so both give the same
 * forest. Workers read the binned data from shared memory, without a copy.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RuntimeFailure } from '../errors.js';
import { growTree, type GrownTree, type TreeSettings, type TreeTask } from './grow-tree.js';
import type { TrainingMatrix } from './matrix.js';

export interface TreeGrower {
  /** Threads growing trees; 0 means the calling thread. */
  readonly workers: number;
  /** Grows every task's tree and hands each to `onTree` as it is done (not necessarily in task order). */
  grow(data: TrainingMatrix, settings: TreeSettings, tasks: readonly TreeTask[], onTree: (tree: GrownTree, done: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** Messages to the worker; `job` numbers each `grow` call so late replies from a failed one are ignored. */
export type WorkerRequest = { type: 'data'; data: TrainingMatrix; settings: TreeSettings } | { type: 'grow'; job: number; task: TreeTask };
/** Messages from the worker. */
export type WorkerReply = { type: 'grown'; job: number; tree: GrownTree } | { type: 'failed'; job: number; message: string };

const WORKER_ENTRY = new URL('./forest-worker.js', import.meta.url);
const MAX_AUTO_WORKERS = 8;
/**
 * Below this many rows a forest grows faster on the calling thread: on penguins (266 rows) a tree
 * takes well under a millisecond, less than sending it back from a worker (bench/train.mjs).
 */
export const WORKER_MIN_ROWS = 20_000;

/**
 * A worker thread on a compiled entry of this folder. It gets none of the parent's node flags:
 * V8 and process-wide flags (`node --max-semi-space-size=64 ...`) make a worker refuse to start,
 * and `--input-type` (set by `node -e` callers) stops a file entry from loading; the entries need none.
 */
function startTrainingWorker(entry: URL, workerData?: unknown): Worker {
  return new Worker(entry, { execArgv: [], ...(workerData === undefined ? {} : { workerData }) });
}

/** Whether the compiled worker entry sits next to this module (true for the built package). */
export function workerEntryAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_ENTRY));
}

/**
 * A grower for `workers` threads. `'auto'` uses one per CPU core (up to 8) when the data has at
 * least `WORKER_MIN_ROWS` rows, else the calling thread; 0 or 1, or no compiled worker entry, grows
 * on the calling thread.
 */
export function createTreeGrower(workers: number | 'auto' = 'auto', rows = Infinity): TreeGrower {
  const count = workers === 'auto' ? (rows >= WORKER_MIN_ROWS ? Math.min(availableParallelism(), MAX_AUTO_WORKERS) : 0) : workers;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`workers must be a non-negative integer or 'auto', got ${workers}`);
  return count > 1 && workerEntryAvailable() ? new WorkerGrower(count) : new InThreadGrower();
}

class InThreadGrower implements TreeGrower {
  readonly workers = 0;

  async grow(data: TrainingMatrix, settings: TreeSettings, tasks: readonly TreeTask[], onTree: (tree: GrownTree, done: number) => void): Promise<void> {
    let done = 0;
    let lastYield = performance.now();
    for (const task of tasks) {
      onTree(growTree(data, task, settings), ++done);
      // Let timers and signals through now and then, without paying a macrotask per small tree.
      if (performance.now() - lastYield > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  }

  async close(): Promise<void> {}
}

class WorkerGrower implements TreeGrower {
  private readonly pool: Worker[];
  private busy = false;
  private job = 0;

  constructor(readonly workers: number) {
    this.pool = Array.from({ length: workers }, () => startTrainingWorker(WORKER_ENTRY));
    // Idle workers must not keep the process alive; a running job keeps its own reference.
    for (const worker of this.pool) worker.unref();
  }

  grow(data: TrainingMatrix, settings: TreeSettings, tasks: readonly TreeTask[], onTree: (tree: GrownTree, done: number) => void): Promise<void> {
    if (this.busy) return Promise.reject(new Error('this tree grower is already growing a forest'));
    this.busy = true;
    const job = ++this.job;
    let next = 0;
    let done = 0;
    const active = this.pool.slice(0, Math.max(1, Math.min(this.pool.length, tasks.length)));

    return new Promise<void>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        this.busy = false;
        if (error) reject(error);
        else resolve();
      };
      const dispatch = (worker: Worker): void => {
        const task = tasks[next++];
        if (task) worker.postMessage({ type: 'grow', job, task } satisfies WorkerRequest);
      };

      for (const worker of active) {
        const onMessage = (reply: WorkerReply): void => {
          if (reply.job !== job || settled) return;
          if (reply.type === 'failed') {
            finish(new RuntimeFailure(`growing a tree failed: ${reply.message}`));
            return;
          }
          dispatch(worker);
          try {
            onTree(reply.tree, ++done);
          } catch (error) {
            finish(error as Error);
            return;
          }
          if (done === tasks.length) finish();
        };
        const onError = (error: Error): void => finish(new RuntimeFailure(`a training worker failed: ${error.message}`, { cause: error }));
        const onExit = (code: number): void => finish(new RuntimeFailure(`a training worker stopped unexpectedly (exit code ${code})`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.ref();
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          worker.unref();
        });
        worker.postMessage({ type: 'data', data, settings } satisfies WorkerRequest);
      }
      if (tasks.length === 0) finish();
      else for (const worker of active) dispatch(worker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((worker) => worker.terminate()));
  }
}
