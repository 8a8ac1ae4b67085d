/**
 * `mlflow-mct push` as users run it (the built CLI): exit codes, the one-line errors, progress on
 * stderr, the JSON summary, and a repeated push that finds everything already there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { freePort } from '../harness/ports.js';
import { describeWithServer, server, uniqueName } from '../harness/context.js';
import { runCli } from '../helpers/cli.js';
import { writeExampleRun } from '../filestore/example-run.js';
import { checkJsonContract } from '../helpers/json-contract.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-push-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noServerEnv = { MLFLOW_TRACKING_URI: '', MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' };

describe('mlflow-mct push: bad usage', () => {
  it('exits 2 when there is no local store to read', () => {
    const result = runCli(['push', '--from', join(dir, 'missing'), '--to', 'http://127.0.0.1:1'], { env: noServerEnv });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`there is no local store at ${join(dir, 'missing')}`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('exits 2 when no server is named', async () => {
    await new FileStore(join(dir, 'empty')).ensureReady();
    const result = runCli(['push', '--from', join(dir, 'empty')], { env: noServerEnv });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('push needs a tracking server — pass --mlflow-uri http://host:5000 or set MLFLOW_TRACKING_URI');
  });

  it('exits 1 and says how to resume when the server does not answer', async () => {
    const store = new FileStore(join(dir, 'unsent'));
    await writeExampleRun(store, { experimentName: 'unsent', registeredModel: 'unsent-model' });
    const port = await freePort();
    const result = runCli(['push', '--from', store.root, '--to', `http://127.0.0.1:${port}`], { env: noServerEnv });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`push to http://127.0.0.1:${port} stopped: cannot connect to MLflow`);
    expect(result.stderr).toContain('run the same push again to resume');
  });
});

describeWithServer('mlflow-mct push to a server', () => {
  it('pushes with progress on stderr, then finds everything there on the second call', async () => {
    const store = new FileStore(join(dir, 'sent'));
    const example = await writeExampleRun(store, { experimentName: uniqueName('cli-push'), registeredModel: uniqueName('cli-model') });

    const dry = runCli(['push', '--from', store.root, '--to', server().url, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`create run ${example.runName} (${example.runId}): ${example.metrics.length} metric points, 3 artifact files`);

    const first = runCli(['push', '--from', store.root, '--mlflow-uri', server().url]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^push: \d+\/3 items/m);
    expect(first.stdout).toContain(`Pushed 1 run(s), ${example.metrics.length} metric points`);

    const second = runCli(['push', '--from', store.root, '--json'], { env: { MLFLOW_TRACKING_URI: server().url } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    const summary = checkJsonContract(second.stdout);
    expect(summary).toMatchObject({ schema_version: '1', command: 'push', runs_pushed: 0, runs_up_to_date: 1, metric_points: 0, model_versions: 0, plan: [] });
  }, 120_000);
});
