// Static inspection of model files against an attacker: detection next to picklescan, modelscan
// and fickling on the project's corpus, and time and peak memory per file class.
//   npm run build && node bench/pickle-inspect.mjs [--no-scanners]
//
// - Corpus: tests/fixtures/pickle (real scikit-learn models, hand-made malicious and broken files)
//   and tests/fixtures/pickle/adversarial (dotted names, acting ML functions, joblib
//   desynchronisation, PyTorch/zip/.npy/.npz, bombs; every malicious file proved to run code by
//   tests/pickle/canary.test.ts), plus two files made here: a 2 MB protocol-0 UNICODE argument of
//   backslashes and a zlib joblib that inflates to 1.5 GiB.
// - mlflow-mct: `inspect --strict` (non-zero exit = flagged); a `dangerous` verdict is counted apart.
// - Scanners: picklescan 1.0.5, modelscan 0.8.8, fickling 0.1.12, installed by this script into
//   .venv-pickle-scanners/ (git-ignored) on first use; needs python3 with venv and PyPI once.
//   picklescan: exit 1 or a dangerous global = detected; modelscan: exit 1 (issues found) =
//   detected; fickling --check-safety: non-zero exit = detected. A scan error is shown apart.
// - Time and peak memory: each file inspected in a process of its own (bench/pickle-inspect-one.mjs),
//   wall time of the inspection and the process's max RSS (Node itself is about 45 MiB).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDeflate } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const fixtures = join(root, 'tests', 'fixtures', 'pickle');
const adversarialDir = join(fixtures, 'adversarial');
const SCANNERS = ['picklescan==1.0.5', 'modelscan==0.8.8', 'fickling==0.1.12', 'typing_extensions==4.15.0'];
const withScanners = !process.argv.includes('--no-scanners');

function scannerVenv() {
  const venv = join(root, '.venv-pickle-scanners');
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.pins');
  const wanted = SCANNERS.join(' ');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return join(venv, 'bin');
  const step = (command, args) => {
    console.error(`[bench] ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed`);
  };
  if (!existsSync(python)) step(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  step(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...SCANNERS]);
  writeFileSync(stamp, wanted);
  return join(venv, 'bin');
}

// ---- the corpus ----------------------------------------------------------------------------

const entries = [];
const base = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')).fixtures;
for (const entry of base) {
  const kind = entry.kind === 'model' ? 'legit' : entry.kind === 'malicious' ? 'malicious' : 'other';
  const category = kind === 'legit' ? (entry.inspected === false ? 'legit (bz2/xz, not inspected)' : `legit ${entry.container}`) : kind === 'malicious' ? 'malicious (basic)' : 'broken / edge';
  entries.push({ path: join(fixtures, entry.file), file: entry.file, kind, category });
}
const adversarial = JSON.parse(readFileSync(join(adversarialDir, 'manifest.json'), 'utf8')).fixtures;
for (const entry of adversarial) {
  const category = entry.kind === 'legit' ? `legit ${entry.container}` : entry.kind === 'malicious' ? `malicious ${entry.category}` : `resource ${entry.category}`;
  entries.push({ path: join(adversarialDir, entry.file), file: entry.file, kind: entry.kind === 'resource' ? 'resource' : entry.kind, category });
}

const scratch = mkdtempSync(join(tmpdir(), 'mct-pickle-bench-'));
async function makeResourceFiles() {
  // 2 MB of backslashes in a protocol-0 UNICODE argument (quadratic in a naive decoder).
  const unicode = join(scratch, 'unicode-backslashes-2mb.pkl');
  writeFileSync(unicode, Buffer.concat([Buffer.from('V'), Buffer.alloc(2 * 1024 * 1024, '\\'), Buffer.from('\n.')]));
  // A zlib joblib that inflates to 1.5 GiB of zeros (about 1.5 MB on disk).
  const bomb = join(scratch, 'bomb-1.5gib-zlib.joblib');
  const chunk = Buffer.alloc(16 * 1024 * 1024);
  let left = 96;
  await pipeline(Readable.from((function* () { while (left-- > 0) yield chunk; })()), createDeflate({ level: 9 }), createWriteStream(bomb));
  return { unicode, bomb };
}

// ---- running ---------------------------------------------------------------------------------

function cli(path, extra = []) {
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'inspect', path, '--strict', '--json', ...extra], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let verdict = 'error';
  try {
    verdict = JSON.parse(result.stdout).verdict;
  } catch {
    // exit 2: the file was refused (not inspected further)
  }
  return { flagged: result.status !== 0, dangerous: verdict === 'dangerous', verdict: result.status === 2 ? 'refused' : verdict };
}

