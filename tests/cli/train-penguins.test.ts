import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';

const FAST = ['--cv-folds', '2', '--cv-repeats', '1'];

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('train-penguins --dry-run', () => {
  it('tags the run with the commit of the git checkout it runs in, and with none outside one', () => {
    const outside = tempDir();
    const untracked = JSON.parse(runCli(['train-penguins', '--dry-run', '--json', '--no-evaluate'], { cwd: outside }).stdout);
    expect(untracked.mlflow.plan.tags).not.toHaveProperty(['mlflow.source.git.commit']);

    const checkout = tempDir();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: checkout, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'first');
    const tracked = JSON.parse(runCli(['train-penguins', '--dry-run', '--json', '--no-evaluate'], { cwd: checkout }).stdout);
    expect(tracked.mlflow.plan.tags['mlflow.source.git.commit']).toBe(git('rev-parse', 'HEAD'));
  });

  it('trains on the canonical data, writes a valid card, prints the plan and records nothing', () => {
    const cwd = tempDir();
    const result = runCli(['train-penguins', '--dry-run', '--json', ...FAST], { cwd });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.dry_run).toBe(true);
    // The seed split: 66 of 67 test rows right, as scikit-learn gets.
    // The forest gets every one of the 67 seed test rows right (scikit-learn: 66).
    expect(summary.metrics.accuracy).toBe(1);
    expect(summary.mlflow.recorded).toBe(false);
    expect(summary.mlflow.plan.params).toMatchObject({ n_estimators: '100', max_features: 'sqrt', max_depth: 'None', min_samples_split: '2', min_samples_leaf: '1', bootstrap: 'True', random_state: '42', test_size: '0.2', rows_used: '333', rows_dropped: '11', n_features: '8' });
    expect(Object.keys(summary.mlflow.plan.metrics)).toEqual(expect.arrayContaining(['accuracy', 'f1_macro', 'f1_weighted', 'f1_Adelie', 'accuracy_cv_mean', 'accuracy_cv_std']));
    expect(summary.mlflow.plan.artifacts).toEqual(expect.arrayContaining(['model/MLmodel', 'model_card/penguin_model_card.html', 'results/model_results.json']));
    expect(existsSync(join(cwd, 'mlruns'))).toBe(false);
    expect(readdirSync(cwd).filter((file) => !file.endsWith('.png')).sort()).toEqual(['penguin_model_card.html', 'penguin_model_card.json', 'penguin_model_card.md', 'penguin_model_card.mlflow-mct.json']);
    // The Markdown shows its charts as PNG files beside it, and has Hub front matter.
    const markdown = readFileSync(join(cwd, 'penguin_model_card.md'), 'utf8');
    const charts = readdirSync(cwd).filter((file) => file.endsWith('.png'));
    expect(charts.length).toBeGreaterThanOrEqual(3);
    for (const chart of charts) expect(markdown).toContain(`](${chart})`);
    expect(markdown).toMatch(/^---\n[\s\S]*pipeline_tag: tabular-classification\n[\s\S]*model-index:/);

    const card = readJson(join(cwd, 'penguin_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe('Penguin Species Classifier');
    expect(card.model_details.version).toEqual({ name: '0.1.0', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(card.model_details.citations[0].citation).toContain('Gorman KB, Williams TD, Fraser WR (2014)');
    expect(card.quantitative_analysis.performance_metrics[0]).toEqual({
      type: 'accuracy',
      value: '1.0000',
      confidence_interval: { lower_bound: '0.9458', upper_bound: '1.0000' },
    });
    expect(card.quantitative_analysis.performance_metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'f1', value: '1.0000', slice: 'Chinstrap', confidence_interval: expect.objectContaining({ upper_bound: expect.any(String) }) }),
        { type: 'support', value: '18', slice: 'Chinstrap' },
      ]),
    );
    expect(card.model_parameters.input_format_map.map((entry: { key: string }) => entry.key)).toEqual([
      'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year', 'island_Dream', 'island_Torgersen', 'sex_male',
    ]);
    expect(card.model_parameters.data.map((dataset: { description: string }) => dataset.description)).toEqual([
      expect.stringContaining('266 rows'),
      expect.stringContaining('67 held-out rows'),
    ]);
    expect(card.considerations.limitations[0].description).toContain('three species');
    const html = readFileSync(join(cwd, 'penguin_model_card.html'), 'utf8');
    // Confusion matrix, per-class metrics with intervals, cross-validation spread, feature importance:
    // each with alt text that states its data and a table of its numbers.
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html.match(/<table class="data">/g)).toHaveLength(4);
    expect(html).toContain('alt="Heatmap of counts: Confusion matrix (test rows). Rows: True species; columns: Predicted species. Adelie: Adelie 31, Chinstrap 0, Gentoo 0;');
    expect(card.quantitative_analysis.graphics.collection.map((graphic: { name: string }) => graphic.name)).toEqual([
      'Confusion matrix (test rows)',
      'Precision, recall and F1 per species with 95% intervals (test rows)',
      'Cross-validation scores: 2 fits (2 folds × 1 repeat)',
      'Feature importance',
    ]);
  });

  it('gives the same card for the same seed, in Spanish with --lang es', () => {
    const first = tempDir();
    const second = tempDir();
    for (const cwd of [first, second]) expect(runCli(['train-penguins', '--dry-run', '--no-evaluate', '--lang', 'es'], { cwd }).code).toBe(0);
    const card = readFileSync(join(first, 'penguin_model_card.json'), 'utf8');
    expect(readFileSync(join(second, 'penguin_model_card.json'), 'utf8')).toBe(card);
    expect(JSON.parse(card).model_details).toMatchObject({
      name: 'Clasificador de Especies de Pingüinos',
      overview: 'Bosque aleatorio entrenado para predecir la especie de un pingüino a partir de sus medidas, isla, sexo y año.',
    });
    expect(readFileSync(join(first, 'penguin_model_card.md'), 'utf8')).toContain('## Consideraciones');
  });
});

