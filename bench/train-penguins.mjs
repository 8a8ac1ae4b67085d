// train-penguins benchmark: the CLI as users run it (cold processes) next to the seed's Python
// script, in one run.
//   npm run bench:penguins    (builds first; or `node bench/train-penguins.mjs` after `npm run build`)
//   options: --reps N (cold dry-run repetitions, default 5), --mlflow-reps N (default 3)
//
// 1. `train-penguins --dry-run` (and `--dry-run --no-evaluate`) against bench/seed_recipe.py with
//    the pinned .venv-bench/ Python: wall time of whole processes, median and min. Goal: ours
//    <= 1/3 of Python's; reported, not enforced.
// 2. A logged and registered run against a real MLflow server started from the pinned test
//    environment (tests/harness/), against bench/seed_recipe_mlflow.py: HTTP requests, counted
//    the same way for both by a loopback proxy between each client and the server, and wall time.
// Exits 1 when a comparator, the server or our CLI cannot run; never on the speed goal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureVenv } from './bench-venv.mjs';
import { FaultProxy, MLFLOW_PINS, startMlflowServer, venvBin } from './harness.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(root, 'dist', 'cli', 'main.js');
const node = process.execPath;
const DATA = join(root, 'data', 'penguins.csv');
/** Both sides write the card under this name into their working directory. */
const CARD = 'penguin_model_card.html';
const GOAL_RATIO = 1 / 3;
const PROCESS_TIMEOUT_MS = 10 * 60_000;
const MLFLOW_VERSION = MLFLOW_PINS['3'];
// No usage telemetry from MLflow (server or client), and loopback never goes through a proxy.
const QUIET_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };

const { values: flags } = parseArgs({ options: { reps: { type: 'string', default: '5' }, 'mlflow-reps': { type: 'string', default: '3' } } });
const REPS = positive(flags.reps, '--reps');
const MLFLOW_REPS = positive(flags['mlflow-reps'], '--mlflow-reps');

if (!existsSync(CLI)) fail(`${CLI} is missing: run \`npm run build\` first`);
const workDir = mkdtempSync(join(tmpdir(), 'mct-bench-penguins-'));
const cleanups = [() => rmSync(workDir, { recursive: true, force: true })];
const cleanUp = async () => {
  while (cleanups.length > 0) await cleanups.pop()();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}
const loadBefore = loadavg()[0];
const problems = [];
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// --- 1. cold --dry-run ------------------------------------------------------------------------
let benchPython;
try {
  benchPython = ensureVenv();
} catch (error) {
  problems.push(`the Python comparator environment .venv-bench/ cannot be set up: ${messageOf(error)}`);
}

/** The measured processes; each runs in its own directory, where the training ones write the card. */
const cold = {
  nodeStart: { label: 'node -e ""', command: node, args: ['-e', ''] },
  cliLoad: { label: 'mlflow-mct --version', command: node, args: [CLI, '--version'] },
  cliHelp: { label: 'mlflow-mct --help', command: node, args: [CLI, '--help'] },
  ours: { label: 'train-penguins --dry-run', command: node, args: [CLI, 'train-penguins', '--dry-run', '--force', '--json'], json: true },
  oursNoEvaluate: { label: 'train-penguins --dry-run --no-evaluate', command: node, args: [CLI, 'train-penguins', '--dry-run', '--no-evaluate', '--force', '--json'], json: true },
};
if (benchPython) {
  const recipe = join(root, 'bench', 'seed_recipe.py');
  Object.assign(cold, {
    pythonStart: { label: 'python -c pass', command: benchPython, args: ['-c', 'pass'] },
    seed: { label: 'seed recipe (seed_recipe.py)', command: benchPython, args: [recipe, DATA, '.'], json: true },
    seedCv: { label: 'seed recipe + 5x3 CV (--cross-validate)', command: benchPython, args: [recipe, DATA, '.', '--cross-validate'], json: true },
  });
}
const samples = Object.fromEntries(Object.keys(cold).map((name) => [name, []]));

