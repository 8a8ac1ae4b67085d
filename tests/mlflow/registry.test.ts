import { expect, it } from 'vitest';
import {
  MlflowAlreadyExistsError,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowValidationError,
} from '../../src/mlflow/errors.js';
import { REQUEST_MARKER_TAG } from '../../src/mlflow/tags.js';
import { describeWithServer, testClient, uniqueName } from '../harness/context.js';

describeWithServer('Model Registry against a real MLflow server', () => {
  const client = testClient();

  async function runWithArtifacts(): Promise<{ runId: string; source: string }> {
    const experimentId = await client.createExperiment(uniqueName('exp-registry'));
    const run = await client.createRun({ experimentId });
    return { runId: run.info.runId, source: `${run.info.artifactUri}/model` };
  }

  it('creates, gets, searches, describes, tags and deletes registered models', async () => {
    const name = uniqueName('penguins');
    const created = await client.createRegisteredModel(name, { description: 'Clasificador', tags: { team: 'mlops' } });
    expect(created).toMatchObject({ name, description: 'Clasificador', tags: { team: 'mlops' }, latestVersions: [] });
    await expect(client.createRegisteredModel(name)).rejects.toBeInstanceOf(MlflowAlreadyExistsError);

    const updated = await client.updateRegisteredModelDescription(name, 'Clasificador de pingüinos');
    expect(updated.description).toBe('Clasificador de pingüinos');
    await client.setRegisteredModelTag(name, 'domain', 'biology');
    await client.deleteRegisteredModelTag(name, 'team');
    expect((await client.getRegisteredModel(name)).tags).toEqual({ domain: 'biology' });

    const byName = await client.searchRegisteredModels({ filter: `name = '${name}'` });
    expect(byName.map((model) => model.name)).toEqual([name]);
    const byTag = await client.searchRegisteredModels({ filter: `name LIKE '${name}%' AND tags.domain = 'biology'` });
    expect(byTag.map((model) => model.name)).toEqual([name]);

    const renamed = await client.renameRegisteredModel(name, `${name}-v2`);
    expect(renamed.name).toBe(`${name}-v2`);
    await client.deleteRegisteredModel(`${name}-v2`);
    await expect(client.getRegisteredModel(`${name}-v2`)).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(client.getRegisteredModel(name)).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404 });
  });

  it('creates and manages model versions: description, tags, stages, search, delete', async () => {
    const name = uniqueName('versions');
    await client.createRegisteredModel(name);
    const { runId, source } = await runWithArtifacts();
    const v1 = await client.createModelVersion({ name, source, runId, tags: { data: 'v1' } });
    const v2 = await client.createModelVersion({ name, source, runId, description: 'second' });
    expect([v1.version, v2.version]).toEqual(['1', '2']);
    expect(v1).toMatchObject({ name, source, runId, status: 'READY', currentStage: 'None', tags: { data: 'v1' } });
    // The retry marker is removed from the server once the version exists.
    expect((await client.getModelVersion(name, 1)).tags).toEqual({ data: 'v1' });
    expect(v1.tags).not.toHaveProperty(REQUEST_MARKER_TAG);

    expect((await client.updateModelVersionDescription(name, 1, 'primera')).description).toBe('primera');
    await client.setModelVersionTag(name, 1, 'validated', 'true');
    await client.deleteModelVersionTag(name, 1, 'data');
    expect((await client.getModelVersion(name, '1')).tags).toEqual({ validated: 'true' });

    const staged = await client.transitionModelVersionStage(name, 1, 'Production');
    expect(staged.currentStage).toBe('Production');
    const promoted = await client.transitionModelVersionStage(name, 2, 'production', { archiveExistingVersions: true });
    expect(promoted.currentStage).toBe('Production');
    expect((await client.getModelVersion(name, 1)).currentStage).toBe('Archived');
    // archive_existing_versions is only allowed towards Staging or Production: the server says so
    // with a 500 INTERNAL_ERROR (retried, as MLflow's own client does); the client says it first.
    await expect(client.transitionModelVersionStage(name, 1, 'Archived', { archiveExistingVersions: true })).rejects.toBeInstanceOf(
      MlflowValidationError,
    );
    const noRetries = testClient({ retry: { maxRetries: 0, backoffFactor: 0, backoffJitter: 0, backoffMax: 0, respectRetryAfter: true } });
    await expect(noRetries.store.registry.transitionModelVersionStage(name, '1', 'Archived', true)).rejects.toMatchObject({
      errorCode: 'INTERNAL_ERROR',
      httpStatus: 500,
    });

    const tagged = await client.searchModelVersions({ filter: `name = '${name}' AND tags.validated = 'true'` });
    expect(tagged.map((version) => version.version)).toEqual(['1']);
    expect((await client.searchModelVersions({ filter: `name = '${name}'` })).map((version) => version.version).sort()).toEqual(['1', '2']);
    expect((await client.getLatestModelVersion(name)).version).toBe('2');

    await client.deleteModelVersion(name, 1);
    await expect(client.getModelVersion(name, 1)).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(client.getModelVersion(uniqueName('missing'), 1)).rejects.toBeInstanceOf(MlflowNotFoundError);
  });

  it('sets, resolves, moves and deletes aliases, and refuses bad ones', async () => {
    const name = uniqueName('aliases');
    await client.createRegisteredModel(name);
    const { runId, source } = await runWithArtifacts();
    await client.createModelVersion({ name, source, runId });
    await client.createModelVersion({ name, source, runId });

    await client.setAlias(name, 'champion', 1);
    expect((await client.getModelVersionByAlias(name, 'champion')).version).toBe('1');
    await client.setAlias(name, 'champion', '2');
    const moved = await client.getModelVersionByAlias(name, 'champion');
    expect(moved).toMatchObject({ version: '2', aliases: ['champion'] });
    expect((await client.getRegisteredModel(name)).aliases).toEqual({ champion: '2' });

    for (const bad of ['latest', 'v3', 'has space', '']) {
      await expect(client.setAlias(name, bad, 1)).rejects.toBeInstanceOf(MlflowValidationError);
    }
    // The server refuses them too, typed by error_code.
    await expect(client.store.registry.setRegisteredModelAlias(name, 'latest', '1')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    // MLflow reports an unknown alias as an invalid parameter, not as a missing resource.
    await expect(client.getModelVersionByAlias(name, 'unknown')).rejects.toBeInstanceOf(MlflowInvalidRequestError);

    await client.deleteAlias(name, 'champion');
    await expect(client.getModelVersionByAlias(name, 'champion')).rejects.toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE' });
    expect((await client.getRegisteredModel(name)).aliases).toEqual({});
  });

  it('refuses descriptions and registry tags MLflow would not keep', async () => {
    const name = uniqueName('limits');
    await client.createRegisteredModel(name);
    const limits = (await client.capabilities()).limits;
    await expect(client.updateRegisteredModelDescription(name, 'x'.repeat(limits.maxDescriptionLength + 1))).rejects.toBeInstanceOf(
      MlflowValidationError,
    );
    await expect(client.setRegisteredModelTag(name, 'big', 'x'.repeat(limits.maxRegistryTagValueLength + 1))).rejects.toBeInstanceOf(
      MlflowValidationError,
    );
    await client.updateRegisteredModelDescription(name, 'x'.repeat(limits.maxDescriptionLength));
    expect((await client.getRegisteredModel(name)).description).toHaveLength(limits.maxDescriptionLength);
  });

  it('resolves models:/ URIs by version, latest, stage and alias to concrete artifacts', async () => {
    const name = uniqueName('uris');
    const { runId, source } = await runWithArtifacts();
    await client.createRegisteredModel(name);
    await client.createModelVersion({ name, source: `${source}-1`, runId });
    await client.createModelVersion({ name, source: `${source}-2`, runId });
    await client.createModelVersion({ name, source: `${source}-3`, runId });
    await client.transitionModelVersionStage(name, 1, 'Staging');
    await client.setAlias(name, 'challenger', 2);

    expect((await client.resolveModelUri(`models:/${name}/1`)).artifactUri).toBe(`${source}-1`);
    expect((await client.resolveModelUri(`models:/${name}/latest`)).modelVersion?.version).toBe('3');
    expect((await client.resolveModelUri(`models:/${name}/LATEST`)).artifactUri).toBe(`${source}-3`);
    expect((await client.resolveModelUri(`models:/${name}/staging`)).artifactUri).toBe(`${source}-1`);
    expect((await client.resolveModelUri(`models:/${name}@challenger`)).artifactUri).toBe(`${source}-2`);
    await expect(client.resolveModelUri(`models:/${name}/Production`)).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(client.resolveModelUri(`models:/${name}/9`)).rejects.toBeInstanceOf(MlflowNotFoundError);
  });
});
