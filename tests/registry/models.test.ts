import { expect, it } from 'vitest';
import { runPythonJson } from '../filestore/python.js';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';

/** Which version real MLflow resolves each `models:/` URI to. */
const RESOLVE = `
import json, sys
from mlflow import MlflowClient
from mlflow.store.artifact.utils.models import get_model_name_and_version
client = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])
print(json.dumps({uri: get_model_name_and_version(client, uri)[1] for uri in sys.argv[2:]}))
`;

function resolveWithPython(...uris: string[]): Promise<Record<string, string>> {
  const python = server().python;
  if (!python) throw new Error('the harness server has no Python to read with');
  return runPythonJson<Record<string, string>>(python, RESOLVE, [server().url, ...uris]);
}

const STAGE_WARNING = 'model registry stages are deprecated in MLflow';

async function cli(...args: string[]) {
  return runCliAsync([...args, '--mlflow-uri', server().url], { cwd: tempDir() });
}

/** A registered model with `count` versions, each from its own run. */
async function modelWithVersions(count: number): Promise<string> {
  const client = testClient();
  try {
    const name = uniqueName('promote');
    const experimentId = await client.getOrCreateExperiment('registry-cli');
    await client.createRegisteredModel(name);
    for (let index = 0; index < count; index += 1) {
      const run = await client.createRun({ experimentId });
      await client.createModelVersion({ name, source: `${run.info.artifactUri}/model`, runId: run.info.runId });
    }
    return name;
  } finally {
    await client.close();
  }
}