// Warm the file cache for both sides (dist/, node_modules/, the venv) without measuring.
await runProcess(node, [CLI, '--version']);
if (benchPython) await runProcess(benchPython, ['-c', 'import pandas, sklearn.ensemble, sklearn.model_selection']);
log(`cold dry-run: ${REPS} rounds of ${Object.keys(cold).length} processes, interleaved`);
dryRuns: for (let round = 1; round <= REPS; round += 1) {
  for (const [name, spec] of Object.entries(cold)) {
    const cwd = join(workDir, 'dry-run', name);
    mkdirSync(cwd, { recursive: true });
    rmSync(join(cwd, CARD), { force: true });
    const run = await runProcess(spec.command, spec.args, { cwd });
    if (run.code !== 0) {
      problems.push(`${spec.label} failed (exit ${run.code}): ${lastLine(run.stderr)}`);
      break dryRuns;
    }
    if (spec.json && !existsSync(join(cwd, CARD))) {
      problems.push(`${spec.label} wrote no ${CARD}`);
      break dryRuns;
    }
    try {
      samples[name].push({ ms: run.ms, ...(spec.json ? { report: reportOf(run, spec.label) } : {}) });
    } catch (error) {
      problems.push(messageOf(error));
      break dryRuns;
    }
  }
  log(`  round ${round}: ours ${ms(samples.ours.at(-1)?.ms)}, --no-evaluate ${ms(samples.oursNoEvaluate.at(-1)?.ms)}, seed recipe ${ms(samples.seed?.at(-1)?.ms)}`);
}
const loadAfterDryRun = loadavg()[0];

// --- 2. logged and registered run on a real MLflow server -------------------------------------
const names = { ours: 'bench-penguins-mlflow-mct', python: 'bench-penguins-seed' };
const mlflow = { runs: { ours: [], oursNoEvaluate: [], python: [] } };
try {
  await measureMlflow(mlflow);
} catch (error) {
  problems.push(`the MLflow comparison stopped: ${messageOf(error)}`);
} finally {
  await cleanUp();
}
const loadAfter = loadavg()[0];
const mlflowRuns = mlflow.runs;

// --- report -----------------------------------------------------------------------------------
const wall = (name) => samples[name]?.map((sample) => sample.ms) ?? [];
// mlflow-mct reports its phases as --json "timings_ms" (snake_case); the seed script as "timings".
const PHASES_MS = { totalMs: 'total', loadMs: 'load', trainMs: 'train', evaluateMs: 'evaluate', crossValidationMs: 'cross_validation' };
const timing = (name, key) =>
  samples[name]?.map((sample) => sample.report?.timings_ms?.[PHASES_MS[key]] ?? sample.report?.timings?.[key]).filter((value) => typeof value === 'number') ?? [];
const median = (values) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const min = (values) => (values.length === 0 ? undefined : Math.min(...values));
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);
const seedVersions = samples.seed?.[0]?.report.versions;
const times = (value) => (value === undefined ? '—' : `${value.toFixed(2)}x`);

console.log(
  `mlflow-mct train-penguins benchmark — Node ${process.version}, ${availableParallelism()} cores` +
    (seedVersions ? `; Python ${seedVersions.python}, scikit-learn ${seedVersions['scikit-learn']}, pandas ${seedVersions.pandas} (.venv-bench/)` : '') +
    `; load average ${loadBefore.toFixed(1)} before, ${loadAfterDryRun.toFixed(1)} after the dry runs, ${loadAfter.toFixed(1)} at the end`,
);

console.log(`\n1. Cold processes, --dry-run (nothing sent to MLflow; the card is written): ${samples.ours.length} runs each, interleaved, wall time`);
/** `align`: one letter per column, l (text) or r (numbers); numbers by default after the first. */
const table = (header, rows, align = `l${'r'.repeat(header.length - 1)}`) => {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => String(row[i] ?? '').length)) + 2);
  const pad = (cell, i) => (align[i] === 'l' ? String(cell).padEnd(widths[i]) : `${String(cell).padStart(widths[i] - 2)}  `);
  const line = (cells) => `  ${cells.map(pad).join('')}`.trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
};
table(
  ['process', 'median', 'min'],
  Object.entries(cold).map(([name, spec]) => [spec.label, ms(median(wall(name))), ms(min(wall(name)))]),
);

