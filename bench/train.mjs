// Training benchmark: mlflow-mct's random forest next to scikit-learn's RandomForestClassifier,
// side by side in one run.
//   npm run bench:train        (builds first; or `node bench/train.mjs` after `npm run build`)
//   options: --skip-million (leave out the 1,000,000-row row, which takes minutes on each side)
// It creates (or reuses) .venv-bench/ with the pinned versions of bench/requirements-train.txt and
// runs bench/train_sklearn.py on the same files. Every scale measurement is a process of its own on
// each side (bench/train-scale.mjs, train_sklearn.py scale), so peak memory is that process's.
// Prints a table (ours, scikit-learn, ratio, target, load average); exits 1 when the comparator
// cannot run, never on a target.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureVenv } from './bench-venv.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const train = await import('../dist/train/index.js');
const { values: flags } = parseArgs({ options: { 'skip-million': { type: 'boolean', default: false } } });
const SCALES = [100_000, ...(flags['skip-million'] ? [] : [1_000_000])];
const SYNTHETIC_SEED = 7;
const REPS = 7;

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const rows = [];
const row = (label, ours, theirs = '', ratio = '', target = '') => rows.push([label, ours, theirs, ratio, target, loadavg()[0].toFixed(1)]);
const section = (title) => rows.push([title]);
const fmt = (value, digits = 4) => (value === undefined ? '—' : value.toFixed(digits));
const ms = (value) => (value === undefined ? '—' : `${value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`);
const mb = (value) => (value === undefined ? '—' : `${Math.round(value)} MB`);
const times = (ours, theirs) => (ours === undefined || theirs === undefined ? '—' : `${(ours / theirs).toFixed(2)}x`);
const verdict = (ok) => (ok === undefined ? '(no comparator)' : ok ? 'met' : 'NOT met');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

