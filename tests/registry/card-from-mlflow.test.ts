import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';

const FAST = ['--cv-folds', '2', '--cv-repeats', '1'];

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** What MLflow's REST API says about a run: its latest metrics and its params. */
async function runFromRest(runId: string): Promise<{ metrics: Record<string, number>; params: Record<string, string> }> {
  const response = await fetch(`${server().url}/api/2.0/mlflow/runs/get?run_id=${runId}`);
  const body = (await response.json()) as { run: { data: { metrics?: Array<{ key: string; value: number }>; params?: Array<{ key: string; value: string }> } } };
  return {
    metrics: Object.fromEntries((body.run.data.metrics ?? []).map(({ key, value }) => [key, value])),
    params: Object.fromEntries((body.run.data.params ?? []).map(({ key, value }) => [key, value])),
  };
}

describeWithServer('cards from what MLflow holds', () => {
  it('card from-run on a train-penguins run keeps the quality of the card train-penguins wrote, and --attach puts it on the run and the version', { timeout: 120_000 }, async () => {
    const cwd = tempDir();
    const name = uniqueName('penguins-rf');
    const trained = await runCliAsync(['train-penguins', '--json', '--mlflow-uri', server().url, '--mlflow-experiment', uniqueName('penguins'), '--mlflow-reg-name', name, ...FAST], { cwd });
    expect(trained.code).toBe(0);
    const runId: string = JSON.parse(trained.stdout).mlflow.run_id;
    const original = readJson(join(cwd, 'penguin_model_card.json'));

    const out = join(cwd, 'from-run');
    const result = await runCliAsync(['card', 'from-run', runId, '--mlflow-uri', server().url, '--out-dir', out, '--attach', '--json', '--owner', 'Equipo 29 <mlops@example.com>'], { cwd });
    // The full card is longer than a version description holds: MLflow gets it cut, with a pointer to the file.
    expect(result.stderr).not.toContain('error');
    expect(result.code, result.stderr).toBe(0);
    const [cardFile] = readdirSync(out).filter((file) => file.endsWith('_model_card.json'));
    // Named after the registered model and version.
    expect(cardFile).toMatch(/-v1_model_card\.json$/);
    const card = readJson(join(out, cardFile as string));
    expect(mctSchemaErrors(card)).toEqual([]);

    // The card the run logged is the start: rounded metrics with their slices, charts, uses and limitations.
    expect(card.quantitative_analysis).toEqual(original.quantitative_analysis);
    expect(card.quantitative_analysis.performance_metrics).toContainEqual(expect.objectContaining({ type: 'f1', value: expect.stringMatching(/^\d\.\d{4}$/), slice: 'Adelie' }));
    expect(card.considerations).toEqual(original.considerations);
    expect(card.model_parameters).toEqual(original.model_parameters);
    // MLflow's facts bring it up to date: the registered name, version, date and what changed.
    expect(card.model_details).toMatchObject({
      name,
      owners: [{ name: 'Equipo 29', contact: 'mlops@example.com' }],
      version: { name: '1', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), diff: `First version of ${name}.` },
      path: `models:/${name}/1`,
    });
    expect(JSON.stringify(card)).not.toMatch(/file:\/\/|mlruns/);
    // The exact values stay beside the card.
    const rest = await runFromRest(runId);
    const sidecar = readJson(join(out, (cardFile as string).replace(/json$/, 'mlflow-mct.json')));
    expect(sidecar.mlflow.run.params).toEqual(rest.params);
    expect(sidecar.mlflow.run.metrics).toEqual(rest.metrics);
    expect(sidecar.hub.pipeline_tag).toBe('tabular-classification');

    const client = testClient();
    try {
      const files = (await client.listArtifacts(`runs:/${runId}/model_card`)).map((file) => file.path);
      expect(files).toEqual(expect.arrayContaining([cardFile, (cardFile as string).replace(/json$/, 'md')]));
      const version = await client.getModelVersion(name, 1);
      expect(version.description).toMatch(new RegExp(`^# Model Card for ${name}`));
      expect(version.description).toContain('Equipo 29');
    } finally {
      await client.close();
    }
  });

  it("card from-model names the version and what changed since the previous one; a generative version gets the text-generation card back", { timeout: 120_000 }, async () => {
    const cwd = tempDir();
    const name = uniqueName('tiny-gpt');
    const model = join(cwd, 'tiny');
    writeTinyModel(model);
    const base = ['register-generative', '--model-dir', model, '--mlflow-reg-name', name, '--mlflow-uri', server().url];
    expect((await runCliAsync([...base, '--metric', 'perplexity=40', '--out-dir', join(cwd, 'v1')], { cwd })).code).toBe(0);
    expect((await runCliAsync([...base, '--metric', 'perplexity=35', '--out-dir', join(cwd, 'v2'), '--mlflow-alias', 'champion'], { cwd })).code).toBe(0);

    const out = join(cwd, 'from-model');
    const result = await runCliAsync(['card', 'from-model', `models:/${name}@champion`, '--mlflow-uri', server().url, '--out-dir', out, '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).mlflow.registered_model).toMatchObject({ name, version: '2', previous_version: '1' });
    const [cardFile] = readdirSync(out).filter((file) => file.endsWith('_model_card.json'));
    const card = readJson(join(out, cardFile as string));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.version).toMatchObject({ name: '2', diff: 'Since version 1: metric perplexity 40 → 35 (-5)' });
    expect(card.model_details.name).toBe('tiny');
    expect(card.model_parameters.model_architecture).toContain('Parameters: 3,680');
    expect(card.considerations.ethical_considerations).toHaveLength(5);
    expect(card.quantitative_analysis.performance_metrics).toEqual([{ type: 'perplexity', value: '35' }]);
    // The card register-generative wrote for version 2 and the one rebuilt from MLflow agree.
    const written = readJson(join(cwd, 'v2', 'tiny_model_card.json'));
    expect(card.model_parameters.model_architecture).toBe(written.model_parameters.model_architecture);
    expect(card.model_details.version.diff).toBe(written.model_details.version.diff);
    expect(card.considerations).toEqual(written.considerations);
  });

  it('refuses a missing run or version with one line and exit 2; --dry-run reads nothing', async () => {
    const cwd = tempDir();
    const cases: Array<[string[], string]> = [
      [['card', 'from-run', '0123456789abcdef0123456789abcdef'], 'does not exist'],
      [['card', 'from-model', `models:/${uniqueName('missing')}/1`], 'does not exist'],
      [['card', 'from-model', 'runs:/abc/model'], 'use mlflow-mct card from-run abc'],
      [['card', 'from-model', 'models:/'], 'is not a valid model URI'],
    ];
    for (const [args, message] of cases) {
      const result = await runCliAsync([...args, '--mlflow-uri', server().url, '--out-dir', join(cwd, 'out')], { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
    }
    const dry = await runCliAsync(['card', 'from-run', 'abc', '--mlflow-uri', 'http://127.0.0.1:9', '--dry-run'], { cwd });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('read run abc from http://127.0.0.1:9');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