const oursMedian = median(wall('ours'));
const noEvaluateMedian = median(wall('oursNoEvaluate'));
const seedMedian = median(wall('seed'));
const seedCvMedian = median(wall('seedCv'));
const goal = (value) => (value === undefined ? '' : value <= GOAL_RATIO ? 'met' : 'NOT met');
console.log(`\n  ratio of medians, ours / Python (goal <= ${GOAL_RATIO.toFixed(2)}, reported, not enforced)`);
table(
  ['comparison', 'ratio', 'goal', 'like-for-like?'],
  [
    ['--dry-run --no-evaluate / seed recipe', times(ratio(noEvaluateMedian, seedMedian)), goal(ratio(noEvaluateMedian, seedMedian)), 'yes: load, split, 100 trees, test accuracy, card'],
    ['--dry-run / seed recipe (the target)', times(ratio(oursMedian, seedMedian)), goal(ratio(oursMedian, seedMedian)), 'no: ours also cross-validates (15 more forests)'],
    ['--dry-run / seed recipe + 5x3 CV', times(ratio(oursMedian, seedCvMedian)), goal(ratio(oursMedian, seedCvMedian)), 'yes, for the default command'],
  ],
  'lrll',
);

const STARTUP_GOAL_MS = 150;
console.log(`\n  start-up (goal <= ${STARTUP_GOAL_MS} ms, each command initializing only the modules it uses)`);
table(
  ['process', 'median', 'goal'],
  ['cliLoad', 'cliHelp'].map((name) => {
    const value = median(wall(name));
    return [cold[name].label, ms(value), value === undefined ? '' : value <= STARTUP_GOAL_MS ? 'met' : 'NOT met'];
  }),
  'lrl',
);

// Where the time of a cold run goes: start-up floors measured directly, steps from --json timings.
const nodeStart = median(wall('nodeStart'));
const cliLoad = median(wall('cliLoad'));
const oursSteps = (name) => {
  const total = median(wall(name));
  const inside = median(timing(name, 'totalMs'));
  return [
    ['Node start-up (node -e "")', nodeStart],
    ['CLI load + exit (--version minus start-up)', cliLoad !== undefined && nodeStart !== undefined ? cliLoad - nodeStart : undefined],
    ['read and prepare the CSV', median(timing(name, 'loadMs'))],
    ['train 100 trees (worker start-up included)', median(timing(name, 'trainMs'))],
    ['test-set evaluation', median(timing(name, 'evaluateMs'))],
    ['cross-validation 5x3', median(timing(name, 'crossValidationMs'))],
    ['card, charts, plan, exit (the rest)', total !== undefined && cliLoad !== undefined && inside !== undefined ? total - cliLoad - inside : undefined],
  ];
};
const pythonSteps = (name) => {
  const total = median(wall(name));
  const inside = median(timing(name, 'totalMs'));
  const pythonStart = median(wall('pythonStart'));
  const recipe = median(timing(name, 'recipeMs'));
  const train = median(timing(name, 'trainMs'));
  const cv = median(timing(name, 'crossValidationMs'));
  return [
    ['Python start-up (python -c pass)', pythonStart],
    ['import pandas, scikit-learn', median(timing(name, 'importMs'))],
    ['read, prepare, split, test accuracy', recipe !== undefined && train !== undefined ? recipe - train - (cv ?? 0) : undefined],
    ['fit 100 trees', train],
    ...(cv !== undefined ? [['cross-validation 5x3', cv]] : []),
    ['write the HTML card', median(timing(name, 'cardMs'))],
    ['exit (the rest)', total !== undefined && pythonStart !== undefined && inside !== undefined ? total - pythonStart - inside : undefined],
  ];
};
const breakdown = (title, steps) => {
  console.log(`\n  where the time goes, medians: ${title}`);
  table(['step', 'ms'], steps.map(([label, value]) => [label, ms(value)]));
};
breakdown('train-penguins --dry-run', oursSteps('ours'));
breakdown('train-penguins --dry-run --no-evaluate', oursSteps('oursNoEvaluate'));
if (samples.seed?.length) breakdown('seed recipe (Python)', pythonSteps('seed'));
if (samples.seedCv?.length) breakdown('seed recipe + 5x3 CV (Python)', pythonSteps('seedCv'));

