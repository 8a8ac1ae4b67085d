/**
 * Several processes writing one local store at once, and a process killed while writing: the
 * store stays whole and readable, by this package and by Python MLflow.
 * The writers are separate Node processes running the built package (`npm test` builds first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileStoreLockedError } from '../../src/mlflow/file-store/errors.js';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { MlflowClient } from '../../src/mlflow/client.js';
import { mlflowPython, runPythonJson, type MlflowPython } from './python.js';

const WRITER = fileURLToPath(new URL('./writer-process.mjs', import.meta.url));

interface Writer {
  done: Promise<{ code: number | null; output: string }>;
  kill(): void;
  /** Resolves once the writer printed `line` (or ended). */
  reached(line: string): Promise<void>;
}

function startWriter(store: string, runName: string, batches: number, registeredModel = 'shared-model'): Writer {
  const child = spawn(process.execPath, [WRITER, store, 'shared', runName, String(batches), registeredModel], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: Array<{ line: string; wake: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters.filter((w) => output.includes(w.line))) waiter.wake();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
  return {
    done,
    kill: () => child.kill('SIGKILL'),
    reached: (line) =>
      new Promise<void>((wake) => {
        if (output.includes(line)) wake();
        else waiters.push({ line, wake });
        void done.then(() => wake());
      }),
  };
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const READ_ALL = [
  'import json, sys',
  'from mlflow import MlflowClient',
  'c = MlflowClient(tracking_uri="file://" + sys.argv[1], registry_uri="file://" + sys.argv[1])',
  'e = c.get_experiment_by_name("shared")',
  'runs = c.search_runs([e.experiment_id])',
  'out = {}',
  'for r in runs:',
  '    out[r.info.run_name] = {"status": r.info.status, "points": {k: [m.step for m in c.get_metric_history(r.info.run_id, k)] for k in r.data.metrics}}',
  'print(json.dumps(out))',
].join('\n');

let python: MlflowPython;
// Creating the pinned environment on a fresh machine takes minutes: once, before the tests.
beforeAll(async () => {
  python = await mlflowPython();
}, 600_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-concurrency-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('one local store, several writers', () => {
  it('records two commands that run at the same time, completely and without mixing them', async () => {
    const store = join(dir, 'mlruns');
    const writers = [startWriter(store, 'alpha', 60), startWriter(store, 'beta', 60)];
    const results = await Promise.all(writers.map((writer) => writer.done));
    for (const result of results) expect(result, result.output).toMatchObject({ code: 0 });

    const client = new MlflowClient(new FileStore(store));
    const experiment = await client.getExperimentByName('shared');
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs.map((run) => run.info.runName).sort()).toEqual(['alpha', 'beta']);
    for (const run of runs) {
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.params).toEqual({ writer: run.info.runName });
      expect(run.data.tags.progress).toBe('59');
      for (let i = 0; i < 10; i += 1) {
        const history = await client.getMetricHistory(run.info.runId, `m${i}`);
        expect(history.map((point) => point.step)).toEqual(Array.from({ length: 60 }, (_, step) => step));
      }
    }
    const versions = await client.searchModelVersions({ filter: "name = 'shared-model'" });
    expect(versions.map((version) => version.version).sort()).toEqual(['1', '2']);
    expect(versions.map((version) => version.description).sort()).toEqual(['alpha', 'beta']);

    if ('python' in python) {
      const seen = await runPythonJson<Record<string, { status: string; points: Record<string, number[]> }>>(python.python, READ_ALL, [store]);
      expect(Object.keys(seen).sort()).toEqual(['alpha', 'beta']);
      expect(seen.alpha!.points.m3).toHaveLength(60);
      expect(seen.beta!.points.m9).toHaveLength(60);
    }
  }, 120_000);

  it('stays readable when a writer is killed mid-run, and the next writer goes on', async () => {
    const store = join(dir, 'mlruns');
    const victim = startWriter(store, 'killed', 1_000_000);
    await victim.reached('batch 40');
    victim.kill();
    const { output } = await victim.done;
    const runId = /run (\w+)/.exec(output)?.[1];
    expect(runId).toBeDefined();

    const client = new MlflowClient(new FileStore(store));
    const run = await client.getRun(runId!);
    expect(run.info.status).toBe('RUNNING');
    const logged = Number(run.data.tags.progress);
    expect(logged).toBeGreaterThanOrEqual(40);
    for (let i = 0; i < 10; i += 1) {
      const steps = (await client.getMetricHistory(runId!, `m${i}`)).map((point) => point.step);
      // Each point is there once, in order; the batch cut short may lack its last keys.
      expect(steps).toEqual(Array.from({ length: steps.length }, (_, step) => step));
      expect(steps.length).toBeGreaterThanOrEqual(logged);
    }
    const names = await readdir(join(store, run.info.experimentId, runId!, 'params'));
    expect(names).toEqual(['writer']);

    const next = await startWriter(store, 'after', 5).done;
    expect(next, next.output).toMatchObject({ code: 0 });

    if ('python' in python) {
      const seen = await runPythonJson<Record<string, { status: string; points: Record<string, number[]> }>>(python.python, READ_ALL, [store]);
      expect(seen.killed!.status).toBe('RUNNING');
      expect(seen.killed!.points.m0!.length).toBeGreaterThanOrEqual(logged);
      expect(seen.after!.status).toBe('FINISHED');
    }
  }, 120_000);

  it('takes over a lock left by a process that died at once, and removes its temp files', async () => {
    // No wait allowed: a store that waited for the dead holder instead of taking over would fail.
    const store = new FileStore(join(dir, 'mlruns'), { lock: { waitMs: 0 } });
    await store.ensureReady();
    const dead = deadPid();
    await writeFile(join(store.root, '.mlflow-mct.lock'), JSON.stringify({ pid: dead, host: hostname(), token: 'gone', since: 0 }));
    const leftover = join(store.root, `.mlflow-mct-tmp-${dead}-abcdef`);
    await writeFile(leftover, 'half');
    await utimes(leftover, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));

    const id = await store.tracking.createExperiment({ name: 'after-crash' });
    expect((await store.tracking.getExperiment(id)).name).toBe('after-crash');

    await new FileStore(store.root).ensureReady();
    const rootFiles = await readdir(store.root);
    expect(rootFiles.filter((name) => name.startsWith('.mlflow-mct'))).toEqual([]);
  });

  it('waits for a live holder and then says who holds the lock', async () => {
    const store = new FileStore(join(dir, 'mlruns'), { lock: { waitMs: 300 } });
    await store.ensureReady();
    await writeFile(join(store.root, '.mlflow-mct.lock'), JSON.stringify({ pid: process.pid, host: hostname(), token: 'busy', since: Date.now() }));
    const error = await store.tracking.createExperiment({ name: 'blocked' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileStoreLockedError);
    expect((error as Error).message).toContain(`process ${process.pid}`);
    await expect(store.tracking.getExperimentByName('blocked')).resolves.toBeUndefined();
  });
});
