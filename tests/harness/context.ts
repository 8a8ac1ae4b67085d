/**
 * What integration tests use: the shared server started by `global-setup.ts`, clients for it
 * with a fast retry budget, and unique names so test files can run in parallel on one server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, inject, it } from 'vitest';
import { MlflowClient } from '../../src/mlflow/client.js';
import { loadMlflowConfig, type MlflowConfig } from '../../src/mlflow/config.js';
import type { CreateStoreOptions } from '../../src/mlflow/create-store.js';
import { RestStore } from '../../src/mlflow/rest/index.js';
import type { MlflowServerInfo } from './mlflow-server.js';

const provided = inject('mlflowServer');

/** The running server; only call inside a `describeWithServer` block. */
export function server(): MlflowServerInfo {
  if (!provided.available) throw new Error(`no MLflow server: ${provided.reason}`);
  return provided.info;
}

/**
 * `describe` that runs when the server is up; otherwise its body is not even collected (it
 * would need the server) and one skipped entry says why.
 */
export function describeWithServer(name: string, body: () => void): void {
  if (provided.available) {
    describe(name, body);
    return;
  }
  const reason = provided.reason;
  describe(name, () => {
    it.skipIf(true)(`skipped: ${reason}`, () => undefined);
  });
}

/** Configuration for the test server (or `url`), with retries fast enough for tests. */
export function testConfig(overrides: Partial<MlflowConfig> & { url?: string } = {}): MlflowConfig {
  const { url, ...rest } = overrides;
  const base = loadMlflowConfig({ mlflowUri: url ?? server().url }, { env: {}, credentialsFile: '/nonexistent' });
  return {
    ...base,
    retry: { maxRetries: 4, backoffFactor: 0.05, backoffJitter: 0.01, backoffMax: 2, respectRetryAfter: true },
    timeoutMs: 20_000,
    ...rest,
  };
}

/** A client of the test server; `onRetry` records each retry (its delay, its attempt) instead of timing it. */
export function testClient(overrides: Partial<MlflowConfig> & { url?: string } = {}, options: CreateStoreOptions = {}): MlflowClient {
  return MlflowClient.fromConfig(testConfig(overrides), options);
}

export function testStore(overrides: Partial<MlflowConfig> & { url?: string } = {}): RestStore {
  return MlflowClient.fromConfig(testConfig(overrides)).store as RestStore;
}

/** A name no other test (or earlier run against a kept server) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

const scratch: string[] = [];
afterAll(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A temp directory removed when the test file ends. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mct-${prefix}-`));
  scratch.push(dir);
  return dir;
}
