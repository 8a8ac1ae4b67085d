/**
 * `mlflow-mct predict` through the built CLI on a model `train-penguins` logged in a local store:
 * every input form gives the predictions `serve` answers with, files larger than a chunk stream
 * through whole, and bad input exits 2 with one line and leaves nothing behind.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForestModel } from '../../src/train/forest.js';
import { ForestScorer } from '../../src/onnx/scorer.js';
import { PENGUIN_COLUMNS } from '../../src/workflows/penguin-model.js';
import { CHUNK_ROWS } from '../../src/workflows/predict.js';
import { runCli, tempDir } from '../helpers/cli.js';

const HEADER = PENGUIN_COLUMNS.map((column) => column.name);
/** Complete penguins (no NA) as CSV lines in model column order. */
const PENGUINS = readFileSync(new URL('../../data/penguins.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .filter((line) => !line.includes('NA'))
  .map((line) => line.split(',').slice(1).join(','));

const csv = (lines: readonly string[]): string => `${HEADER.join(',')}\n${lines.join('\n')}\n`;
const parseRow = (line: string): Array<string | number> => line.split(',').map((value, c) => (PENGUIN_COLUMNS[c]!.kind === 'number' ? Number(value) : value));

describe('mlflow-mct predict', () => {
  let cwd = '';
  let modelDir = '';
  let scorer: ForestScorer;

  beforeAll(() => {
    cwd = tempDir();
    const trained = runCli(['train-penguins', '--no-evaluate', '--mlflow-reg-name', 'penguins-rf', '--json', '--out-dir', 'card'], { cwd, env: { MLFLOW_TRACKING_URI: '' } });
    expect(trained.code, trained.stderr).toBe(0);
    const modelId = JSON.parse(trained.stdout).mlflow.model_uri.replace('models:/', '');
    const experiment = readdirSync(join(cwd, 'mlruns')).find((entry) => /^\d+$/.test(entry) && entry !== '0')!;
    modelDir = join(cwd, 'mlruns', experiment, 'models', modelId, 'artifacts');
    const flavor = readFileSync(join(modelDir, 'forest.json'), 'utf8');
    scorer = new ForestScorer(ForestModel.fromJSON(JSON.parse(flavor)), PENGUIN_COLUMNS);
  }, 120_000);

  const run = (args: string[]) => runCli(['predict', ...args], { cwd, env: { MLFLOW_TRACKING_URI: '' } });
  const expected = (lines: readonly string[]) => {
    const { labels, probabilities } = scorer.score(lines.map(parseRow));
    return { label: labels, probabilities: labels.map((_, r) => Array.from(probabilities.subarray(r * 3, r * 3 + 3))) };
  };

  it('scores CSV and every JSON form to the document mlflow models predict writes', () => {
    const lines = PENGUINS.slice(0, 5);
    writeFileSync(join(cwd, 'rows.csv'), csv(lines));
    const records = lines.map((line) => Object.fromEntries(parseRow(line).map((value, c) => [HEADER[c], value])));
    writeFileSync(join(cwd, 'records.json'), JSON.stringify({ dataframe_records: records }));
    writeFileSync(join(cwd, 'split.json'), JSON.stringify({ dataframe_split: { columns: HEADER, data: lines.map(parseRow) } }));
    const fromCsv = run(['-m', modelDir, '-i', 'rows.csv']);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    expect(fromCsv.stdout).toMatch(/^\{"predictions": \{"label": \["\w+", /);
    expect(JSON.parse(fromCsv.stdout)).toEqual({ predictions: expected(lines) });
    for (const input of ['records.json', 'split.json']) expect(run(['-m', modelDir, '-i', input]).stdout).toBe(fromCsv.stdout);
    expect(run(['-m', 'models:/penguins-rf/1', '-i', 'rows.csv', '-t', 'csv']).stdout).toBe(fromCsv.stdout);
    const fromStdin = runCli(['predict', '-m', modelDir, '-i', '-', '-t', 'csv'], { cwd, input: csv(lines) });
    expect([fromStdin.code, fromStdin.stdout]).toEqual([0, fromCsv.stdout]);
  });

  it('writes CSV with a column per class, and a --json summary', () => {
    const lines = PENGUINS.slice(10, 14);
    writeFileSync(join(cwd, 'four.csv'), csv(lines));
    const result = run(['-m', modelDir, '-i', 'four.csv', '-o', 'four-scored.csv', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: 'predict', rows: 4, content_type: 'csv', output_format: 'csv', output: 'four-scored.csv' });
    const { label, probabilities } = expected(lines);
    expect(readFileSync(join(cwd, 'four-scored.csv'), 'utf8')).toBe(
      ['label,probabilities_Adelie,probabilities_Chinstrap,probabilities_Gentoo', ...label.map((name, r) => [name, ...probabilities[r]!.map((p) => (Number.isInteger(p) ? p.toFixed(1) : String(p)))].join(','))].join('\n') + '\n',
    );
  });

  it('streams a file of several chunks whole, and names the absolute row of a bad value', () => {
    const count = CHUNK_ROWS * 2 + 345;
    const lines = Array.from({ length: count }, (_, i) => PENGUINS[i % PENGUINS.length]!);
    writeFileSync(join(cwd, 'many.csv'), csv(lines));
    const result = run(['-m', modelDir, '-i', 'many.csv', '-o', 'many.json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'many.json'), 'utf8'))).toEqual({ predictions: expected(lines) });

    const bad = [...lines];
    bad[CHUNK_ROWS + 7] = bad[CHUNK_ROWS + 7]!.replace(/,\d+$/, ',soon');
    writeFileSync(join(cwd, 'bad.csv'), csv(bad));
    const refused = run(['-m', modelDir, '-i', 'bad.csv', '-o', 'bad-scored.json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`column year .*'soon'.*row ${CHUNK_ROWS + 7}\\b`))]);
    expect(readdirSync(cwd).filter((file) => file.includes('bad-scored'))).toEqual([]);
  });

  it('reads a JSON request of 150,000 rows, and refuses one larger than memory allows', () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => PENGUINS[i % PENGUINS.length]!);
    writeFileSync(join(cwd, 'long.json'), JSON.stringify({ dataframe_split: { columns: HEADER, data: lines.map(parseRow) } }));
    const result = run(['-m', modelDir, '-i', 'long.json', '-o', 'long-scored.csv', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows).toBe(150_000);
    expect(readFileSync(join(cwd, 'long-scored.csv'), 'utf8').trim().split('\n')).toHaveLength(150_001);
    // 19 MB of JSON needs some 150 MB of heap to parse and check; with 64 MB it is refused as it arrives.
    writeFileSync(join(cwd, 'longer.json'), JSON.stringify({ dataframe_split: { columns: HEADER, data: [...lines, ...lines, ...lines].map(parseRow) } }));
    const small = runCli(['predict', '-m', modelDir, '-i', 'longer.json', '-o', 'never.json'], { cwd, env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    expect([small.code, small.stderr.trim().split('\n')]).toEqual([2, [expect.stringMatching(/a JSON input is read whole.*-t csv/)]]);
    expect(readdirSync(cwd).filter((file) => file.includes('never'))).toEqual([]);
  });

  it('exits 2 with one line naming the problem, writing nothing', () => {
    const withoutMass = (line: string) => line.split(',').filter((_, c) => c !== HEADER.indexOf('body_mass_g')).join(',');
    writeFileSync(join(cwd, 'no-mass.csv'), `${withoutMass(HEADER.join(','))}\n${PENGUINS.slice(0, 2).map(withoutMass).join('\n')}\n`);
    writeFileSync(join(cwd, 'broken.json'), '{"dataframe_split": ');
    writeFileSync(join(cwd, 'unknown-island.csv'), csv([PENGUINS[0]!.replace(/^\w+/, 'Atlantis')]));
    const sklearn = join(cwd, 'sklearn-model');
    mkdirSync(sklearn);
    writeFileSync(join(sklearn, 'MLmodel'), 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n');
    const cases: Array<[string[], RegExp]> = [
      [['-m', modelDir, '-i', 'no-mass.csv', '-o', 'out.json'], /missing inputs \['body_mass_g'\]/],
      [['-m', modelDir, '-i', 'broken.json', '-o', 'out.json'], /valid JSON/],
      [['-m', modelDir, '-i', 'unknown-island.csv', '-o', 'out.json'], /unknown category "Atlantis" in column "island"/],
      [['-m', modelDir, '-i', 'nowhere.csv', '-o', 'out.json'], /no such input file/],
      [['-m', join(cwd, 'nowhere'), '-i', 'rows.csv', '-o', 'out.json'], /no such model directory/],
      [['-m', sklearn, '-i', 'rows.csv', '-o', 'out.json'], /no mlflow_mct flavor/],
      [['-m', 'models:/no-such-model@champion', '-i', 'rows.csv', '-o', 'out.json'], /no such model: registered model "no-such-model" does not exist/],
      [['-m', modelDir, '-i', 'rows.csv', '--json'], /--json .* add -o/],
      [['-m', modelDir], /-i\/--input is required/],
      [['-m', 'models:/penguins-rf/1', '-i', 'rows.csv', '--dry-run', '--mlflow-uri', 'http://127.0.0.1:9'], /--dry-run contacts no server/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      expect([args.join(' '), result.code, result.stderr.trim().split('\n')]).toEqual([args.join(' '), 2, [expect.stringMatching(message)]]);
    }
    expect(readdirSync(cwd).filter((file) => file.includes('out.json'))).toEqual([]);
  });

  it('with --dry-run still scores a local model directory', () => {
    const result = run(['-m', modelDir, '-i', 'rows.csv', '-o', 'dry.json', '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dry_run: true, rows: 5 });
    expect(JSON.parse(readFileSync(join(cwd, 'dry.json'), 'utf8')).predictions.label).toHaveLength(5);
  });
});
