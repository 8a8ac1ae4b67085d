// Times `register-generative` as users run it (whole processes, cold, wall time from spawn to
// exit) against a real MLflow server from the test harness's pinned environment:
//   1. --dry-run of a Hub reference (no network);
//   2. a reference registration (--model --revision), with the HTTP requests it took;
//   3. a local folder: the tiny test model, and one 64 MiB safetensors shard (upload throughput);
//   4. 8 processes registering one new name at once (the registry assigns the versions).
// Usage: node bench/register-generative.mjs [--reps N]   (build first; the first run creates
// .venv-mlflow-<version>/ as `npm test` does).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MLFLOW_PINS, startMlflowServer } from './harness.mjs';

// The test helper that writes real safetensors files (loaded through the harness's TypeScript hooks).
const { safetensors } = await import('../tests/helpers/hf-model.ts');

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1] || 5);
const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';
const CONCURRENT = 8;
const work = mkdtempSync(join(tmpdir(), 'bench-register-'));

function run(args, cwd) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`register-generative exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      else resolve({ ms: performance.now() - started, summary: JSON.parse(stdout) });
    });
  });
}

function modelFolder(name, tensors) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_positions: 1024, vocab_size: 50257, torch_dtype: 'float32' }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'GPT2Tokenizer' }));
  writeFileSync(join(dir, 'vocab.json'), '{}');
  writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\n');
  writeFileSync(join(dir, 'model.safetensors'), safetensors(tensors, { format: 'pt' }));
  return dir;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${Math.round(median)} ms (min ${Math.round(sorted[0])}, max ${Math.round(sorted.at(-1))}, n=${sorted.length})`;
}

const server = await startMlflowServer(
  { mlflowVersion: MLFLOW_PINS['3'], backend: 'sqlite', workers: 1, externalUrl: undefined },
  { say: (line) => process.stderr.write(`[bench] ${line}\n`) },
);
try {
  const url = server.info.url;
  const lines = [`register-generative against MLflow ${server.info.version} (${url}, SQLite, 1 worker)`];

  const dry = [];
  for (let rep = 0; rep < REPS; rep += 1) dry.push((await run(['register-generative', '--dry-run', '--json', '--model', 'openai-community/gpt2', '--revision', SHA], work)).ms);
  lines.push(`  --dry-run (Hub reference, no network):       ${stats(dry)}`);

  const reference = [];
  let requests;
  for (let rep = 0; rep < REPS; rep += 1) {
    const result = await run(['register-generative', '--json', '--model', 'openai-community/gpt2', '--revision', SHA, '--mlflow-reg-name', 'bench-reference', '--mlflow-uri', url, '--mlflow-alias', 'champion'], work);
    reference.push(result.ms);
    requests = result.summary.mlflow.http_requests;
  }
  lines.push(`  Hub reference, registered with an alias:     ${stats(reference)}, ${requests} HTTP requests`);

  const tiny = modelFolder('tiny', { 'wte.weight': [50, 16], 'wpe.weight': [128, 16] });
  const folder = [];
  for (let rep = 0; rep < REPS; rep += 1) folder.push((await run(['register-generative', '--json', '--model-dir', tiny, '--mlflow-reg-name', 'bench-folder', '--mlflow-uri', url], work)).ms);
  lines.push(`  --model-dir, tiny folder:                    ${stats(folder)}`);

  const big = modelFolder('big', { 'wte.weight': [4096, 4096] });
  const large = [];
  for (let rep = 0; rep < Math.min(REPS, 3); rep += 1) large.push((await run(['register-generative', '--json', '--model-dir', big, '--mlflow-reg-name', 'bench-folder-64mib', '--mlflow-uri', url], work)).ms);
  lines.push(`  --model-dir, one 64 MiB shard (16,777,216 parameters): ${stats(large)}`);

  const started = performance.now();
  const concurrent = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, index) => {
      const cwd = join(work, `concurrent-${index}`);
      mkdirSync(cwd);
      return run(['register-generative', '--json', '--model', 'openai-community/gpt2', '--revision', SHA, '--mlflow-reg-name', 'bench-concurrent', '--mlflow-uri', url], cwd);
    }),
  );
  const total = performance.now() - started;
  const versions = concurrent.map((result) => Number(result.summary.mlflow.registered_model.version)).sort((a, b) => a - b);
  lines.push(`  ${CONCURRENT} concurrent processes, one new name:   ${Math.round(total)} ms in all (slowest process ${Math.round(Math.max(...concurrent.map((result) => result.ms)))} ms), versions ${versions.join(',')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
