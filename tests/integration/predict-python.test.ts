/**
 * `mlflow-mct predict` next to `mlflow models predict --env-manager local` on the same registered
 * model and the same files (the 333 complete penguins, as CSV and as a `dataframe_split` JSON
 * request): the same labels, probabilities within 1e-6, the same document layout.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { describeWithServer, scratchDir, server, uniqueName } from '../harness/context.js';
import { modelsEnv, modelsPython } from '../harness/python-models.js';
import { modelsVenvBin } from '../harness/python-env.js';
import { runCliAsync } from '../helpers/cli-async.js';

const run = promisify(execFile);

const [header, ...rows] = readFileSync(new URL('../../data/penguins.csv', import.meta.url), 'utf8').trim().split('\n');
const COLUMNS = header!.split(',').slice(1);
const COMPLETE = rows.filter((line) => !line.includes('NA')).map((line) => line.split(',').slice(1));

interface Document {
  predictions: { label: string[]; probabilities: number[][] };
}

describeWithServer('mlflow-mct predict next to mlflow models predict', () => {
  const name = uniqueName('penguins-predict');
  const uri = `models:/${name}@champion`;
  let cwd = '';

  beforeAll(async () => {
    await modelsPython();
    cwd = await scratchDir('predict');
    const trained = await runCliAsync(['train-penguins', '--json', '--mlflow-uri', server().url, '--mlflow-reg-name', name, '--mlflow-alias', 'champion', '--no-evaluate'], { cwd });
    expect(trained.code, trained.stderr).toBe(0);
    writeFileSync(join(cwd, 'penguins.csv'), `${COLUMNS.join(',')}\n${COMPLETE.map((values) => values.join(',')).join('\n')}\n`);
    const data = COMPLETE.map((values) => values.map((value, c) => (['island', 'sex'].includes(COLUMNS[c]!) ? value : Number(value))));
    writeFileSync(join(cwd, 'penguins.json'), JSON.stringify({ dataframe_split: { columns: COLUMNS, data } }));
  }, 1_200_000);

  it.each(['csv', 'json'])('gives the predictions Python gives for %s input', async (format) => {
    const input = `penguins.${format}`;
    await run(modelsVenvBin(server().version, 'mlflow'), ['models', 'predict', '-m', uri, '-i', input, '-t', format, '-o', `python-${format}.json`, '--env-manager', 'local'], {
      cwd,
      env: modelsEnv(),
    });
    const ours = await runCliAsync(['predict', '-m', uri, '-i', input, '-t', format, '-o', `ours-${format}.json`, '--mlflow-uri', server().url], { cwd });
    expect(ours.code, ours.stderr).toBe(0);
    const python = JSON.parse(readFileSync(join(cwd, `python-${format}.json`), 'utf8')) as Document;
    const oursDocument = JSON.parse(readFileSync(join(cwd, `ours-${format}.json`), 'utf8')) as Document;
    expect(oursDocument.predictions.label).toHaveLength(COMPLETE.length);
    expect(oursDocument.predictions.label).toEqual(python.predictions.label);
    oursDocument.predictions.probabilities.forEach((row, r) => row.forEach((p, k) => expect(Math.abs(p - python.predictions.probabilities[r]![k]!)).toBeLessThan(1e-6)));
    // Python's layout: `{"predictions": {"label": [...], "probabilities": [[...]]}}` with ", " and ": ".
    expect(readFileSync(join(cwd, `ours-${format}.json`), 'utf8').slice(0, 40)).toBe(readFileSync(join(cwd, `python-${format}.json`), 'utf8').slice(0, 40));
  }, 300_000);
});
