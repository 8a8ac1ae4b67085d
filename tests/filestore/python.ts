/**
 * Running small Python MLflow scripts against a local store, with the harness's pinned virtual
 * environment. `MLFLOW_ALLOW_FILE_STORE=true` is what MLflow >= 3.13 needs to open a FileStore.
 * Without Python the tests that need it skip, saying why; under `CI=true` they fail instead.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MLFLOW_PINS, ensureMlflowVenv, findPython, venvBin } from '../harness/python-env.js';

const run = promisify(execFile);

export type MlflowPython = { python: string; mlflow: string; version: string } | { missing: string };

export async function mlflowPython(version: string = MLFLOW_PINS['3']): Promise<MlflowPython> {
  const python = await findPython();
  if ('missing' in python) {
    if (process.env.CI === 'true') throw new Error(`Python MLflow is needed to check the local store under CI: ${python.missing}`);
    return python;
  }
  await ensureMlflowVenv(python, version, (line) => process.stderr.write(`[filestore] ${line}\n`));
  return { python: venvBin(version, 'python'), mlflow: venvBin(version, 'mlflow'), version };
}

const FILE_STORE_ENV = { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', PYTHONWARNINGS: 'ignore' };

/** Runs `script` with `args` and returns its stdout parsed as JSON. */
export async function runPythonJson<T>(python: string, script: string, args: string[]): Promise<T> {
  const { stdout } = await run(python, ['-c', script, ...args], { env: FILE_STORE_ENV, maxBuffer: 64 * 1024 * 1024 });
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as T;
}

export async function runCommand(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { env: FILE_STORE_ENV, maxBuffer: 64 * 1024 * 1024 });
}