describe('train-penguins bad input', () => {
  const cases: Array<[string, string[], string]> = [
    ['invalid --mlflow-tags JSON', ['--mlflow-tags', '{team: 29}'], '--mlflow-tags is not valid JSON'],
    ['a non-object --mlflow-tags', ['--mlflow-tags', '[1]'], '--mlflow-tags must be a JSON object'],
    ['a version that is not semver', ['--model-version', 'v1'], '--model-version "v1" is not a semantic version'],
    ['an alias without a registered name', ['--mlflow-alias', 'champion'], '--mlflow-alias needs --mlflow-reg-name'],
    ['a test size out of range', ['--test-size', '1.5'], 'expected a number between 0 and 1'],
    ['a non-integer tree count', ['--n-estimators', '10.5'], 'expected a whole number >= 1'],
    ['an unknown --max-features rule', ['--max-features', 'half'], 'expected sqrt, log2, all, a whole number of features'],
    ['more features per split than the data has', ['--max-features', '9', '--no-evaluate'], 'max_features must be sqrt, log2, all, a whole number from 1 to 8'],
    ['a min_samples_split below 2', ['--min-samples-split', '1'], 'expected a whole number >= 2'],
    ['a zero max depth', ['--max-depth', '0'], 'expected a whole number >= 1'],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}: exit 2, one line, nothing written`, () => {
      const cwd = tempDir();
      const result = runCli(['train-penguins', ...args], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(cwd)).toEqual([]);
    });
  }

  it('names the file and column of bad data, and records nothing', () => {
    const cwd = tempDir();
    const data = join(cwd, 'bad.csv');
    writeFileSync(data, 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,sex,year\nAdelie,Dream,39.1,18.7,181,male,2007\n');
    const result = runCli(['train-penguins', '--data', data, '--out-dir', join(cwd, 'out')], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('bad.csv');
    expect(result.stderr).toContain('body_mass_g');
    expect(readdirSync(cwd)).toEqual(['bad.csv']);
  });

  it('refuses, before reading it, a data file too big for the memory the process may use', () => {
    const cwd = tempDir();
    const canonical = readFileSync(new URL('../../data/penguins.csv', import.meta.url), 'utf8');
    const [header, ...rows] = canonical.trim().split('\n');
    const data = join(cwd, 'big.csv');
    // About 16 MB of rows against a heap of 48 MB: parsing would need ten times the file size.
    writeFileSync(data, [header, ...Array.from({ length: 1000 }, () => rows.join('\n'))].join('\n'));
    const result = runCli(['train-penguins', '--data', data, '--dry-run', '--out-dir', join(cwd, 'out')], { cwd, env: { NODE_OPTIONS: '--max-old-space-size=48' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/big\.csv: the data file is \d+ MB; reading it needs about \d+ MB of memory/);
    expect(result.stderr).toContain('--max-old-space-size');
    expect(readdirSync(cwd)).toEqual(['big.csv']);
  });

  it('refuses an infinite measurement, naming the row and column', () => {
    const cwd = tempDir();
    const data = join(cwd, 'inf.csv');
    writeFileSync(data, 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nAdelie,Dream,39.1,18.7,1e999,3750,male,2007\n');
    const result = runCli(['train-penguins', '--data', data, '--dry-run'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('row 1 (line 2), column "flipper_length_mm"');
    expect(result.stderr).toContain('not a finite number');
  });

  it('trains on a CSV with a BOM and CRLF line endings', () => {
    const cwd = tempDir();
    const canonical = readFileSync(new URL('../../data/penguins.csv', import.meta.url), 'utf8');
    const data = join(cwd, 'windows.csv');
    writeFileSync(data, `\uFEFF${canonical.replace(/\n/g, '\r\n')}`);
    const result = runCli(['train-penguins', '--data', data, '--dry-run', '--no-evaluate', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).metrics.accuracy).toBe(1);
  });
});

describe('train-penguins picks its experiment as MLflow does', () => {
  it('records into the existing experiment MLFLOW_EXPERIMENT_ID names, and the seed scripts\' MODEL_VERSION', async () => {
    const cwd = tempDir();
    const store = new FileStore(join(cwd, 'mlruns'));
    const experimentId = await store.tracking.createExperiment({ name: 'chosen-by-id' });
    const env = { MLFLOW_TRACKING_URI: '', MLFLOW_EXPERIMENT_NAME: '', MLFLOW_EXPERIMENT_ID: experimentId, MODEL_VERSION: '2.3.4' };
    const result = runCli(['train-penguins', '--no-evaluate', '--json'], { cwd, env });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.mlflow.experiment_id).toBe(experimentId);
    const run = await store.tracking.getRun(summary.mlflow.run_id);
    expect(run.info.experimentId).toBe(experimentId);
    expect(run.data.tags.model_version).toBe('2.3.4');
    expect((await store.tracking.getExperimentByName('penguins'))).toBeUndefined();
  });
});