describeWithServer('models: the registry lifecycle through the CLI', () => {
  it('promotes by alias: models:/name@alias resolves to the right version, the alias moves, and can be deleted', async () => {
    const name = await modelWithVersions(3);
    const first = await cli('models', 'promote', name, '2', '--alias', 'champion', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ kind: 'alias', name, version: '2', alias: 'champion', previous_alias_version: null });
    expect(first.stderr).toBe('');
    expect(await resolveWithPython(`models:/${name}@champion`)).toEqual({ [`models:/${name}@champion`]: '2' });

    const moved = await cli('models', 'promote', name, '3', '--alias', 'champion');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(`${name}@champion now points at version 3 (it pointed at version 2)`);
    const shown = await cli('models', 'show', `models:/${name}@champion`, '--json');
    expect(JSON.parse(shown.stdout).model_version).toMatchObject({ name, version: '3', aliases: ['champion'], stage: 'None' });
    expect(await resolveWithPython(`models:/${name}@champion`)).toEqual({ [`models:/${name}@champion`]: '3' });

    const deleted = await cli('models', 'alias', 'delete', name, 'champion');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('it pointed at version 3');
    const again = await cli('models', 'alias', 'delete', name, 'champion');
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(`mlflow-mct: error: ${name} has no alias @champion — mlflow-mct models versions "${name}" shows the aliases`);
  });

  it('promotes by stage: models:/name/Production follows, --archive-existing archives the previous version, and the deprecation is said once', async () => {
    const name = await modelWithVersions(2);
    const first = await cli('models', 'promote', name, '1', '--stage', 'production');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${name} version 1 is now in stage Production`);
    expect(first.stderr.split(STAGE_WARNING)).toHaveLength(2);
    expect(await resolveWithPython(`models:/${name}/Production`)).toEqual({ [`models:/${name}/Production`]: '1' });

    const second = await cli('models', 'promote', name, '2', '--stage', 'Production', '--archive-existing', '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ kind: 'stage', version: '2', stage: 'Production', archived: ['1'] });
    expect(await resolveWithPython(`models:/${name}/Production`, `models:/${name}/Archived`, `models:/${name}/latest`)).toEqual({
      [`models:/${name}/Production`]: '2',
      [`models:/${name}/Archived`]: '1',
      [`models:/${name}/latest`]: '2',
    });
    const shown = await cli('models', 'show', `models:/${name}/Production`);
    expect(shown.stdout.split('\n').slice(0, 3)).toEqual([`${name} version 2  (models:/${name}/Production)`, '  Stage:       Production', '  Aliases:     -']);
    expect(shown.stderr).not.toContain(STAGE_WARNING);

    const versions = await cli('models', 'versions', name);
    expect(versions.code).toBe(0);
    const rows = versions.stdout.trim().split('\n').map((line) => line.split(/\s{2,}/));
    expect(rows[0]).toEqual(['VERSION', 'STAGE', 'ALIASES', 'STATUS', 'CREATED (UTC)', 'RUN']);
    expect(rows.slice(1).map((row) => row.slice(0, 4))).toEqual([
      ['2', 'Production', '-', 'READY'],
      ['1', 'Archived', '-', 'READY'],
    ]);
  });

  it('lists registered models with a filter, as a table and as JSON', async () => {
    const name = await modelWithVersions(2);
    const client = testClient();
    try {
      await client.setAlias(name, 'champion', 1);
    } finally {
      await client.close();
    }
    const table = await cli('models', 'list', '--filter', `name LIKE '${name}%'`);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]?.split(/\s{2,}/).slice(0, 3)).toEqual([name, '2', '@champion=1']);
    const json = JSON.parse((await cli('models', 'list', '--filter', `name = '${name}'`, '--json')).stdout);
    expect(json.registered_models).toHaveLength(1);
    expect(json.registered_models[0]).toMatchObject({ name, aliases: { champion: '1' } });
    const none = await cli('models', 'list', '--filter', `name = '${uniqueName('nothing')}'`);
    expect(none.stdout).toContain('No registered models match');
  });

  it('shows a LoggedModel by its models:/m-<id> URI, as card from-model takes it', async () => {
    // MLflow 2 has no LoggedModels; the refusal it gets is in the next test.
    if (server().major < 3) return;
    const client = testClient();
    let modelId: string;
    try {
      const experimentId = await client.getOrCreateExperiment('registry-cli');
      const run = await client.createRun({ experimentId, runName: 'logged-model' });
      const model = await client.store.tracking.createLoggedModel({ experimentId, name: 'forest', modelType: 'onnx', sourceRunId: run.info.runId, params: { n_estimators: '100' }, tags: { team: '29' } });
      modelId = model.modelId;
    } finally {
      await client.close();
    }
    const shown = await cli('models', 'show', `models:/${modelId}`, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).logged_model).toMatchObject({ model_id: modelId, name: 'forest', model_type: 'onnx', params: { n_estimators: '100' }, tags: { team: '29' } });
    const text = await cli('models', 'show', `models:/${modelId}`);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(`forest  (models:/${modelId}, a LoggedModel)`);
    expect(text.stdout).toContain('  Params:      n_estimators=100');
  });

  it('refuses bad promotions with one line and exit 2, and --dry-run changes nothing', async () => {
    const name = await modelWithVersions(1);
    const cases: Array<[string[], string]> = [
      [['models', 'promote', name, '1'], 'promote needs exactly one of --alias and --stage'],
      [['models', 'promote', name, '1', '--alias', 'a', '--stage', 'Staging'], 'promote needs exactly one of --alias and --stage'],
      [['models', 'promote', name, '1', '--stage', 'Archived', '--archive-existing'], '--archive-existing only applies when moving to Staging or Production'],
      [['models', 'promote', name, '7', '--alias', 'champion'], `${name} version 7 does not exist`],
      [['models', 'promote', name, 'two', '--alias', 'champion'], 'is not a version number'],
      [['models', 'promote', name, '1', '--alias', 'v2'], 'reserved by MLflow'],
      [['models', 'versions', uniqueName('missing')], 'does not exist'],
      [['models', 'show', 'models:/x'], server().major >= 3 ? 'models:/x does not exist' : 'models:/x names a LoggedModel, which MLflow before 3.0 does not have'],
      [['models', 'show', 'runs:/abc/model'], 'runs:/abc/model is a run URI, not a model'],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      const errors = result.stderr.trim().split('\n').filter((line) => !line.includes(STAGE_WARNING));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
    }
    const dry = await cli('models', 'promote', name, '1', '--stage', 'Production', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would move ${name} version 1 to stage Production`);
    const client = testClient();
    try {
      expect((await client.getModelVersion(name, 1)).currentStage).toBe('None');
    } finally {
      await client.close();
    }
  });
});
