/**
 * vitest globalSetup: starts one real MLflow server for the whole run and provides its address
 * to the tests (`inject('mlflowServer')`, see `context.ts`); stops it afterwards.
 *
 * - Nothing starts when no selected test file uses the server (e.g. `vitest run tests/card`).
 * - Without Python the integration tests skip, and one line says why.
 * - Under `CI=true` a missing Python or a server that does not start fails the run.
 */
import { readFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { readSelection, startMlflowServer, type MlflowServerInfo } from './mlflow-server.js';
import { findPython } from './python-env.js';

export type ProvidedServer = { available: true; info: MlflowServerInfo } | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowServer: ProvidedServer;
  }
}

/** A test file needs the server when it uses the harness context. */
const USES_SERVER = /harness\/context(\.js)?['"]/;

async function serverNeeded(project: TestProject): Promise<boolean> {
  try {
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const { testFiles } = await project.globTestFiles(filters);
    for (const file of testFiles) {
      if (USES_SERVER.test(await readFile(file, 'utf8'))) return true;
    }
    return false;
  } catch {
    return true;
  }
}

function say(line: string): void {
  process.stderr.write(`[mlflow-server] ${line}\n`);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const ci = process.env.CI === 'true';
  if (!(await serverNeeded(project))) {
    project.provide('mlflowServer', { available: false, reason: 'no selected test needs it' });
    return undefined;
  }
  const skip = (reason: string): undefined => {
    say(`MLflow integration tests skipped: ${reason}`);
    project.provide('mlflowServer', { available: false, reason });
    return undefined;
  };
  const python = await findPython();
  if ('missing' in python && !process.env.MLFLOW_MCT_TEST_SERVER_URL) {
    if (ci) throw new Error(`MLflow integration tests cannot run under CI: ${python.missing}`);
    return skip(python.missing);
  }
  try {
    const server = await startMlflowServer(readSelection(), { say });
    say(`ready: mlflow ${server.info.version} at ${server.info.url}`);
    project.provide('mlflowServer', { available: true, info: server.info });
    return () => server.stop();
  } catch (error) {
    const reason = `the MLflow server did not start: ${(error as Error).message}`;
    if (ci) throw new Error(reason, { cause: error });
    return skip(reason);
  }
}
