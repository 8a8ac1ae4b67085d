// Logs 100,000 metric points to one run on a real MLflow server with mlflow-mct's client and
// with MLflow's Python MlflowClient.log_batch (same server, same run shape, alternating
// order), and prints both throughputs, their ratio and how many HTTP requests each made.
// Each client talks to the server through its own pass-through loopback proxy, which counts
// the requests (and costs both the same). The server is the integration tests' pin, started
// as they start it. Goal: ours >= 1.0x Python's.
// Usage: node bench/mlflow-log-batch.mjs [points=100000] [reps=3]   (build first: npm run build)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MlflowClient } from '../dist/mlflow/client.js';
import { loadMlflowConfig } from '../dist/mlflow/config.js';
import { FaultProxy, MLFLOW_PINS, startMlflowServer } from './harness.mjs';

const run = promisify(execFile);
const POINTS = Number(process.argv[2] ?? 100_000);
const REPS = Number(process.argv[3] ?? 3);
const KEYS = 10;
const QUIET_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
const PYTHON_SCRIPT = fileURLToPath(new URL('./mlflow_log_batch.py', import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Counts the metric points the server holds for a run, through the server's own API. */
async function storedPoints(client, runId) {
  let total = 0;
  for (let key = 0; key < KEYS; key += 1) total += (await client.getMetricHistory(runId, `m${key}`)).length;
  return total;
}

async function oursOnce(url, rep) {
  const proxy = await FaultProxy.start(url);
  const config = { ...loadMlflowConfig({ mlflowUri: proxy.url }, { env: {}, credentialsFile: '/nonexistent' }) };
  const client = MlflowClient.fromConfig(config);
  try {
    const experimentId = await client.createExperiment(`bench-ts-${Date.now()}-${rep}`);
    const created = await client.createRun({ experimentId, runName: 'log-batch', startTime: 1_700_000_000_000 });
    const metrics = Array.from({ length: POINTS }, (_, i) => ({
      key: `m${i % KEYS}`,
      value: i / 7,
      timestamp: 1_700_000_000_000 + i,
      step: Math.floor(i / KEYS),
    }));
    const before = proxy.count('runs/log-batch');
    const started = performance.now();
    const result = await client.logBatch(created.info.runId, { metrics });
    const seconds = (performance.now() - started) / 1000;
    const requests = proxy.count('runs/log-batch') - before;
    await client.endRun(created.info.runId, 'FINISHED', 1_700_000_100_000);
    return { runId: created.info.runId, seconds, requests, chunks: result.requests };
  } finally {
    await client.close();
    await proxy.close();
  }
}

async function pythonOnce(url, python, rep) {
  const proxy = await FaultProxy.start(url);
  try {
    const { stdout } = await run(python, [PYTHON_SCRIPT, `bench-py-${Date.now()}-${rep}`, String(POINTS), String(KEYS)], {
      env: { ...process.env, ...QUIET_ENV, MLFLOW_TRACKING_URI: proxy.url, PYTHONWARNINGS: 'ignore' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    return { runId: result.run_id, seconds: result.seconds, requests: proxy.count('runs/log-batch') };
  } finally {
    await proxy.close();
  }
}

const server = await startMlflowServer(
  { mlflowVersion: MLFLOW_PINS['3'], backend: 'sqlite', workers: 1, externalUrl: undefined },
  { say: (line) => process.stderr.write(`${line}\n`), extraEnv: QUIET_ENV },
);
const stop = async () => {
  await server.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  const checker = MlflowClient.fromConfig(loadMlflowConfig({ mlflowUri: server.info.url }, { env: {}, credentialsFile: '/nonexistent' }));
  const ours = [];
  const python = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    // Alternate who goes first, so neither always meets a warmer server.
    const order = rep % 2 === 0 ? ['ts', 'py'] : ['py', 'ts'];
    for (const side of order) {
      if (side === 'ts') ours.push(await oursOnce(server.info.url, rep));
      else python.push(await pythonOnce(server.info.url, server.info.python, rep));
    }
  }
  for (const [label, results] of [['mlflow-mct', ours], ['python', python]]) {
    for (const result of results) {
      const stored = await storedPoints(checker, result.runId);
      if (stored !== POINTS) throw new Error(`${label} run ${result.runId} holds ${stored} points, not ${POINTS}`);
    }
  }
  await checker.close();
  const oursSeconds = median(ours.map((r) => r.seconds));
  const pythonSeconds = median(python.map((r) => r.seconds));
  const rate = (seconds) => Math.round(POINTS / seconds).toLocaleString('en-US');
  console.log(`MLflow ${server.info.version} server (SQLite, 1 worker), ${POINTS.toLocaleString('en-US')} metric points in one run, ${KEYS} keys, median of ${REPS}`);
  console.log(`  mlflow-mct  logBatch:        ${oursSeconds.toFixed(2)} s  ${rate(oursSeconds)} points/s  ${ours[0].requests} log-batch requests  (runs: ${ours.map((r) => r.seconds.toFixed(2)).join(', ')} s)`);
  console.log(`  Python      MlflowClient.log_batch: ${pythonSeconds.toFixed(2)} s  ${rate(pythonSeconds)} points/s  ${python[0].requests} log-batch requests  (runs: ${python.map((r) => r.seconds.toFixed(2)).join(', ')} s)`);
  console.log(`  ratio (ours / Python throughput): ${(pythonSeconds / oursSeconds).toFixed(2)}x  (goal >= 1.00x)`);
  console.log(`  every run holds all ${POINTS.toLocaleString('en-US')} points on the server`);
} finally {
  await stop();
}
