/**
 * A real `mlflow server` for the tests and the benchmark: started from the pinned virtual
 * environment on 127.0.0.1 with a free port, a backend store (a SQLite file, or PostgreSQL) and
 * an artifacts destination in a temp dir; ready once `/health` answers and one API call passes
 * (the security middleware of MLflow >= 3.5 exempts `/health`); stopped with its workers.
 *
 * Selection (environment):
 * - `MLFLOW_MCT_TEST_MLFLOW`: `3` (default, the 3.x pin), `2` (the 2.22 pin) or an exact version.
 * - `MLFLOW_MCT_TEST_BACKEND`: `sqlite` (default) or `postgres` (a temp cluster started here).
 * - `MLFLOW_MCT_TEST_WORKERS`: server workers; default 1 for SQLite, 4 for PostgreSQL.
 * - `MLFLOW_MCT_TEST_SERVER_URL`: use this running server instead of starting one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import { ensureMlflowVenv, findPython, selectedMlflowVersion, venvBin } from './python-env.js';

export type Backend = 'sqlite' | 'postgres';

/** MLflow sends usage telemetry unless told not to; tests and benchmarks talk to loopback only. */
export const QUIET_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: 'true' } as const;

export interface ServerSelection {
  mlflowVersion: string;
  backend: Backend;
  workers: number;
  externalUrl: string | undefined;
}

/** What the tests learn about the server (serializable: it crosses into the test workers). */
export interface MlflowServerInfo {
  url: string;
  /** The version the server reports on /version. */
  version: string;
  major: number;
  backend: Backend | 'external';
  workers: number;
  /** The Python with this MLflow, for comparisons (benchmark); undefined for an external server. */
  python: string | undefined;
}

export interface RunningServer {
  info: MlflowServerInfo;
  stop(): Promise<void>;
}

export function readSelection(env: NodeJS.ProcessEnv = process.env): ServerSelection {
  const backend = (env.MLFLOW_MCT_TEST_BACKEND ?? 'sqlite').trim().toLowerCase();
  if (backend !== 'sqlite' && backend !== 'postgres') {
    throw new Error(`MLFLOW_MCT_TEST_BACKEND must be sqlite or postgres, not "${backend}"`);
  }
  const workers = env.MLFLOW_MCT_TEST_WORKERS ? Number(env.MLFLOW_MCT_TEST_WORKERS) : backend === 'postgres' ? 4 : 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`MLFLOW_MCT_TEST_WORKERS must be a positive integer`);
  return {
    mlflowVersion: selectedMlflowVersion(env),
    backend,
    workers,
    externalUrl: env.MLFLOW_MCT_TEST_SERVER_URL?.trim() || undefined,
  };
}

async function fetchText(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Waits for `/health` and one API call; fails early if the process exits. */
async function waitUntilReady(
  url: string,
  child: ChildProcess | undefined,
  timeoutMs: number,
  logFile?: string,
  apiStatus = 200,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child?.once('exit', (code) => {
    exited = code;
  });
  for (;;) {
    if (exited !== undefined) throw new Error(`mlflow server exited with code ${exited} before it was ready${await logTail(logFile)}`);
    const health = await fetchText(`${url}/health`);
    if (health?.status === 200) {
      const api = await fetchText(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      if (api?.status === apiStatus) {
        const version = await fetchText(`${url}/version`);
        return version?.status === 200 ? version.body.trim() : 'unknown';
      }
      if (api && api.status !== 503) throw new Error(`mlflow server at ${url} is up but its API answered ${api.status}: ${api.body.slice(0, 200)}`);
    }
    if (Date.now() > deadline) throw new Error(`mlflow server at ${url} was not ready after ${timeoutMs / 1000} s${await logTail(logFile)}`);
    await new Promise((wake) => setTimeout(wake, 250));
  }
}

async function logTail(logFile: string | undefined): Promise<string> {
  if (!logFile) return '';
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text ? `; last lines of its log:\n${text.split('\n').slice(-20).join('\n')}` : '';
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface StartOptions {
  say?: (line: string) => void;
  /** Extra `mlflow server` arguments (e.g. `--app-name basic-auth`). */
  extraArgs?: string[];
  extraEnv?: Record<string, string>;
  readyTimeoutMs?: number;
  /** The status of the readiness API call once up (401 for a server behind basic auth). */
  readyApiStatus?: number;
}

export async function startMlflowServer(selection: ServerSelection, options: StartOptions = {}): Promise<RunningServer> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (selection.externalUrl) {
    const url = selection.externalUrl.replace(/\/+$/, '');
    const version = await waitUntilReady(url, undefined, 30_000);
    return {
      info: { url, version, major: Number(version.split('.')[0]), backend: 'external', workers: 0, python: undefined },
      stop: async () => undefined,
    };
  }
  const python = await findPython();
  if ('missing' in python) throw new Error(python.missing);
  await ensureMlflowVenv(python, selection.mlflowVersion, say);

  const dataDir = await mkdtemp(join(tmpdir(), 'mlflow-mct-server-'));
  let postgres: PostgresCluster | undefined;
  let child: ChildProcess | undefined;
  const cleanup = async (): Promise<void> => {
    if (child) await stopGroup(child, 10_000);
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    if (selection.backend === 'postgres') postgres = await startPostgres(say);
    const backendUri = postgres ? postgres.uri : `sqlite:///${join(dataDir, 'mlflow.db')}`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFile = join(dataDir, 'server.log');
    const log = createWriteStream(logFile);
    const args = [
      'server',
      '--backend-store-uri',
      backendUri,
      '--artifacts-destination',
      join(dataDir, 'artifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      String(selection.workers),
      ...(options.extraArgs ?? []),
    ];
    say(`starting mlflow ${selection.mlflowVersion} server on ${url} (${selection.backend}, ${selection.workers} worker(s))`);
    child = spawn(venvBin(selection.mlflowVersion, 'mlflow'), args, {
      cwd: dataDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...QUIET_ENV, ...options.extraEnv, PYTHONUNBUFFERED: '1' },
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const reported = await waitUntilReady(url, child, options.readyTimeoutMs ?? 180_000, logFile, options.readyApiStatus);
    const version = reported === 'unknown' ? selection.mlflowVersion : reported;
    return {
      info: {
        url,
        version,
        major: Number(version.split('.')[0]),
        backend: selection.backend,
        workers: selection.workers,
        python: venvBin(selection.mlflowVersion, 'python'),
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