if (mlflow.server) {
  const { server, pythonVersions, registeredOnServer } = mlflow;
  console.log(
    `\n2. Logged and registered run on MLflow ${server.version} (sqlite, 1 worker, 127.0.0.1), ${mlflowRuns.ours.length} runs each, interleaved;` +
      ` requests counted by a loopback proxy in front of the server` +
      (pythonVersions ? `; Python side: mlflow ${pythonVersions.mlflow}, scikit-learn ${pythonVersions['scikit-learn']}, pandas ${pythonVersions.pandas} (.venv-mlflow-${MLFLOW_VERSION})` : ''),
  );
  const counts = (name) => mlflowRuns[name].map((run) => run.requests.length);
  const selfReported = (name) => mlflowRuns[name].map((run) => run.report.mlflow?.http_requests ?? '—');
  const mlflowWall = (name) => mlflowRuns[name].map((run) => run.ms);
  const mlflowLabels = {
    ours: 'train-penguins --mlflow-uri --mlflow-reg-name',
    oursNoEvaluate: '  the same with --no-evaluate',
    python: 'seed script + registered_model_name',
  };
  table(
    ['client', 'requests (proxy)', 'self-reported', 'wall median', 'min'],
    Object.entries(mlflowLabels).map(([name, label]) => [
      label,
      counts(name).join(', ') || '—',
      name === 'python' ? '—' : selfReported(name).join(', ') || '—',
      ms(median(mlflowWall(name))),
      ms(min(mlflowWall(name))),
    ]),
  );
  const pythonRequests = median(counts('python'));
  const pythonWall = median(mlflowWall('python'));
  console.log('\n  ratios of medians, ours / Python');
  table(
    ['comparison', 'requests', 'wall time', 'like-for-like?'],
    [
      ['--no-evaluate / seed script', times(ratio(median(counts('oursNoEvaluate')), pythonRequests)), times(ratio(median(mlflowWall('oursNoEvaluate')), pythonWall)), 'yes for the training work; ours logs more (card, charts, results)'],
      ['default (with CV) / seed script', times(ratio(median(counts('ours')), pythonRequests)), times(ratio(median(mlflowWall('ours')), pythonWall)), 'no: ours also cross-validates'],
    ],
    'lrrl',
  );
  const mismatches = mlflowRuns.ours.concat(mlflowRuns.oursNoEvaluate).filter((run) => run.report.mlflow?.http_requests !== run.requests.length);
  if (mismatches.length > 0) console.log(`  note: in ${mismatches.length} run(s) the CLI's own request count differs from the proxy's`);

  // The requests of the last run of each side, by endpoint (ids and artifact paths folded).
  const byEndpoint = (name) => {
    const tally = new Map();
    for (const request of mlflowRuns[name].at(-1)?.requests ?? []) tally.set(endpointOf(request), (tally.get(endpointOf(request)) ?? 0) + 1);
    return tally;
  };
  const oursTally = byEndpoint('oursNoEvaluate');
  const pythonTally = byEndpoint('python');
  const endpoints = [...new Set([...oursTally.keys(), ...pythonTally.keys()])].sort();
  console.log('\n  requests by endpoint, last run of each (train-penguins --no-evaluate | seed script)');
  table(
    ['endpoint', 'ours', 'Python'],
    [...endpoints.map((endpoint) => [endpoint, oursTally.get(endpoint) ?? 0, pythonTally.get(endpoint) ?? 0]), ['total', sum(oursTally), sum(pythonTally)]],
  );
  const pythonTimings = mlflowRuns.python.map((run) => run.report.timings);
  if (pythonTimings.length > 0) {
    console.log(
      `\n  Python seed script, medians: import mlflow + pandas + scikit-learn ${ms(median(pythonTimings.map((t) => t.importMs)))},` +
        ` fit ${ms(median(pythonTimings.map((t) => t.trainMs)))}, mlflow.sklearn.log_model with registration ${ms(median(pythonTimings.map((t) => t.logModelMs)))}`,
    );
  }
  const expected = { [names.ours]: mlflowRuns.ours.length + mlflowRuns.oursNoEvaluate.length, [names.python]: mlflowRuns.python.length };
  const registry = Object.entries(registeredOnServer ?? {}).map(([name, count]) => `${name}: ${count} version(s), expected ${expected[name]}`);
  console.log(`  read back from the server's registry: ${registry.join('; ')}`);
  for (const [name, count] of Object.entries(registeredOnServer ?? {})) {
    if (count !== expected[name]) problems.push(`the server holds ${count} version(s) of ${name}, not ${expected[name]}`);
  }
}

