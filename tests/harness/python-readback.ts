/**
 * Reads what the client wrote back through MLflow's own Python client (from the server's venv),
 * so compatibility is checked by real MLflow, not by our own reader.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { server } from './context.js';
import { QUIET_ENV } from './mlflow-server.js';

const run = promisify(execFile);

/** Runs `script` with MLFLOW_TRACKING_URI set to the test server; returns its JSON on stdout. */
export async function pythonReadback<T>(script: string, args: string[] = []): Promise<T> {
  const python = server().python;
  if (!python) throw new Error('no Python for this server (external server)');
  const { stdout } = await run(python, ['-c', script, ...args], {
    env: { ...process.env, ...QUIET_ENV, MLFLOW_TRACKING_URI: server().url, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as T;
}
