import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { attachCardToMlflow, planCardAttachment } from '../../src/mlflow/attach-card.js';
import { describeWithServer, scratchDir, server, testClient, uniqueName } from '../harness/context.js';

const MARKDOWN = '# Tarjeta del modelo\n\n**Precisión:** 0.9851\n';

describe('planning a card attachment (what --dry-run prints)', () => {
  it('lists the actions for a run and for the latest version, without contacting MLflow', () => {
    const plan = planCardAttachment({
      runId: 'abc',
      registeredModelName: 'penguins',
      files: ['/out/card.html', '/out/card.md'],
      markdown: MARKDOWN,
    });
    expect(plan.actions.map((action) => action.kind)).toEqual(['log-run-artifacts', 'log-version-artifacts', 'set-version-description']);
    expect(plan.lines).toEqual([
      'log 2 card file(s) as artifacts of run abc under model_card/',
      'log 2 card file(s) under model_card/ of the run (or LoggedModel) of penguins version latest',
      `set the description of penguins version latest to the card's Markdown (${MARKDOWN.length} characters) and its mlflow-mct.card tag to the card's HTML`,
    ]);
  });

  it('refuses requests that could not be carried out, as usage or input errors', () => {
    expect(() => planCardAttachment({ files: ['a.md'], markdown: '' })).toThrow(UsageError);
    expect(() => planCardAttachment({ runId: 'r', modelVersion: 2, files: ['a.md'], markdown: '' })).toThrow(/needs --mlflow-reg-name/);
    expect(() => planCardAttachment({ registeredModelName: 'm', modelVersion: 'two', files: ['a.md'], markdown: '' })).toThrow(/not a version number/);
    expect(() => planCardAttachment({ runId: 'r', files: [], markdown: '' })).toThrow(/no card files/);
    expect(() => planCardAttachment({ runId: 'r', files: ['x/card.md', 'y/card.md'], markdown: '' })).toThrow(/both called card.md/);
    expect(() => planCardAttachment({ runId: 'r', files: ['a.md'], markdown: '', artifactPath: '../up' })).toThrow(/unsafe artifact path/);
  });
});

describeWithServer('attaching a card to MLflow', () => {
  const client = testClient();
  let files: string[];

  beforeAll(async () => {
    const dir = await scratchDir('card');
    files = [join(dir, 'model_card.html'), join(dir, 'model_card.md')];
    await writeFile(files[0] as string, '<h1>Tarjeta</h1>');
    await writeFile(files[1] as string, MARKDOWN);
  });

  it('logs the files to a run, and to the latest version with its description', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-card'));
    const cardRun = (await client.createRun({ experimentId })).info.runId;
    const modelRunInfo = (await client.createRun({ experimentId })).info;
    const modelRun = modelRunInfo.runId;
    const name = uniqueName('card-model');
    await client.createRegisteredModel(name);
    await client.createModelVersion({ name, source: `${modelRunInfo.artifactUri}/model`, runId: modelRun });
    await client.createModelVersion({ name, source: `${modelRunInfo.artifactUri}/model`, runId: modelRun });

    const result = await attachCardToMlflow(client, { runId: cardRun, registeredModelName: name, files, markdown: MARKDOWN });
    expect(result.runArtifacts).toEqual(['model_card/model_card.html', 'model_card/model_card.md']);
    expect(result.versionArtifacts).toEqual({ owner: 'run', id: modelRun, paths: ['model_card/model_card.html', 'model_card/model_card.md'] });
    expect(result.modelVersion).toMatchObject({ version: '2', description: MARKDOWN });
    expect(result.descriptionTruncated).toBe(false);
    expect(result.lines[1]).toMatch(/version 2$/);
    expect((await client.getModelVersion(name, 2)).description).toBe(MARKDOWN);
    expect((await client.getModelVersion(name, 1)).description ?? '').toBe('');
    // The version's card tag names the HTML just attached.
    expect((await client.getModelVersion(name, 2)).tags['mlflow-mct.card']).toBe(`runs:/${modelRun}/model_card/model_card.html`);
    expect(result.modelVersion?.tags['mlflow-mct.card']).toBe(`runs:/${modelRun}/model_card/model_card.html`);
    const onModelRun = await client.listArtifacts(`runs:/${modelRun}/model_card`);
    expect(onModelRun.map((file) => file.path)).toEqual(['model_card.html', 'model_card.md']);

    // An explicit version, and a card longer than MLflow keeps: cut, with a pointer to the file.
    const long = `${MARKDOWN}\n${'Una línea larga del análisis.\n'.repeat(400)}`;
    const explicit = await attachCardToMlflow(client, { registeredModelName: name, modelVersion: 1, files, markdown: long });
    expect(explicit.descriptionTruncated).toBe(true);
    const description = (await client.getModelVersion(name, 1)).description ?? '';
    expect(description.length).toBeLessThanOrEqual((await client.capabilities()).limits.maxDescriptionLength);
    expect(description.startsWith(MARKDOWN)).toBe(true);
    expect(description).toContain('`model_card/model_card.md`');
  });

  it("logs the files once when the run given is the version's run", async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-card-same'));
    const run = (await client.createRun({ experimentId })).info;
    const name = uniqueName('card-same');
    await client.createRegisteredModel(name);
    await client.createModelVersion({ name, source: `${run.artifactUri}/model`, runId: run.runId });
    const result = await attachCardToMlflow(client, { runId: run.runId, registeredModelName: name, files, markdown: MARKDOWN });
    expect(result.actions.map((action) => action.kind)).toEqual(['log-run-artifacts', 'set-version-description']);
    expect(result.versionArtifacts).toEqual({ owner: 'run', id: run.runId, paths: result.runArtifacts });
    expect((await client.getModelVersion(name, 1)).tags['mlflow-mct.card']).toBe(`runs:/${run.runId}/model_card/model_card.html`);
  });

  it('fails before writing anything when the model or version does not exist', async () => {
    const experimentId = await client.createExperiment(uniqueName('exp-card-missing'));
    const runId = (await client.createRun({ experimentId })).info.runId;
    await expect(attachCardToMlflow(client, { runId, registeredModelName: uniqueName('absent'), files, markdown: MARKDOWN })).rejects.toThrow(
      /does not exist/,
    );
    expect(await client.listArtifacts(`runs:/${runId}`)).toEqual([]);
  });

  it('puts the files on the LoggedModel when a version has no run (MLflow 3)', async () => {
    if (server().major < 3) return;
    const experimentId = await client.createExperiment(uniqueName('exp-card-lm'));
    const model = await client.store.tracking.createLoggedModel({ experimentId, name: 'no-run' });
    await client.store.tracking.finalizeLoggedModel(model.modelId, 'LOGGED_MODEL_READY');
    const name = uniqueName('card-lm');
    const version = await client.registerModel(`models:/${model.modelId}`, name);
    expect(version.runId).toBeUndefined();
    const result = await attachCardToMlflow(client, { registeredModelName: name, files, markdown: MARKDOWN });
    expect(result.versionArtifacts).toEqual({ owner: 'logged-model', id: model.modelId, paths: ['model_card/model_card.html', 'model_card/model_card.md'] });
    const listed = await client.listArtifacts(`models:/${model.modelId}`, { recursive: true });
    expect(listed.filter((file) => !file.isDir).map((file) => file.path)).toEqual(['model_card/model_card.html', 'model_card/model_card.md']);
    expect((await client.getModelVersion(name, version.version)).tags['mlflow-mct.card']).toBe(`models:/${model.modelId}/model_card/model_card.html`);
  });
});