if (problems.length > 0) console.log(`\nthe benchmark could not run completely:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
process.exitCode = problems.length > 0 ? 1 : 0;

// --- helpers ----------------------------------------------------------------------------------

/**
 * Starts the server and one counting proxy per client, runs both sides MLFLOW_REPS times
 * (interleaved) and reads the registry back; fills `into` as it goes. The caller stops everything.
 */
async function measureMlflow(into) {
  const server = await startMlflowServer(
    { mlflowVersion: MLFLOW_VERSION, backend: 'sqlite', workers: 1, externalUrl: undefined },
    { say: log, extraEnv: QUIET_ENV },
  );
  cleanups.push(() => server.stop());
  into.server = server.info;
  const oursProxy = await FaultProxy.start(server.info.url);
  cleanups.push(() => oursProxy.close());
  const pythonProxy = await FaultProxy.start(server.info.url);
  cleanups.push(() => pythonProxy.close());
  const sides = {
    ours: { proxy: oursProxy, command: node, args: (url, out) => [CLI, 'train-penguins', '--mlflow-uri', url, '--mlflow-reg-name', names.ours, '--out-dir', out, '--json'] },
    oursNoEvaluate: { proxy: oursProxy, command: node, args: (url, out) => [CLI, 'train-penguins', '--mlflow-uri', url, '--mlflow-reg-name', names.ours, '--no-evaluate', '--out-dir', out, '--json'] },
    python: {
      proxy: pythonProxy,
      command: venvBin(MLFLOW_VERSION, 'python'),
      args: (url, out) => [join(root, 'bench', 'seed_recipe_mlflow.py'), DATA, out, url, names.python],
    },
  };
  log(`MLflow: ${MLFLOW_REPS} rounds of ${Object.keys(sides).length} logged and registered runs on ${server.info.url}`);
  for (let round = 1; round <= MLFLOW_REPS; round += 1) {
    for (const [name, side] of Object.entries(sides)) {
      const out = join(workDir, 'mlflow', `${name}-${round}`);
      mkdirSync(out, { recursive: true });
      const first = side.proxy.log.length;
      const run = await runProcess(side.command, side.args(side.proxy.url, out), { cwd: out, env: QUIET_ENV });
      const requests = side.proxy.log.slice(first);
      const what = name === 'python' ? 'bench/seed_recipe_mlflow.py' : 'train-penguins';
      if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${lastLine(run.stderr)}`);
      const report = reportOf(run, what);
      if (name !== 'python' && report.mlflow?.fallback) throw new Error(`train-penguins did not reach the server (recorded in ${report.mlflow.tracking} instead)`);
      if (name === 'python') into.pythonVersions = report.versions;
      into.runs[name].push({ ms: run.ms, requests, report });
    }
    const last = (name) => into.runs[name].at(-1);
    log(`  round ${round}: ours ${ms(last('ours').ms)} / ${last('ours').requests.length} requests, --no-evaluate ${ms(last('oursNoEvaluate').ms)}, Python ${ms(last('python').ms)} / ${last('python').requests.length} requests`);
  }
  // Straight from the server, not through a proxy: every run registered one version.
  into.registeredOnServer = {};
  for (const name of Object.values(names)) {
    const response = await fetch(`${server.info.url}/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`name='${name}'`)}`);
    into.registeredOnServer[name] = response.ok ? ((await response.json()).model_versions ?? []).length : `HTTP ${response.status}`;
  }
}

/** The JSON a measured process printed: all of stdout, or its last line (MLflow prints links before it). */
function reportOf(run, what) {
  const text = run.stdout.trim();
  for (const candidate of [text, text.split('\n').at(-1)]) {
    try {
      return JSON.parse(candidate);
    } catch {
      // Try the next form.
    }
  }
  throw new Error(`${what} printed no JSON report: ${lastLine(text)}`);
}

/** Runs a process to completion; wall time from spawn to exit. Killed after PROCESS_TIMEOUT_MS. */
function runProcess(command, args, { cwd = workDir, env = {} } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, ms: performance.now() - started, stdout: '', stderr: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      resolve({ code: code ?? signal, ms, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** `METHOD path` with run ids, model ids, query strings and artifact paths folded. */
function endpointOf({ method, path }) {
  const bare = path.split('?')[0].replace(/^\/api\/2\.0\//, '');
  const folded = bare.startsWith('mlflow-artifacts/artifacts/') ? 'mlflow-artifacts/artifacts/… (upload)' : bare.replace(/\/m-[0-9a-f]{32}/g, '/<model>');
  return `${method} ${folded}`;
}

function sum(tally) {
  return [...tally.values()].reduce((total, count) => total + count, 0);
}

function ms(value) {
  return value === undefined ? '—' : `${Math.round(value).toLocaleString('en-US')} ms`;
}

function lastLine(text) {
  return text.trim().split('\n').at(-1) ?? '';
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function positive(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`${flag} must be a whole number >= 1, not "${text}"`);
  return value;
}

function fail(message) {
  console.error(`bench/train-penguins.mjs: ${message}`);
  process.exit(1);
}
