// serve benchmark: `mlflow-mct serve` next to `mlflow models serve --env-manager local` on the same
// model directory, on this machine, in one run.
//   npm run bench:serve    (builds first; or `node bench/serve.mjs` after `npm run build`)
//   options: --seconds N (load per case and server, default 10), --clients N (default 8)
//
// Ours runs one worker per core (--workers); Python's its default, one worker whose onnxruntime
// session scores on every core. For each server: cold start (spawn to the first answered /ping), then `--clients` clients with
// keep-alive connections sending the same `dataframe_split` request back to back, 1 row and 1,000
// rows: throughput, p50/p99 latency, and the peak memory of the server's processes. Goal: ours
// >= 5x the throughput and <= 1/5 of the p99 latency for both sizes; reported, not enforced.
// Exits 1 only when a server cannot run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from './harness.mjs';
import { CLI, cpuSeconds, fail, loadAverage, penguinRows, printTable, pythonMlflow, trackPeakMemory, trainModel } from './scoring-common.mjs';

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, clients: { type: 'string', default: '8' } } });
const SECONDS = Number(flags.seconds);
const CLIENTS = Number(flags.clients);
const GOAL = 5;
/** One worker per core for ours; Python's server runs onnxruntime, which scores on every core from its one worker. */
const WORKERS = availableParallelism();

/** A `dataframe_split` request of `count` penguins. */
function body(count) {
  const { header, lines } = penguinRows();
  const data = Array.from({ length: count }, (_, i) => lines[i % lines.length].split(',').map((value, c) => (['island', 'sex'].includes(header[c]) ? value : Number(value))));
  return Buffer.from(JSON.stringify({ dataframe_split: { columns: header, data } }));
}

async function start(what, command, args, env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, [...args, String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const memory = trackPeakMemory(child.pid, 200);
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) fail(`${what} exited with ${child.exitCode}:\n${log}`);
    if (await fetch(`${base}/ping`).then((answer) => answer.ok, () => false)) break;
    if (performance.now() - started > 300_000) fail(`${what} did not answer /ping within 5 minutes:\n${log}`);
    await new Promise((wake) => setTimeout(wake, 20));
  }
  return { base, pid: child.pid, coldStartMs: performance.now() - started, memory, stop: () => process.kill(-child.pid, 'SIGTERM') };
}

function post(agent, base, payload) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/invocations`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `CLIENTS` clients sending `payload` back to back for `SECONDS` (after a short warm-up). */
async function load(base, pid, payload) {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const warmUntil = performance.now() + 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < warmUntil) await post(agent, base, payload);
  }));
  const latencies = [];
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      await post(agent, base, payload);
      latencies.push(performance.now() - sent);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpuMs = ((cpuSeconds(pid) - cpuBefore) * 1000) / latencies.length;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { throughput: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), requests: latencies.length, cpuMs };
}

const workDir = mkdtempSync(join(tmpdir(), 'mct-bench-serve-'));
try {
  console.error('[bench] training the model both servers load');
  const modelDir = trainModel(workDir);
  const python = await pythonMlflow();
  const bodies = { '1 row': body(1), '1,000 rows': body(1000) };
  const loadBefore = loadAverage();
  const results = {};
  for (const [side, command, args, env] of [
    ['ours', process.execPath, [CLI, 'serve', '-m', modelDir, '--workers', String(WORKERS), '--host', '127.0.0.1', '--port'], process.env],
    ['python', python.mlflow, ['models', 'serve', '-m', modelDir, '--env-manager', 'local', '-h', '127.0.0.1', '-p'], python.env],
  ]) {
    console.error(`[bench] starting ${side === 'ours' ? 'mlflow-mct serve' : `mlflow models serve (MLflow ${python.version})`}`);
    const server = await start(side, command, args, env);
    results[side] = { coldStartMs: server.coldStartMs };
    try {
      for (const [size, payload] of Object.entries(bodies)) {
        console.error(`[bench] ${side}: ${CLIENTS} clients, ${size}, ${SECONDS} s`);
        results[side][size] = await load(server.base, server.pid, payload);
      }
    } finally {
      server.memory.sample();
      results[side].peakMb = server.memory.stop();
      server.stop();
    }
  }
  const { ours, python: theirs } = results;
  const rows = [['cold start to first /ping (ms)', ours.coldStartMs.toFixed(0), theirs.coldStartMs.toFixed(0), `${(theirs.coldStartMs / ours.coldStartMs).toFixed(1)}x faster`]];
  const verdicts = [];
  for (const size of Object.keys(bodies)) {
    const a = ours[size];
    const b = theirs[size];
    const speedup = a.throughput / b.throughput;
    const latency = b.p99 / a.p99;
    rows.push(
      [`${size}: throughput (req/s)`, a.throughput.toFixed(0), b.throughput.toFixed(0), `${speedup.toFixed(1)}x`],
      [`${size}: p50 latency (ms)`, a.p50.toFixed(2), b.p50.toFixed(2), `${(b.p50 / a.p50).toFixed(1)}x lower`],
      [`${size}: p99 latency (ms)`, a.p99.toFixed(2), b.p99.toFixed(2), `${latency.toFixed(1)}x lower`],
      [`${size}: server CPU per request (ms)`, a.cpuMs.toFixed(2), b.cpuMs.toFixed(2), `${(b.cpuMs / a.cpuMs).toFixed(1)}x less`],
      [`${size}: requests measured`, a.requests, b.requests, ''],
    );
    verdicts.push(`${size}: throughput ${speedup >= GOAL ? 'meets' : 'misses'} >= ${GOAL}x, p99 ${latency >= GOAL ? 'meets' : 'misses'} <= 1/${GOAL}`);
  }
  rows.push(['peak memory, server processes (MB)', ours.peakMb.toFixed(0), theirs.peakMb.toFixed(0), `${(theirs.peakMb / ours.peakMb).toFixed(1)}x less`]);
  printTable(`serve: ${CLIENTS} concurrent clients, keep-alive, dataframe_split JSON, ${SECONDS} s per case; ${availableParallelism()} CPUs, ours with --workers ${WORKERS}, Python's with its default (1 worker, onnxruntime threads on every core)`, rows);
  console.log(`\nGoal: ${verdicts.join('; ')}.`);
  console.log(`Load average (1, 5, 15 min): ${loadBefore} before, ${loadAverage()} after. The clients run on the same machine.`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
