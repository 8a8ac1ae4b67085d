/**
 * After `push`, what a pushed model version says about its origin names the server's copies:
 * the version's `mlflow-mct.run_id` and `mlflow-mct.card` tags, its description (the card's
 * Markdown) and its run's `mlflow-mct.registered_version` tag. The card is then downloaded by
 * the URI its tag names. The registered model already has a version on the server, so the local
 * version 1 arrives as version 2 and the version number is rewritten too.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { filterKey, filterLiteral } from '../../src/mlflow/filters.js';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCli, tempDir } from '../helpers/cli.js';

describeWithServer('push rewrites references to the local run', () => {
  it('leaves the version tags and description naming the server run, model and version', { timeout: 180_000 }, async () => {
    const client = testClient();
    try {
      const name = uniqueName('pushed_rf');
      // A version already on the server: the pushed one becomes version 2.
      const experimentId = await client.getOrCreateExperiment(uniqueName('push-earlier'));
      const earlier = await client.createRun({ experimentId, runName: 'earlier' });
      const modelDir = tempDir();
      writeFileSync(join(modelDir, 'model.txt'), 'weights');
      await client.logArtifacts(earlier.info.runId, modelDir, 'model');
      await client.registerModel(`runs:/${earlier.info.runId}/model`, name);

      const cwd = tempDir();
      const store = join(cwd, 'mlruns');
      const trained = runCli(['train-penguins', '--json', '--no-evaluate', '--mlflow-uri', store, '--mlflow-experiment', uniqueName('push-refs'), '--mlflow-reg-name', name], { cwd });
      expect(trained.code, trained.stderr).toBe(0);
      const local = JSON.parse(trained.stdout).mlflow as { run_id: string; model_uri: string; registered_model: { version: string } };
      expect(local.registered_model.version).toBe('1');

      const pushed = runCli(['push', '--from', store, '--mlflow-uri', server().url], { cwd });
      expect(pushed.code, pushed.stderr).toBe(0);

      const [remoteRun] = await client.searchRuns({ experimentIds: [(await client.getExperimentByName(JSON.parse(trained.stdout).mlflow.experiment))!.experimentId], filter: `${filterKey('tags', 'mlflow-mct.source_run_id')} = ${filterLiteral(local.run_id)}` });
      const remoteRunId = remoteRun!.info.runId;
      expect(remoteRunId).not.toBe(local.run_id);
      const version = await client.getModelVersion(name, '2');
      const remoteModelUri = server().major >= 3 ? `models:/${version.modelId}` : `runs:/${remoteRunId}/model`;
      if (server().major >= 3) expect(version.modelId).not.toBe(local.model_uri.slice('models:/'.length));

      expect(version.tags['mlflow-mct.run_id']).toBe(remoteRunId);
      expect(version.tags['mlflow-mct.card']).toBe(`runs:/${remoteRunId}/model_card/penguin_model_card.html`);
      const description = version.description ?? '';
      expect(description).toContain(`MLflow run ${remoteRunId}`);
      expect(description).toContain(`runs:/${remoteRunId}`);
      expect(description).toContain(`models:/${name.replaceAll('_', '\\_')}/2`);
      expect(description).not.toContain(local.run_id);
      expect(description).not.toContain(local.model_uri.slice('models:/'.length));
      expect(description).not.toMatch(/models:\/\S+\/1\b/);
      expect((await client.getRun(remoteRunId)).data.tags['mlflow-mct.registered_version']).toBe(`models:/${name}/2`);
      if (server().major >= 3) expect(description).toContain(remoteModelUri.slice('models:/'.length));

      // The card the tag names is there.
      const downloaded = await client.downloadArtifacts(version.tags['mlflow-mct.card']!, tempDir());
      expect(await readFile(downloaded, 'utf8')).toBe(await readFile(join(cwd, 'penguin_model_card.html'), 'utf8'));
    } finally {
      await client.close();
    }
  });
});
