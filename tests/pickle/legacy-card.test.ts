import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';
import { fixturePath, manifest } from './fixtures.js';

/** legacy-card --pkl through the built CLI: the card is filled from the static inspection. */

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
});

const DEFAULT_RISK = 'Loading a pickle file executes arbitrary code.';

function readCard(dir: string): any {
  // Cards are named after the model file: <file stem>_model_card.json.
  const [file] = readdirSync(dir).filter((name) => name.endsWith('_model_card.json'));
  return JSON.parse(readFileSync(join(dir, file as string), 'utf8'));
}

describe('legacy-card --pkl', () => {
  it('fills model details and parameters from the inspected random forest', () => {
    const out = tempDir();
    const pkl = fixturePath('rf-zlib.joblib');
    const result = runCli(['legacy-card', '--pkl', pkl, '--out-dir', out, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const card = readCard(out);
    expect(mctSchemaErrors(card)).toEqual([]);
    const entry = manifest.fixtures.find((fixture) => fixture.file === 'rf-zlib.joblib');
    expect(card.model_details).toMatchObject({
      name: 'RandomForestClassifier (rf-zlib.joblib)',
      overview: 'Pre-existing model provided as the file rf-zlib.joblib; it was never tracked in MLflow.',
      path: 'rf-zlib.joblib',
      documentation: `Model file rf-zlib.joblib: ${entry?.size} bytes, sha256 ${entry?.sha256}. The file was not loaded to write this card.`,
    });
    // The library's version is not the model's: no version is invented.
    expect(card.model_details.version.name).toBeUndefined();
    expect(card.model_details.version.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(card.model_parameters.model_architecture).toMatch(
      /^RandomForestClassifier from scikit-learn 1\.9\.1 \(sklearn\.ensemble\._forest\.RandomForestClassifier\)\. Ensemble of 3 DecisionTreeClassifier estimators, tree depth 2–3, 19 nodes in all\. Hyperparameters: .*n_estimators=3/,
    );
    expect(card.model_parameters.input_format_map.map((item: { key: string }) => item.key)).toEqual(['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g']);
    expect(card.model_parameters.output_format_map).toEqual([
      { key: 'Adelie', value: 'predict_proba column 0' },
      { key: 'Chinstrap', value: 'predict_proba column 1' },
      { key: 'Gentoo', value: 'predict_proba column 2' },
    ]);
    expect(card.considerations.ethical_considerations.map((risk: { name: string }) => risk.name)).toEqual([DEFAULT_RISK]);
    const sidecar = JSON.parse(readFileSync(join(out, 'rf-zlib_model_card.mlflow-mct.json'), 'utf8'));
    expect(sidecar.model_file).toEqual({ name: 'rf-zlib.joblib', size_bytes: entry?.size, sha256: entry?.sha256 });
    const html = readFileSync(join(out, 'rf-zlib_model_card.html'), 'utf8');
    expect(html).toContain('bill_length_mm');
  });

  it('lets --config and flags override what the inspection found', () => {
    const out = tempDir();
    const config = join(out, 'card.json');
    writeFileSync(config, JSON.stringify({ model_parameters: { model_architecture: 'A forest we trained in 2021' } }));
    const result = runCli(['legacy-card', '--pkl', fixturePath('pipeline-p4.pkl'), '--config', config, '--model-version', 'v2', '--out-dir', out]);
    expect(result.code).toBe(0);
    const card = readCard(out);
    expect(card.model_parameters.model_architecture).toBe('A forest we trained in 2021');
    expect(card.model_details.version).toEqual({ name: 'v2', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(card.model_parameters.output_format_map.map((item: { key: string }) => item.key)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('writes the inspection in Spanish with --lang es', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--pkl', fixturePath('logreg-p2.pkl'), '--lang', 'es', '--out-dir', out]);
    expect(result.code).toBe(0);
    const card = readCard(out);
    expect(card.model_parameters.model_architecture).toMatch(/^LogisticRegression de scikit-learn 1\.9\.1 .*Hiperparámetros: .*C=0\.5/);
    expect(card.model_parameters.input_format).toBe('4 variables de entrada, en este orden: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g.');
    expect(card.model_parameters.output_format_map[2]).toEqual({ key: '2', value: 'columna 2 de predict_proba' });
  });

  it('turns a dangerous import into a security consideration and a warning; --strict exits 1', () => {
    const out = tempDir();
    const cwd = tempDir('mlflow-mct-cwd-');
    const plain = runCli(['legacy-card', '--pkl', fixturePath('malicious-os-system.pkl'), '--out-dir', out], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stderr.trim()).toMatch(/^warning: malicious-os-system\.pkl: dangerous import os\.system at byte 0, called with \["touch mct-pickle-marker-os-system"\]/);
    const risks = readCard(out).considerations.ethical_considerations;
    expect(risks.map((risk: { name: string }) => risk.name)).toEqual([DEFAULT_RISK, 'Dangerous import in the model file: os.system']);
    expect(risks[1].mitigation_strategy).toContain('Do not load the file with pickle or joblib');
    expect(readCard(out).model_parameters).toBeUndefined();

    const strictOut = tempDir();
    const strict = runCli(['legacy-card', '--pkl', fixturePath('malicious-stack-global-memo.pkl'), '--strict', '--out-dir', strictOut], { cwd });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('mlflow-mct: error: malicious-stack-global-memo.pkl is dangerous (--strict); the card was written');
    expect(readCard(strictOut).considerations.ethical_considerations[1].name).toBe('Dangerous import in the model file: posix.system');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('passes --strict for a clean model', () => {
    const out = tempDir();
    expect(runCli(['legacy-card', '--pkl', fixturePath('rf-p2.pkl'), '--strict', '--out-dir', out]).code).toBe(0);
  });

  it('rejects a file that is not a pickle with exit 2 and writes nothing', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--pkl', fixturePath('invalid-truncated.pkl'), '--out-dir', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mlflow-mct: error: invalid-truncated\.pkl: FRAME declares 4234 bytes/)]);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses --strict without --pkl', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--strict', '--out-dir', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--strict needs --pkl');
    expect(readdirSync(out)).toEqual([]);
  });
});