let python;
let comparatorProblem;
try {
  python = ensureVenv();
} catch (error) {
  comparatorProblem = error instanceof Error ? error.message : String(error);
}
const runJson = (command, args, what) => {
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${what} failed (exit ${run.status}): ${(run.stderr ?? '').trim().split('\n').at(-1)}`);
  return JSON.parse(run.stdout);
};
const sklearn = (args, what) => {
  if (!python) return undefined;
  try {
    return runJson(python, [join(root, 'bench', 'train_sklearn.py'), ...args], what);
  } catch (error) {
    comparatorProblem ??= error.message;
    return undefined;
  }
};

// --- the seed recipe, in process -------------------------------------------------------------------
log('seed recipe: mlflow-mct in process, then scikit-learn');
const recipe = await train.trainAndEvaluate();
const data = await train.loadPenguins();
const split = train.trainTestSplit(data.y, { testSize: 0.2, seed: 42, stratify: false });
const fit = { X: split.train.map((p) => data.X[p]), y: split.train.map((p) => data.y[p]) };
const fits = [];
const oneThread = train.createTreeGrower(0);
for (let rep = 0; rep < REPS; rep++) {
  const start = performance.now();
  await train.trainForest(fit.X, fit.y, data.featureNames, {}, { grower: oneThread });
  fits.push(performance.now() - start);
}
const seed = sklearn(['seed', train.DEFAULT_DATA_PATH], 'the scikit-learn seed recipe');

const cv = recipe.crossValidation.metrics.accuracy;
section(`Seed recipe on data/penguins.csv: ${recipe.split.trainRows} training / ${recipe.split.testRows} test rows, 100 trees, random_state 42`);
row('same 67 test rows', seed ? String(JSON.stringify(seed.testRows) === JSON.stringify(recipe.split.testRowIndices)) : '—');
const fitOurs = median(fits.slice(1));
const fitRatio = seed ? fitOurs / seed.fitMedianMs : undefined;
row('fit 100 trees, one thread (median of 6)', ms(fitOurs), ms(seed?.fitMedianMs), times(fitOurs, seed?.fitMedianMs), `<= 1/3 ${verdict(fitRatio === undefined ? undefined : fitRatio <= 1 / 3)}`);
row('  first fit in the process', ms(fits[0]), ms(seed?.fitFirstMs), times(fits[0], seed?.fitFirstMs));
row('test accuracy', fmt(recipe.test.accuracy), fmt(seed?.testAccuracy), '', `>= 0.985 ${verdict(recipe.test.accuracy >= 0.985)}`);
row('  95% Wilson interval', `${fmt(recipe.test.accuracyInterval.lower)}-${fmt(recipe.test.accuracyInterval.upper)}`);
const cvTarget = seed ? seed.cvMean - 0.005 : undefined;
row('5x3 CV accuracy, mean', fmt(cv.mean), fmt(seed?.cvMean), '', cvTarget === undefined ? '' : `>= ${fmt(cvTarget)} ${verdict(cv.mean >= cvTarget)}`);
row('5x3 CV accuracy, std (population)', fmt(cv.std), fmt(seed?.cvStd));
row('5x3 CV, 15 fits', ms(recipe.timings.crossValidationMs), ms(seed?.cvMs), times(recipe.timings.crossValidationMs, seed?.cvMs));
row('out-of-bag accuracy', fmt(recipe.outOfBag?.accuracy), '0.985 (oob_score=True)');

// --- scale: processes of their own -----------------------------------------------------------------
const workDir = mkdtempSync(join(tmpdir(), 'mct-bench-train-'));
try {
  for (const size of SCALES) {
    const path = join(workDir, `penguins-like-${size}.csv`);
    writeFileSync(path, train.syntheticPenguinsCsv(data, size, SYNTHETIC_SEED));
    const heldOut = size <= 100_000 ? ['--held-out'] : [];
    log(`${size.toLocaleString('en-US')} rows: mlflow-mct on one thread`);
    const ours = runJson(process.execPath, [join(root, 'bench', 'train-scale.mjs'), path, '0', ...heldOut], 'mlflow-mct on one thread');
    log(`${size.toLocaleString('en-US')} rows: mlflow-mct on ${Math.min(availableParallelism(), 8)} worker threads`);
    const oursThreads = runJson(process.execPath, [join(root, 'bench', 'train-scale.mjs'), path, String(Math.min(availableParallelism(), 8))], 'mlflow-mct on worker threads');
    log(`${size.toLocaleString('en-US')} rows: scikit-learn n_jobs=1, then n_jobs=-1`);
    const theirs = sklearn(['scale', path, '1', ...heldOut], `scikit-learn on ${size} rows`);
    const theirsAll = sklearn(['scale', path, '-1'], `scikit-learn n_jobs=-1 on ${size} rows`);

    section(`100 trees on ${size.toLocaleString('en-US')} penguin-like rows (generated, seed ${SYNTHETIC_SEED}), full bootstrap per tree`);
    const faster = theirs ? ours.fitMs < theirs.fitMs : undefined;
    const lighter = theirs ? ours.peakMb <= theirs.peakMb : undefined;
    const target = (text, ok) => (size === 100_000 ? `${text} ${verdict(ok)}` : 'reported');
    row('fit, one thread (scikit-learn n_jobs=1)', ms(ours.fitMs), ms(theirs?.fitMs), times(ours.fitMs, theirs?.fitMs), target('< 1x', faster));
    row('  CPU time', ms(ours.cpuMs));
    row('peak memory of the process', mb(ours.peakMb), mb(theirs?.peakMb), times(ours.peakMb, theirs?.peakMb), target('<= 1x', lighter));
    row(`fit, ${oursThreads.workers} worker threads (n_jobs=-1)`, ms(oursThreads.fitMs), ms(theirsAll?.fitMs), times(oursThreads.fitMs, theirsAll?.fitMs));
    row('  peak memory with worker threads', mb(oursThreads.peakMb), mb(theirsAll?.peakMb), times(oursThreads.peakMb, theirsAll?.peakMb));
    row('read the CSV', ms(ours.loadMs), ms(theirs?.loadMs), times(ours.loadMs, theirs?.loadMs));
    if (ours.heldOutAccuracy !== undefined) {
      const close = theirs ? Math.abs(ours.heldOutAccuracy - theirs.heldOutAccuracy) <= 0.005 : undefined;
      row('held-out accuracy (80/20 split)', fmt(ours.heldOutAccuracy), fmt(theirs?.heldOutAccuracy), '', `within 0.005 ${verdict(close)}`);
    }
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

// --- report ----------------------------------------------------------------------------------------
const widths = [44, 14, 14, 9, 18];
console.log(
  `mlflow-mct training benchmark — Node ${process.version}, ${availableParallelism()} cores` +
    (seed ? `; scikit-learn ${seed.versions['scikit-learn']}, numpy ${seed.versions.numpy}, Python ${seed.versions.python}` : ''),
);
console.log(['quantity', 'mlflow-mct', 'scikit-learn', 'ratio', 'target'].map((h, i) => h.padEnd(widths[i])).join('') + 'load avg');
for (const [label, ...cells] of rows) {
  if (cells.length === 0) console.log(`\n${label}`);
  else console.log(`  ${label.padEnd(widths[0] - 2)}${cells.slice(0, 4).map((cell, i) => cell.padEnd(widths[i + 1])).join('')}${cells[4]}`);
}
if (comparatorProblem) {
  console.log(`\nscikit-learn comparator unavailable: ${comparatorProblem}`);
  process.exitCode = 1;
}
