import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullName, specOf } from '../../src/cli/define.js';
import { buildProgram, commandTree } from '../../src/cli/program.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { SCHEMA_DIR, checkJsonContract, schemaFileOf } from '../helpers/json-contract.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';

/** Every command that takes --json. */
const jsonCommands = commandTree(await buildProgram())
  .filter((command) => specOf(command)?.flags.some((flag) => flag.flags === '--json'))
  .map(fullName);

/**
 * Real runs of every command against a local MLflow store (no server, no network), in an order
 * that makes each one's input: a trained and registered model, then the registry and card commands.
 */
const runs: Array<[string, string[]]> = [
  ['train a model and register it', ['train-penguins', '--no-evaluate', '--mlflow-reg-name', 'penguins-rf']],
  ['train with --dry-run', ['train-penguins', '--no-evaluate', '--dry-run', '--out-dir', 'dry']],
  ['register a Hub model by reference', ['register-generative', '--model', 'openai-community/gpt2', '--revision', SHA, '--mlflow-alias', 'champion', '--out-dir', 'gen']],
  ['plan a registration', ['register-generative', '--dry-run', '--model', 'openai-community/gpt2', '--out-dir', 'gen-dry']],
  ['list models', ['models', 'list']],
  ['list versions', ['models', 'versions', 'penguins-rf']],
  ['show a version', ['models', 'show', 'models:/penguins-rf/1']],
  ['promote by alias', ['models', 'promote', 'penguins-rf', '1', '--alias', 'champion']],
  ['promote by stage', ['models', 'promote', 'penguins-rf', '1', '--stage', 'Staging']],
  ['plan a promotion', ['models', 'promote', 'penguins-rf', '1', '--alias', 'next', '--dry-run']],
  ['card from a model, attached', ['card', 'from-model', 'models:/penguins-rf@champion', '--attach', '--out-dir', 'from-model']],
  ['plan a card from a run', ['card', 'from-run', '0123456789abcdef0123456789abcdef', '--dry-run']],
  ['plan an alias deletion', ['models', 'alias', 'delete', 'penguins-rf', 'champion', '--dry-run']],
  ['delete an alias', ['models', 'alias', 'delete', 'penguins-rf', 'champion']],
  ['legacy card from a pickle', ['legacy-card', '--pkl', join(fixtures, 'pickle/rf-p4.pkl'), '--out-dir', 'legacy']],
  ['API card with an attachment planned', ['api-card', '--dry-run', '--mlflow-reg-name', 'm', '--mlflow-reg-version', '2', '--out-dir', 'api']],
  ['validate a valid card', ['card', 'validate', join(fixtures, 'mct/full.json')]],
  ['validate an invalid card', ['card', 'validate', 'bad-card.json']],
  ['render a card', ['card', 'render', join(fixtures, 'mct/cats_vs_dogs_v0_0_1.json'), '--out-dir', 'rendered']],
  ['check a card for a profile', ['card', 'check', join(fixtures, 'mct/full.json'), '--profile', 'eu-ai-act']],
  ['check a card below a minimum score', ['card', 'check', join(fixtures, 'mct/full.json'), '--min-score', '100']],
  ['export a card for the Hugging Face Hub', ['card', 'export', join(fixtures, 'mct/cats_vs_dogs_v0_0_1.json'), '--format', 'hf', '--out-dir', 'hub']],
  ['inspect a clean pickle', ['inspect', join(fixtures, 'pickle/rf-p4.pkl')]],
  ['inspect a dangerous pickle', ['inspect', join(fixtures, 'pickle/malicious-os-system.pkl')]],
  ['plan serving a model', ['serve', '-m', 'models:/penguins-rf@champion', '--dry-run']],
  ['score a file', ['predict', '-m', 'models:/penguins-rf/1', '-i', 'rows.csv', '-o', 'predictions.csv']],
];

describe('the --json contract', () => {
  const results = new Map<string, CliResult>();
  let runId = '';

  beforeAll(() => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad-card.json'), JSON.stringify({ model_details: { name: 1 } }));
    writeFileSync(join(cwd, 'rows.csv'), 'island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nDream,47.7,17.7,197,4042,male,2009\n');
    for (const [what, args] of runs) {
      results.set(what, runCli([...args, '--json'], { cwd, env: { HF_HUB_OFFLINE: '1', MLFLOW_TRACKING_URI: '' } }));
      if (what === 'train a model and register it') runId = String(JSON.parse(results.get(what)?.stdout ?? '{}').mlflow?.run_id);
    }
    results.set('card from a run', runCli(['card', 'from-run', runId, '--out-dir', 'from-run', '--json'], { cwd }));
  }, 600_000);

  it.each([...runs.map(([what]) => what), 'card from a run'])('%s: one document that matches its command schema', (what) => {
    const result = results.get(what);
    expect(result?.stdout, result?.stderr).toMatch(/^\{/);
    const document = checkJsonContract(result?.stdout ?? '');
    expect(document.schema_version).toBe('1');
    expect(Object.keys(document).slice(0, 2)).toEqual(['schema_version', 'command']);
    // snake_case throughout, except the names of tags, params, metrics and hyperparameters.
    const keys = JSON.stringify(document, (key, value) => (['tags', 'params', 'metrics', 'hyperparameters', 'fitted', 'counts', 'aliases'].includes(key) ? undefined : value));
    expect(keys.match(/"[a-z]+[A-Z][A-Za-z]*":/g) ?? []).toEqual([]);
  });

  it('exits as the command promises while printing its document', () => {
    expect(results.get('validate an invalid card')?.code).toBe(2);
    expect(results.get('inspect a dangerous pickle')?.code).toBe(1);
    expect(results.get('check a card below a minimum score')?.code).toBe(1);
    for (const what of ['train a model and register it', 'register a Hub model by reference', 'card from a run', 'delete an alias']) expect(results.get(what)?.code).toBe(0);
  });

  it('ships a schema for every command that takes --json, and no other', () => {
    const shipped = readdirSync(SCHEMA_DIR).filter((file) => file !== 'common.schema.json').sort();
    expect(shipped).toEqual(jsonCommands.map(schemaFileOf).sort());
    const exercised = new Set([...results.values()].map((result) => schemaFileOf(String(JSON.parse(result.stdout).command))));
    // push needs a tracking server: tests/push/cli.test.ts checks its document.
    expect([...exercised, schemaFileOf('push')].sort()).toEqual(shipped);
  });

  it('rejects a document that breaks the contract', () => {
    const good = results.get('list models')?.stdout ?? '';
    expect(() => checkJsonContract(good)).not.toThrow();
    const renamed = JSON.stringify({ ...JSON.parse(good), registeredModels: [] });
    expect(() => checkJsonContract(renamed)).toThrow(/must NOT have additional properties/);
  });
});
