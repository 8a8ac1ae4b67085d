// Times `push` of one local run with many metric points to a real MLflow server, next to
// logging the same points straight to the server, and a second (no-op) push.
// Usage: node bench/push.mjs [points=100000]   (build first; needs .venv-mlflow-3.17.2, which
// `npm test` creates).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient } from '../dist/mlflow/client.js';
import { loadMlflowConfig } from '../dist/mlflow/config.js';
import { createStore } from '../dist/mlflow/create-store.js';
import { FileStore } from '../dist/mlflow/file-store/index.js';
import { pushLocalStore } from '../dist/mlflow/push/index.js';
import { freePort } from './harness.mjs';

const POINTS = Number(process.argv[2] ?? 100_000);
const KEYS = 10;
const MLFLOW = new URL('../.venv-mlflow-3.17.2/bin/mlflow', import.meta.url).pathname;

async function startServer(dir) {
  const port = await freePort();
  const child = spawn(MLFLOW, ['server', '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`, '--artifacts-destination', join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i += 1) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop: () => process.kill(-child.pid, 'SIGTERM') };
    } catch {
      // not up yet
    }
    await new Promise((wake) => setTimeout(wake, 500));
  }
  process.kill(-child.pid, 'SIGTERM');
  throw new Error('the MLflow server did not start');
}

function points(step0 = 0) {
  const metrics = [];
  for (let i = 0; i < POINTS; i += 1) {
    const step = step0 + Math.floor(i / KEYS);
    metrics.push({ key: `metric_${i % KEYS}`, value: Math.sin(i), timestamp: 1_700_000_000_000 + i, step });
  }
  return metrics;
}

async function timed(work) {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

if (!existsSync(MLFLOW)) {
  console.error(`no MLflow at ${MLFLOW}: run npm test once to create the pinned environment`);
  process.exit(1);
}
const dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-bench-push-'));
const server = await startServer(dir);
try {
  const local = new FileStore(join(dir, 'mlruns'));
  const localClient = new MlflowClient(local);
  const experimentId = await localClient.getOrCreateExperiment('bench');
  const run = await localClient.createRun({ experimentId, runName: 'bench' });
  const record = await timed(() => localClient.logBatch(run.info.runId, { metrics: points() }));
  await localClient.endRun(run.info.runId);

  const config = loadMlflowConfig({ mlflowUri: server.url }, { env: {} });
  // The first thousands of points a fresh server stores are several times slower: warm it up.
  const warmStore = createStore(config);
  const warm = new MlflowClient(warmStore);
  const warmRun = await warm.createRun({ experimentId: await warm.getOrCreateExperiment('bench-warm-up'), runName: 'warm-up' });
  await warm.logBatch(warmRun.info.runId, { metrics: points().slice(0, 30_000) });

  const directStore = createStore(config);
  const direct = new MlflowClient(directStore);
  const directRun = await direct.createRun({ experimentId: await direct.getOrCreateExperiment('bench-direct'), runName: 'direct' });
  const logDirect = await timed(() => direct.logBatch(directRun.info.runId, { metrics: points() }));

  const pushTarget = createStore(config);
  const push = await timed(() => pushLocalStore({ source: local, target: pushTarget, targetUri: server.url }));
  const pushRequests = pushTarget.http.stats.requests;
  const again = await timed(() => pushLocalStore({ source: local, target: pushTarget, targetUri: server.url }));

  const rows = [
    ['record locally (FileStore)', record.ms, '-'],
    ['push to the server', push.ms, pushRequests],
    ['second push (nothing to send)', again.ms, pushTarget.http.stats.requests - pushRequests],
    ['log straight to the server', logDirect.ms, directStore.http.stats.requests],
  ];
  console.log(`${POINTS} metric points in ${KEYS} keys, one run, MLflow 3.17.2 server (SQLite, 1 worker)`);
  for (const [what, ms, requests] of rows) console.log(`${what.padEnd(32)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${String(requests).padStart(6)} requests`);
  await Promise.all([pushTarget.close(), directStore.close(), warmStore.close()]);
} finally {
  server.stop();
  await rm(dir, { recursive: true, force: true });
}
