// predict benchmark: `mlflow-mct predict` next to `mlflow models predict --env-manager local` on
// the same model directory and the same CSV file of penguins, in one run.
//   npm run bench:predict    (builds first; or `node bench/predict.mjs` after `npm run build`)
//   options: --rows N (default 1000000)
//
// The file is the complete penguins repeated to --rows rows, written to a temp directory. Both
// sides write JSON predictions to a file; reported: wall time of the whole process (Python's
// includes its start-up, ours too), peak memory of its processes, and whether the labels agree.
// Exits 1 only when a side cannot run.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, fail, loadAverage, penguinRows, printTable, pythonMlflow, trackPeakMemory, trainModel } from './scoring-common.mjs';

const { values: flags } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const ROWS = Number(flags.rows);

async function writeCsv(path) {
  const { header, lines } = penguinRows();
  const out = createWriteStream(path);
  out.write(`${header.join(',')}\n`);
  for (let start = 0; start < ROWS; start += 10_000) {
    const chunk = Array.from({ length: Math.min(10_000, ROWS - start) }, (_, i) => lines[(start + i) % lines.length]).join('\n');
    if (!out.write(`${chunk}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

async function timed(what, command, args, env) {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const memory = trackPeakMemory(child.pid);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const peakMb = memory.stop();
  if (code !== 0) fail(`${what} exited with ${code}:\n${log}`);
  return { seconds, peakMb };
}

const workDir = mkdtempSync(join(tmpdir(), 'mct-bench-predict-'));
try {
  console.error('[bench] training the model both sides load');
  const modelDir = trainModel(workDir);
  const python = await pythonMlflow();
  const input = join(workDir, 'penguins.csv');
  await writeCsv(input);
  const loadBefore = loadAverage();
  console.error(`[bench] mlflow-mct predict, ${ROWS} rows`);
  const ours = await timed('mlflow-mct predict', process.execPath, [CLI, 'predict', '-m', modelDir, '-i', input, '-o', join(workDir, 'ours.json')], process.env);
  console.error(`[bench] mlflow models predict (MLflow ${python.version}), ${ROWS} rows`);
  const theirs = await timed('mlflow models predict', python.mlflow, ['models', 'predict', '-m', modelDir, '-i', input, '-t', 'csv', '-o', join(workDir, 'python.json'), '--env-manager', 'local'], python.env);
  const labels = (file) => JSON.parse(readFileSync(join(workDir, file), 'utf8')).predictions.label;
  const [a, b] = [labels('ours.json'), labels('python.json')];
  const agree = a.length === ROWS && a.length === b.length && a.every((label, i) => label === b[i]);
  printTable(`predict: ${ROWS.toLocaleString('en')} rows of CSV (${(statSync(input).size / 1024 ** 2).toFixed(0)} MB) to JSON`, [
    ['wall time (s)', ours.seconds.toFixed(1), theirs.seconds.toFixed(1), `${(theirs.seconds / ours.seconds).toFixed(1)}x faster`],
    ['peak memory (MB)', ours.peakMb.toFixed(0), theirs.peakMb.toFixed(0), `${(theirs.peakMb / ours.peakMb).toFixed(1)}x less`],
    ['rows per second', (ROWS / ours.seconds).toFixed(0), (ROWS / theirs.seconds).toFixed(0), ''],
  ]);
  console.log(`\nLabels ${agree ? 'agree on every row' : 'DIFFER'}. Load average (1, 5, 15 min): ${loadBefore} before, ${loadAverage()} after.`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
