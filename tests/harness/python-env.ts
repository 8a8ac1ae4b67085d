/**
 * The Python side of the integration tests: a virtual environment per pinned MLflow release,
 * created once under the repository root (`.venv-mlflow-<version>/`, git-ignored) and reused.
 *
 * The pins are deliberate: MLflow's behaviour changes between releases (security middleware
 * from 3.5, LoggedModels from 3.0, limits), so a bump is a conscious change here.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The MLflow releases the suite runs against, by major version. */
export const MLFLOW_PINS = { '3': '3.17.2', '2': '2.22.5' } as const;
/** The PostgreSQL driver MLflow's SQLAlchemy store needs for `postgresql://` URIs; `[auth]` brings the basic-auth app. */
const EXTRA_REQUIREMENTS = ['psycopg2-binary==2.9.13'];
const READY_MARKER = '.mlflow-mct-ready';

/** `MLFLOW_MCT_TEST_MLFLOW`: `3` (default), `2`, or an exact release such as `3.17.2`. */
export function selectedMlflowVersion(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = (env.MLFLOW_MCT_TEST_MLFLOW ?? '3').trim();
  if (wanted === '2' || wanted === '3') return MLFLOW_PINS[wanted];
  if (/^\d+\.\d+\.\d+$/.test(wanted)) return wanted;
  throw new Error(`MLFLOW_MCT_TEST_MLFLOW must be 2, 3 or an exact version like 3.17.2, not "${wanted}"`);
}

export interface PythonInfo {
  executable: string;
  version: string;
}

/** The Python interpreter to build environments with (`MLFLOW_MCT_PYTHON`, else `python3`), or why there is none. */
export async function findPython(env: NodeJS.ProcessEnv = process.env): Promise<PythonInfo | { missing: string }> {
  const executable = env.MLFLOW_MCT_PYTHON ?? 'python3';
  try {
    const { stdout } = await run(executable, ['-c', 'import sys, venv; print("%d.%d.%d" % sys.version_info[:3])']);
    const version = stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 3 || (major === 3 && minor < 10)) return { missing: `${executable} is Python ${version}; MLflow 3 needs 3.10 or newer` };
    return { executable, version };
  } catch {
    return { missing: `no ${executable} with the venv module on PATH (set MLFLOW_MCT_PYTHON to use another interpreter)` };
  }
}

function venvDir(mlflowVersion: string): string {
  return join(REPO_ROOT, `.venv-mlflow-${mlflowVersion}`);
}

export function venvBin(mlflowVersion: string, tool: string): string {
  return join(venvDir(mlflowVersion), 'bin', tool);
}

/** MLflow 2.x imports pool classes that SQLAlchemy 2.1 removed, and does not cap SQLAlchemy itself. */
const MLFLOW_2_REQUIREMENTS = ['SQLAlchemy==2.0.58'];

function requirements(mlflowVersion: string): string[] {
  const forMajor = mlflowVersion.startsWith('2.') ? MLFLOW_2_REQUIREMENTS : [];
  return [`mlflow[auth]==${mlflowVersion}`, ...EXTRA_REQUIREMENTS, ...forMajor];
}

function runLogged(command: string, args: string[], log: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      log.push(chunk.toString('utf8'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${log.join('').split('\n').slice(-25).join('\n')}`));
    });
  });
}

/** The environment for `mlflowVersion` (the tracking server's and its Python client's), created when missing. */
export function ensureMlflowVenv(python: PythonInfo, mlflowVersion: string, say: (line: string) => void): Promise<string> {
  return ensureVenv(python, venvDir(mlflowVersion), requirements(mlflowVersion), say);
}

/** What loading and serving the ONNX penguin model needs besides MLflow; MLflow 2.22's scoring server cannot start on Starlette 1. */
const ONNX_REQUIREMENTS = ['onnx==1.23.2', 'onnxruntime==1.32.0'];

function modelRequirements(mlflowVersion: string): string[] {
  const forMajor = mlflowVersion.startsWith('2.') ? [...MLFLOW_2_REQUIREMENTS, 'starlette<1'] : [];
  return [`mlflow==${mlflowVersion}`, ...ONNX_REQUIREMENTS, ...forMajor];
}

/** The Python side of the model tests (pyfunc loading, `mlflow models serve`, evaluate, onnxruntime): `.venv-models-mlflow-<version>/`. */
export function modelsVenvBin(mlflowVersion: string, tool: string): string {
  return join(REPO_ROOT, `.venv-models-mlflow-${mlflowVersion}`, 'bin', tool);
}

export async function ensureModelsVenv(python: PythonInfo, mlflowVersion: string, say: (line: string) => void): Promise<string> {
  return ensureVenv(python, join(REPO_ROOT, `.venv-models-mlflow-${mlflowVersion}`), modelRequirements(mlflowVersion), say);
}

/**
 * A virtual environment with `wanted` installed, created when missing or incomplete. A marker
 * file written after a successful install makes an interrupted install start over instead of
 * being trusted.
 */
export async function ensureVenv(python: PythonInfo, dir: string, wantedRequirements: string[], say: (line: string) => void): Promise<string> {
  const marker = join(dir, READY_MARKER);
  const wanted = wantedRequirements.join(' ');
  if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted) return dir;
  const lock = `${dir}.lock`;
  await acquireLock(lock);
  try {
    if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted) return dir;
    say(`creating ${dir} with ${wanted} (once; reused by later runs)`);
    await rm(dir, { recursive: true, force: true });
    const log: string[] = [];
    await runLogged(python.executable, ['-m', 'venv', dir], log);
    await runLogged(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...wantedRequirements], log);
    await writeFile(marker, `${wanted}\n`);
    return dir;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** A directory lock between concurrent test runs; a lock older than 20 minutes is considered abandoned. */
async function acquireLock(lock: string): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch {
      if (Date.now() > deadline) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((wake) => setTimeout(wake, 1000));
    }
  }
}
