// Training benchmark: mlflow-mct's random forest next to scikit-learn's, in one run.
//   npm run bench:train        (builds first; or `node bench/train.mjs` after `npm run build`)
// It creates (or reuses) the Python environment .venv-bench/ at the repository root with the
// pinned versions of bench/requirements-train.txt, then runs bench/train_sklearn.py on the same
// files. Prints a side-by-side table; exits 1 when a target is missed or the comparator fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureVenv } from './bench-venv.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const train = await import('../dist/train/index.js');

const SCALE_ROWS = 5000;
const SCALE_SEED = 7;
const TARGETS = { testAccuracy: 0.97, cvMean: 0.98, scaleTrainMs: 5000 };

// --- mlflow-mct ---------------------------------------------------------------------------
const recipe = await train.trainAndEvaluate();

const basis = await train.loadPenguins();
const workDir = mkdtempSync(join(tmpdir(), 'mct-bench-'));
const syntheticPath = join(workDir, `penguins-like-${SCALE_ROWS}.csv`);
writeFileSync(syntheticPath, train.syntheticPenguinsCsv(basis, SCALE_ROWS, SCALE_SEED));
const big = await train.loadPenguins(syntheticPath);

// CPU time (all threads of this process) next to wall time shows how busy the machine was.
const loadBefore = loadavg()[0];
const timed = async (run) => {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const value = await run();
  const cpu = process.cpuUsage(cpuStart);
  return { value, ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
};
// Cold, as the CLI runs it: the worker threads start inside the measured time.
const scaled = await timed(() => train.trainForest(big.X, big.y, big.featureNames));
const oneThread = train.createTreeGrower(0);
const scaledOneThread = await timed(() => train.trainForest(big.X, big.y, big.featureNames, {}, { grower: oneThread }));
const bigSplit = train.trainTestSplit(big.y, { testSize: 0.2, seed: 42, stratify: false });
const pick = (positions) => ({ X: positions.map((p) => big.X[p]), y: positions.map((p) => big.y[p]) });
const bigTrain = pick(bigSplit.train);
const bigTest = pick(bigSplit.test);
const heldOutModel = await train.trainForest(bigTrain.X, bigTrain.y, big.featureNames);
const heldOut = train.classificationReport(bigTest.y, heldOutModel.predict(bigTest.X), big.classes).accuracy;

// --- scikit-learn ---------------------------------------------------------------------------
let sklearn;
let sklearnProblem;
try {
  const python = ensureVenv();
  const run = spawnSync(python, [join(root, 'bench', 'train_sklearn.py'), train.DEFAULT_DATA_PATH, syntheticPath], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`train_sklearn.py failed (exit ${run.status}): ${run.stderr.trim().split('\n').at(-1)}`);
  sklearn = JSON.parse(run.stdout);
} catch (error) {
  sklearnProblem = error instanceof Error ? error.message : String(error);
}
rmSync(workDir, { recursive: true, force: true });

// --- report ---------------------------------------------------------------------------------
const cv = recipe.crossValidation.metrics.accuracy;
const fmt = (value, digits = 4) => (value === undefined ? '—' : value.toFixed(digits));
const ms = (value) => (value === undefined ? '—' : `${Math.round(value).toLocaleString('en-US')} ms`);
const misses = [];
const check = (ok, what) => {
  if (!ok) misses.push(what);
  return ok ? 'ok' : 'MISSED';
};
const rows = [];
const row = (label, ours, theirs = '', target = '') => rows.push([label, ours, theirs, target]);
const section = (title) => rows.push([title]);

const s = sklearn?.seedRecipe;
const sc = sklearn?.scale;
section(`Seed recipe on data/penguins.csv: ${recipe.data.rowsUsed} rows, ${recipe.split.trainRows} train / ${recipe.split.testRows} test, 100 trees, seed 42`);
row('same 67 test rows', s ? String(JSON.stringify(s.testRows) === JSON.stringify(recipe.split.testRowIndices)) : '—');
row('test accuracy', fmt(recipe.test.accuracy), fmt(s?.testAccuracy), `>= ${TARGETS.testAccuracy} ${check(recipe.test.accuracy >= TARGETS.testAccuracy, 'test accuracy')}`);
row('  95% Wilson interval', `${fmt(recipe.test.accuracyInterval.lower)}-${fmt(recipe.test.accuracyInterval.upper)}`);
row('CV accuracy mean (5x3 stratified)', fmt(cv.mean), fmt(s?.cvMean), `>= ${TARGETS.cvMean} ${check(cv.mean >= TARGETS.cvMean, 'cross-validated accuracy')}`);
row('CV accuracy std (population)', fmt(cv.std), fmt(s?.cvStd));
row('out-of-bag accuracy', fmt(recipe.outOfBag?.accuracy), '0.985 (reference)');
row('train 100 trees', ms(recipe.timings.trainMs), ms(s?.trainMs));
row('cross-validation, 15 fits', ms(recipe.timings.crossValidationMs), ms(s?.cvMs));
row('load + train + evaluate + CV', ms(recipe.timings.totalMs), ms(s?.totalMs));
section(`100 trees on ${SCALE_ROWS.toLocaleString('en-US')} penguin-like rows (generated, seed ${SCALE_SEED}); ${scaled.value.hyperparameters.samplesPerTree} bootstrap rows per tree here, ${SCALE_ROWS} in scikit-learn`);
row(
  `train, ${Math.min(availableParallelism(), 8)} worker threads vs 1 core`,
  ms(scaled.ms),
  ms(sc?.trainMs),
  `<= ${TARGETS.scaleTrainMs} ms ${check(scaled.ms <= TARGETS.scaleTrainMs, `${SCALE_ROWS}-row training time`)}`,
);
row('  time ratio to scikit-learn (1 core)', sc ? `${(scaled.ms / sc.trainMs).toFixed(1)}x` : '—');
row(`train, all cores (scikit-learn n_jobs=-1)`, ms(scaled.ms), ms(sc?.trainMsAllCores));
row('  time ratio to scikit-learn (all cores)', sc ? `${(scaled.ms / sc.trainMsAllCores).toFixed(1)}x` : '—');
row('  CPU time of all threads', ms(scaled.cpuMs));
row('train on the calling thread only', ms(scaledOneThread.ms));
row('held-out accuracy (80/20 split)', fmt(heldOut), fmt(sc?.heldOutAccuracy));

const widths = [44, 16, 20];
console.log(
  `mlflow-mct training benchmark — Node ${process.version}, ${availableParallelism()} cores` +
    (sklearn ? `; scikit-learn ${sklearn.versions['scikit-learn']}, Python ${sklearn.versions.python}` : '') +
    `; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`,
);
console.log(`${'quantity'.padEnd(widths[0])}${'mlflow-mct'.padEnd(widths[1])}${'scikit-learn'.padEnd(widths[2])}target`);
for (const [label, ...cells] of rows) {
  if (cells.length === 0) console.log(`\n${label}`);
  else console.log(`  ${label.padEnd(widths[0] - 2)}${cells[0].padEnd(widths[1])}${cells[1].padEnd(widths[2])}${cells[2]}`);
}
if (sklearnProblem) console.log(`\nscikit-learn comparator unavailable: ${sklearnProblem}`);
if (misses.length > 0) console.log(`\nmissed targets: ${misses.join(', ')}`);
process.exitCode = misses.length > 0 || sklearnProblem ? 1 : 0;
