/**
 * The public API is what package.json exports, and what it exports works: each entry point is
 * imported by the package's own name from the built package (Node resolves the name through
 * package.json "exports", as it does for users), and a module that is not exported stays
 * private.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function importByName(specifier: string, expression: string): { code: number | null; stdout: string; stderr: string } {
  const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(${expression}));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

it.each([
  ['mlflow-mct', "[typeof m.parseCard, typeof m.renderCard, typeof m.MctError, 'MlflowClient' in m]", [ 'function', 'function', 'function', false ]],
  ['mlflow-mct/card', '[typeof m.parseCard, typeof m.toMctJson, typeof m.writeCard]', ['function', 'function', 'function']],
  ['mlflow-mct/mlflow', '[typeof m.MlflowClient, typeof m.loadMlflowConfig, typeof m.FileStore, typeof m.RestStore, m.LOG_MODEL_HISTORY_TAG]', ['function', 'function', 'function', 'function', 'mlflow.log-model.history']],
  ['mlflow-mct/train', '[typeof m.trainAndEvaluate, typeof m.loadPenguins]', ['function', 'function']],
  ['mlflow-mct/pickle', '[typeof m.inspectModelFile, typeof m.inspectionToCard]', ['function', 'function']],
])('%s is importable by name from the built package', (specifier, expression, expected) => {
  const result = importByName(specifier, expression);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toEqual(expected);
});

it('a module that is not exported cannot be imported by name', () => {
  const result = importByName('mlflow-mct/dist/mlflow/rest/http.js', 'Object.keys(m)');
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
});
