import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCli, tempDir } from '../helpers/cli.js';

describeWithServer('attaching legacy and API cards to MLflow', () => {
  it('logs an api-card to a run as artifacts', async () => {
    const client = testClient();
    try {
      const experimentId = await client.getOrCreateExperiment(uniqueName('cards'));
      const run = await client.createRun({ experimentId, runName: 'external-api' });
      const out = tempDir();
      const result = runCli(['api-card', '--mlflow-uri', server().url, '--mlflow-run-id', run.info.runId, '--out-dir', out, '--json']);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).mlflow).toMatchObject({ done: true });
      const files = (await client.listArtifacts(`runs:/${run.info.runId}`, { recursive: true })).map((file) => file.path).sort();
      expect(files).toEqual(['model_card', 'model_card/gpt-4-0613_model_card.html', 'model_card/gpt-4-0613_model_card.json', 'model_card/gpt-4-0613_model_card.md', 'model_card/gpt-4-0613_model_card.mlflow-mct.json']);
    } finally {
      await client.close();
    }
  });

  it('puts a legacy card on the latest registered version: Markdown description and artifacts', async () => {
    const client = testClient();
    try {
      const experimentId = await client.getOrCreateExperiment(uniqueName('cards'));
      const run = await client.createRun({ experimentId, runName: 'legacy' });
      const modelDir = tempDir();
      writeFileSync(join(modelDir, 'model.txt'), 'weights');
      await client.logArtifacts(run.info.runId, modelDir, 'model');
      const name = uniqueName('legacy-model');
      await client.registerModel(`runs:/${run.info.runId}/model`, name);
      const second = await client.registerModel(`runs:/${run.info.runId}/model`, name);

      const out = tempDir();
      const result = runCli(['legacy-card', '--mlflow-uri', server().url, '--mlflow-reg-name', name, '--metric', 'accuracy=0.91', '--out-dir', out]);
      expect(result.code).toBe(0);
      const version = await client.getModelVersion(name, second.version);
      expect(version.description).toContain('# Model Card for Legacy model');
      expect(version.description).toContain('| Accuracy | 0.91 |');
      const first = await client.getModelVersion(name, '1');
      expect(first.description ?? '').toBe('');
      const files = (await client.listArtifacts(`runs:/${run.info.runId}/model_card`)).map((file) => file.path).sort();
      expect(files).toEqual(['legacy_model_card.html', 'legacy_model_card.json', 'legacy_model_card.md']);
    } finally {
      await client.close();
    }
  });

  it('prints the plan and sends nothing with --dry-run', () => {
    const out = tempDir();
    // Nothing listens on port 9: a dry run must not even try.
    const result = runCli(['api-card', '--dry-run', '--mlflow-uri', 'http://127.0.0.1:9', '--mlflow-reg-name', 'm', '--mlflow-reg-version', '2', '--out-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('dry run: would set the description of m version 2');
  });

  it('fails clearly when the run does not exist, after writing the card', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--mlflow-uri', server().url, '--mlflow-run-id', '0123456789abcdef0123456789abcdef', '--out-dir', out]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/run .*0123456789abcdef0123456789abcdef|RESOURCE_DOES_NOT_EXIST|not found|does not exist/i);
  });
});
