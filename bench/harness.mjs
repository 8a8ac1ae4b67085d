// The test harness for benchmarks: the same pinned MLflow environment, server start-up and
// loopback proxy the integration tests use (tests/harness/), loaded from its TypeScript source.
import { register } from 'node:module';

register('./harness-hooks.mjs', import.meta.url);

export const { startMlflowServer } = await import('../tests/harness/mlflow-server.ts');
export const { MLFLOW_PINS, ensureModelsVenv, findPython, modelsVenvBin, venvBin } = await import('../tests/harness/python-env.ts');
export const { FaultProxy } = await import('../tests/harness/fault-proxy.ts');
export const { freePort } = await import('../tests/harness/ports.ts');
