/**
 * Python MLflow as a model consumer: the environment with MLflow (the server's version), onnx and
 * onnxruntime in which the tests load, serve and evaluate the models Node logs.
 */
import { execFile } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { promisify } from 'node:util';
import { server } from './context.js';
import { QUIET_ENV } from './mlflow-server.js';
import { ensureModelsVenv, findPython, modelsVenvBin, REPO_ROOT } from './python-env.js';

const run = promisify(execFile);

/** Creates the environment on first use (minutes; reused afterwards); returns its `python`. */
export async function modelsPython(): Promise<string> {
  const python = await findPython();
  if ('missing' in python) throw new Error(python.missing);
  const version = server().version;
  await ensureModelsVenv(python, version, (line) => process.stderr.write(`[models-venv] ${line}\n`));
  return modelsVenvBin(version, 'python');
}

/** The environment's variables for talking to the test server; its bin first on PATH (`mlflow models serve` runs `uvicorn`). */
export function modelsEnv(): NodeJS.ProcessEnv {
  const bin = dirname(modelsVenvBin(server().version, 'python'));
  return {
    ...process.env,
    ...QUIET_ENV,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    MLFLOW_TRACKING_URI: server().url,
    PYTHONWARNINGS: 'ignore',
    MLFLOW_ALLOW_FILE_STORE: 'true',
  };
}

/** Runs `script` (`python -c`) from the repository root; its last stdout line is JSON. */
export async function runModelsPython<T>(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const { stdout } = await run(await modelsPython(), ['-c', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...modelsEnv(), ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
}
