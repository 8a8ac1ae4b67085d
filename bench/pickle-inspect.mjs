// Static inspection time of pickle and joblib model files. Run after `npm run build`:
//   node bench/pickle-inspect.mjs
// With a Python that has scikit-learn and joblib (see tests/fixtures/pickle/README.md), it also
// writes a large random forest to a temporary folder and inspects it:
//   PICKLE_BENCH_PYTHON=/tmp/pickle-venv/bin/python node bench/pickle-inspect.mjs
// Prints the first (cold) and the median of later inspections, and the heap after the largest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const { inspectBytes } = await import('../dist/pickle/inspect.js');
const fixtures = fileURLToPath(new URL('../tests/fixtures/pickle/', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function time(name, bytes, repeats) {
  let start = performance.now();
  let outcome;
  try {
    const report = inspectBytes(bytes, { fileName: name });
    outcome = `${report.verdict}, ${report.opcodes.total} opcodes`;
  } catch (error) {
    outcome = `${error.problem} error`;
  }
  const cold = performance.now() - start;
  const warm = [];
  for (let i = 0; i < repeats; i += 1) {
    start = performance.now();
    try {
      inspectBytes(bytes, { fileName: name });
    } catch {
      // the error path is timed too
    }
    warm.push(performance.now() - start);
  }
  const warmText = repeats > 0 ? `median ${median(warm).toFixed(2).padStart(7)} ms` : '';
  console.log(`${name.padEnd(34)} ${String(bytes.length).padStart(10)} B  first ${cold.toFixed(2).padStart(7)} ms  ${warmText}  ${outcome}`);
}

const files = readdirSync(fixtures).filter((name) => !/\.(py|json|md)$/.test(name)).sort();
let total = 0;
for (const name of files) {
  const bytes = readFileSync(join(fixtures, name));
  total += bytes.length;
  time(name, bytes, 50);
}
console.log(`${files.length} fixtures, ${total} bytes`);

const python = process.env.PICKLE_BENCH_PYTHON;
if (python) {
  const dir = mkdtempSync(join(tmpdir(), 'mct-pickle-bench-'));
  try {
    const script = `
import pickle, sys, joblib, numpy as np
from sklearn.ensemble import RandomForestClassifier
rng = np.random.default_rng(0)
X = rng.normal(size=(20000, 20)); y = rng.integers(0, 5, size=20000)
forest = RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=2).fit(X, y)
with open(sys.argv[1] + '/forest.pkl', 'wb') as f: pickle.dump(forest, f, protocol=5)
joblib.dump(forest, sys.argv[1] + '/forest.joblib')
joblib.dump(forest, sys.argv[1] + '/forest.joblib.gz', compress=('gzip', 3))
`;
    const made = spawnSync(python, ['-c', script, dir], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
    for (const name of ['forest.pkl', 'forest.joblib', 'forest.joblib.gz']) time(name, readFileSync(join(dir, name)), 5);
    global.gc?.();
    console.log(`heap used after the large models: ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB, rss ${(process.memoryUsage().rss / 1048576).toFixed(1)} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
