/**
 * register-generative keeps the registration whole when the server goes away part-way: the
 * run, the model, the version and its card are recorded again in ./mlruns, and the command
 * says so and exits 1 (as train-penguins does).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { FaultProxy } from '../harness/fault-proxy.js';
import { describeWithServer, server, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';

describeWithServer('register-generative when the server goes away mid-run', () => {
  it('records the whole registration in ./mlruns, card included', { timeout: 120_000 }, async () => {
    const proxy = await FaultProxy.start(server().url);
    try {
      // The server answers until the first artifact upload, then resets every connection.
      let down = false;
      proxy.inject({ fault: { kind: 'reset-before' }, match: ({ path }) => (down ||= path.includes('/mlflow-artifacts/')) });
      const cwd = tempDir();
      const model = join(cwd, 'tiny-gpt');
      writeTinyModel(model);
      const name = uniqueName('tiny-gpt');
      const env = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' };
      const result = await runCliAsync(['register-generative', '--json', '--model-dir', model, '--mlflow-reg-name', name, '--mlflow-uri', proxy.url, '--out-dir', join(cwd, 'card')], { cwd, env });
      expect(down).toBe(true);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain('was recorded locally instead');
      const summary = JSON.parse(result.stdout);
      expect(summary.mlflow.fallback.server).toBe(proxy.url);
      expect(summary.mlflow.tracking).toBe(join(cwd, 'mlruns'));

      const local = new FileStore(join(cwd, 'mlruns'));
      const run = await local.tracking.getRun(summary.mlflow.run_id);
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.params).toMatchObject({ source: 'local-folder', parameter_count: '3680' });
      const version = await local.registry.getModelVersion(name, summary.mlflow.registered_model.version);
      expect(version.runId).toBe(run.info.runId);
      expect(version.description).toContain('Parameters: 3,680');
      expect(version.tags['mlflow-mct.card']).toBe(`runs:/${run.info.runId}/model_card/tiny-gpt_model_card.html`);
      const cardFiles = (await local.artifacts.listArtifacts(run.info.artifactUri, 'model_card')).map((file) => file.path);
      expect(cardFiles).toContain('model_card/tiny-gpt_model_card.html');
      // The card names the local run, not the server's partial one.
      const card = JSON.parse(await readFile(join(cwd, 'card', 'tiny-gpt_model_card.json'), 'utf8'));
      expect(JSON.stringify(card.model_details.references)).toContain(run.info.runId);
    } finally {
      await proxy.close();
    }
  });
});
