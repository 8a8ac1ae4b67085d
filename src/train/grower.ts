/**
 * Where trees are grown: on worker threads when the compiled worker is there (the built package,
 * the CLI), otherwise on the calling thread (e.g. tests running the TypeScript sources, where the
 * worker entry does not exist as JavaScript). A tree depends only on its seed, so both give the
 * same forest.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RuntimeFailure } from '../errors.js';
import { growTree, type GrownTree, type TreeData, type TreeParams, type TreeTask } from './tree.js';

export interface TreeGrower {
  /** Threads growing trees; 0 means the calling thread. */
  readonly workers: number;
  /** Grows every task's tree; `onTree` is called after each one. Results are in task order. */
  grow(data: TreeData, params: TreeParams, tasks: readonly TreeTask[], onTree?: (done: number) => void): Promise<GrownTree[]>;
  close(): Promise<void>;
}

/** Messages to the worker; `job` numbers each `grow` call so late replies from a failed one are ignored. */
export type WorkerRequest = { type: 'data'; data: TreeData; params: TreeParams } | { type: 'grow'; job: number; task: TreeTask };
/** Messages from the worker. */
export type WorkerReply = { type: 'grown'; job: number; tree: GrownTree } | { type: 'failed'; job: number; message: string };

const WORKER_ENTRY = new URL('./forest-worker.js', import.meta.url);
const MAX_AUTO_WORKERS = 8;

/** Whether the compiled worker entry sits next to this module (true for the built package). */
export function workerEntryAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_ENTRY));
}

/**
 * A grower for `workers` threads: `'auto'` uses one per CPU core (up to 8); 0 or 1, or no compiled
 * worker entry, grows on the calling thread.
 */
export function createTreeGrower(workers: number | 'auto' = 'auto'): TreeGrower {
  const count = workers === 'auto' ? Math.min(availableParallelism(), MAX_AUTO_WORKERS) : workers;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`workers must be a non-negative integer or 'auto', got ${workers}`);
  return count > 1 && workerEntryAvailable() ? new WorkerGrower(count) : new InThreadGrower();
}

class InThreadGrower implements TreeGrower {
  readonly workers = 0;

  async grow(data: TreeData, params: TreeParams, tasks: readonly TreeTask[], onTree?: (done: number) => void): Promise<GrownTree[]> {
    const grown: GrownTree[] = [];
    for (const task of tasks) {
      grown.push(growTree(data, task, params));
      onTree?.(grown.length);
      // Let timers and signals through between trees.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return grown;
  }

  async close(): Promise<void> {}
}

class WorkerGrower implements TreeGrower {
  private readonly pool: Worker[];
  private busy = false;
  private job = 0;

  constructor(readonly workers: number) {
    // Workers inherit the parent's node flags; `--input-type` (set by `node -e` callers) stops a file entry from loading.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    this.pool = Array.from({ length: workers }, () => new Worker(WORKER_ENTRY, { execArgv }));
    // Idle workers must not keep the process alive; a running job keeps its own reference.
    for (const worker of this.pool) worker.unref();
  }

  grow(data: TreeData, params: TreeParams, tasks: readonly TreeTask[], onTree?: (done: number) => void): Promise<GrownTree[]> {
    if (this.busy) return Promise.reject(new Error('this tree grower is already growing a forest'));
    this.busy = true;
    const job = ++this.job;
    const grown = new Array<GrownTree | undefined>(tasks.length);
    let next = 0;
    let done = 0;
    const active = this.pool.slice(0, Math.max(1, Math.min(this.pool.length, tasks.length)));

    return new Promise<GrownTree[]>((resolve, reject) => {
      const slotOf = new Map(tasks.map((task, slot) => [task.index, slot]));
      const cleanups: (() => void)[] = [];
      let settled = false;
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        this.busy = false;
        if (error) reject(error);
        else resolve(grown as GrownTree[]);
      };
      const dispatch = (worker: Worker): void => {
        const task = tasks[next++];
        if (task) worker.postMessage({ type: 'grow', job, task } satisfies WorkerRequest);
      };

      for (const worker of active) {
        const onMessage = (reply: WorkerReply): void => {
          if (reply.job !== job) return;
          if (reply.type === 'failed') {
            finish(new RuntimeFailure(`growing a tree failed: ${reply.message}`));
            return;
          }
          grown[slotOf.get(reply.tree.index)!] = reply.tree;
          done++;
          onTree?.(done);
          if (done === tasks.length) finish();
          else dispatch(worker);
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
        worker.postMessage({ type: 'data', data, params } satisfies WorkerRequest);
      }
      if (tasks.length === 0) finish();
      else for (const worker of active) dispatch(worker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((worker) => worker.terminate()));
  }
}
