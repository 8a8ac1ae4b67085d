// What bench/serve.mjs and bench/predict.mjs share: a penguin model trained by our CLI into a
// local store (both sides load that one model directory), Python MLflow's model environment from
// the test harness (MLflow, onnx, onnxruntime), process-tree memory, and the result table.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW_PINS, ensureModelsVenv, findPython, modelsVenvBin } from './harness.mjs';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const CLI = join(root, 'dist', 'cli', 'main.js');
const MLFLOW_VERSION = MLFLOW_PINS['3'];
/** No telemetry, no proxy for loopback, no Python warnings on stderr. */
export const PYTHON_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', PYTHONWARNINGS: 'ignore' };

export function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

/** The `mlflow` executable of the models environment, created on first use (minutes). */
export async function pythonMlflow() {
  const python = await findPython();
  if ('missing' in python) fail(`the Python comparator cannot run: ${python.missing}`);
  await ensureModelsVenv(python, MLFLOW_VERSION, (line) => console.error(`[models-venv] ${line}`));
  return { mlflow: modelsVenvBin(MLFLOW_VERSION, 'mlflow'), env: { ...process.env, ...PYTHON_ENV, PATH: `${dirname(modelsVenvBin(MLFLOW_VERSION, 'python'))}:${process.env.PATH}` }, version: MLFLOW_VERSION };
}

/** Trains the penguin model into `dir`/mlruns with our CLI; returns the logged model's directory. */
export function trainModel(dir) {
  const trained = spawnSync(process.execPath, [CLI, 'train-penguins', '--no-evaluate', '--quiet', '--mlflow-uri', `file:${join(dir, 'mlruns')}`, '--out-dir', join(dir, 'card')], { cwd: dir, encoding: 'utf8' });
  if (trained.status !== 0) fail(`train-penguins failed: ${trained.stderr}`);
  for (const experiment of readdirSync(join(dir, 'mlruns'))) {
    const models = join(dir, 'mlruns', experiment, 'models');
    try {
      const [model] = readdirSync(models);
      if (model) return join(models, model, 'artifacts');
    } catch {
      // not an experiment with models
    }
  }
  return fail('train-penguins logged no model');
}

/** The complete penguins (no missing value) as CSV lines without the species, and the header. */
export function penguinRows() {
  const [header, ...lines] = readFileSync(join(root, 'data', 'penguins.csv'), 'utf8').trim().split('\n');
  return {
    header: header.split(',').slice(1),
    lines: lines.filter((line) => !line.includes('NA')).map((line) => line.split(',').slice(1).join(',')),
  };
}

function children(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

function statusKb(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Peak memory of a process and its descendants: each process's own peak (VmHWM), summed, sampled
 * until `stop()`; the last sample before a process exits stands for its peak.
 */
export function trackPeakMemory(pid, everyMs = 50) {
  const peaks = new Map();
  const sample = () => {
    const pending = [pid];
    while (pending.length > 0) {
      const current = pending.pop();
      const peak = statusKb(current, 'VmHWM');
      if (peak > 0) peaks.set(current, Math.max(peaks.get(current) ?? 0, peak));
      pending.push(...children(current));
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop() {
      clearInterval(timer);
      return [...peaks.values()].reduce((sum, kb) => sum + kb, 0) / 1024;
    },
  };
}

/** CPU seconds (user + system) the process and its live descendants have used; /proc counts in ticks of 1/100 s. */
export function cpuSeconds(pid) {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop();
    try {
      const fields = readFileSync(`/proc/${current}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone
    }
    pending.push(...children(current));
  }
  return total;
}

export const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(' ');

/** Prints rows of [what, ours, python, ratio text] as an aligned table. */
export function printTable(title, rows) {
  const all = [['', 'mlflow-mct', 'Python MLflow', 'ratio'], ...rows];
  const widths = all[0].map((_, c) => Math.max(...all.map((row) => String(row[c]).length)));
  console.log(`\n${title}`);
  for (const row of all) console.log(row.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  '));
}