function scanner(bin, tool, original) {
  // A copy in a scratch folder: fickling writes safety_results.json next to the file and in its cwd.
  const dir = mkdtempSync(join(scratch, `${tool}-`));
  const path = join(dir, basename(original));
  copyFileSync(original, path);
  const args = tool === 'picklescan' ? ['--path', path] : tool === 'modelscan' ? ['-p', path] : ['--check-safety', path];
  const result = spawnSync(join(bin, tool), args, { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  rmSync(dir, { recursive: true, force: true });
  const out = `${result.stdout}${result.stderr}`;
  if (tool === 'picklescan') {
    const dangerous = Number(/Dangerous globals: (\d+)/.exec(out)?.[1] ?? 0);
    return { detected: result.status === 1 || dangerous > 0, error: result.status === 2 && dangerous === 0 };
  }
  if (tool === 'modelscan') return { detected: result.status === 1, error: result.status !== 0 && result.status !== 1 };
  return { detected: result.status !== 0, error: result.status === null };
}

function measure(path, maxSize) {
  const result = spawnSync(process.execPath, [join(root, 'bench', 'pickle-inspect-one.mjs'), path, ...(maxSize ? [String(maxSize)] : [])], { encoding: 'utf8', timeout: 600_000 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

const tools = withScanners ? ['picklescan', 'modelscan', 'fickling'] : [];
const bin = withScanners ? scannerVenv() : undefined;
const rows = new Map();
console.log(`corpus: ${entries.length} files (${entries.filter((e) => e.kind === 'malicious').length} malicious, ${entries.filter((e) => e.kind === 'legit').length} legitimate models)`);
for (const entry of entries) {
  const ours = cli(entry.path);
  const theirs = Object.fromEntries(tools.map((tool) => [tool, scanner(bin, tool, entry.path)]));
  const row = rows.get(entry.category) ?? { kind: entry.kind, files: 0, ours: 0, oursDangerous: 0, tools: Object.fromEntries(tools.map((tool) => [tool, { detected: 0, errors: 0 }])), missed: [] };
  row.files += 1;
  if (ours.flagged) row.ours += 1;
  else if (entry.kind === 'malicious') row.missed.push(entry.file);
  if (ours.dangerous) row.oursDangerous += 1;
  for (const tool of tools) {
    if (theirs[tool].detected) row.tools[tool].detected += 1;
    if (theirs[tool].error) row.tools[tool].errors += 1;
  }
  rows.set(entry.category, row);
}

const pad = (text, width) => String(text).padEnd(width);
console.log('\nDetection: files flagged per class (malicious: higher is better; legit: lower is better)');
console.log(`${pad('class', 34)}${pad('files', 7)}${pad('mlflow-mct --strict', 21)}${pad('(dangerous)', 13)}${tools.map((tool) => pad(tool, 20)).join('')}`);
const totals = { malicious: { files: 0, ours: 0, tools: {} }, legit: { files: 0, ours: 0, oursDangerous: 0, tools: {} } };
for (const [category, row] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const cells = tools.map((tool) => pad(`${row.tools[tool].detected}${row.tools[tool].errors ? ` (${row.tools[tool].errors} err)` : ''}`, 20)).join('');
  console.log(`${pad(category, 34)}${pad(row.files, 7)}${pad(row.ours, 21)}${pad(row.oursDangerous, 13)}${cells}`);
  const total = totals[row.kind];
  if (!total) continue;
  total.files += row.files;
  total.ours += row.ours;
  if (row.kind === 'legit') total.oursDangerous += row.oursDangerous;
  for (const tool of tools) total.tools[tool] = (total.tools[tool] ?? 0) + row.tools[tool].detected;
}
console.log(`${pad('ALL malicious', 34)}${pad(totals.malicious.files, 7)}${pad(totals.malicious.ours, 21)}${pad('', 13)}${tools.map((tool) => pad(totals.malicious.tools[tool], 20)).join('')}`);
console.log(`${pad('ALL legit (false positives)', 34)}${pad(totals.legit.files, 7)}${pad(totals.legit.ours, 21)}${pad(totals.legit.oursDangerous, 13)}${tools.map((tool) => pad(totals.legit.tools[tool], 20)).join('')}`);
const missed = [...rows.values()].flatMap((row) => row.missed);
console.log(missed.length === 0 ? 'no malicious file exits 0 under --strict' : `MISSED under --strict: ${missed.join(', ')}`);

// ---- time and memory ---------------------------------------------------------------------------

const { unicode, bomb } = await makeResourceFiles();
console.log('\nTime and peak memory (one process per file; max RSS includes Node itself, ~45 MiB)');
const classes = new Map();
for (const entry of entries) {
  const key = entry.kind === 'legit' ? entry.category : entry.kind === 'malicious' ? 'malicious (all)' : entry.category;
  const list = classes.get(key) ?? [];
  list.push(entry.path);
  classes.set(key, list);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`${pad('class', 42)}${pad('files', 7)}${pad('median ms', 12)}${pad('max ms', 10)}${pad('max RSS MiB', 13)}`);
for (const [key, paths] of [...classes.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const runs = paths.map((path) => measure(path));
  console.log(`${pad(key, 42)}${pad(paths.length, 7)}${pad(median(runs.map((run) => run.ms)).toFixed(1), 12)}${pad(Math.max(...runs.map((run) => run.ms)).toFixed(1), 10)}${pad(Math.max(...runs.map((run) => run.maxRssMiB)).toFixed(0), 13)}`);
}
for (const [label, path, maxSize] of [
  ['UNICODE of 2 MB backslashes', unicode, undefined],
  ['zlib bomb 1.5 GiB, default --max-size 1024', bomb, undefined],
  ['zlib bomb 1.5 GiB, --max-size 2', bomb, 2],
]) {
  const run = measure(path, maxSize);
  console.log(`${pad(label, 42)}${pad(1, 7)}${pad(run.ms.toFixed(1), 12)}${pad(run.ms.toFixed(1), 10)}${pad(run.maxRssMiB.toFixed(0), 13)}${run.outcome}`);
}
console.log(`(bomb file: ${readFileSync(bomb).length} bytes, sha256 ${createHash('sha256').update(readFileSync(bomb)).digest('hex').slice(0, 16)}…)`);
rmSync(scratch, { recursive: true, force: true });
