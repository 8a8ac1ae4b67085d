import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonFloat, pythonJson } from '../../src/mlflow/scoring/python-json.js';
import { createScoringServer } from '../../src/mlflow/scoring/server.js';
import { ForestScorer } from '../../src/onnx/scorer.js';
import { PENGUIN_COLUMNS } from '../../src/workflows/penguin-model.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { randomForest } from '../onnx/random-forest.js';

describe("Python's json.dumps, which MLflow's server answers with", () => {
  it('writes floats in repr form', () => {
    expect([0, 1, -0, 0.5, 1e-5, 0.0001, 1.5e16, 1e22, 0.8166666626930237, NaN, Infinity].map(pythonFloat)).toEqual([
      '0.0', '1.0', '-0.0', '0.5', '1e-05', '0.0001', '1.5e+16', '1e+22', '0.8166666626930237', 'NaN', 'Infinity',
    ]);
  });

  it('separates with ", " and ": " and escapes non-ASCII', () => {
    expect(pythonJson({ predictions: { label: ['Adélie'], probabilities: [[1, 0]] } })).toBe('{"predictions": {"label": ["Ad\\u00e9lie"], "probabilities": [[1.0, 0.0]]}}');
  });
});

describe('the scoring server', () => {
  const forest = randomForest(5, 10, 4);
  const scorer = new ForestScorer(forest, PENGUIN_COLUMNS);
  const logged: string[] = [];
  const server = createScoringServer({
    model: {
      inputs: PENGUIN_COLUMNS.map((column) => ({ name: column.name, type: column.kind === 'number' ? 'float64' : 'string' })),
      predict: (rows) => ({ label: scorer.score(rows).labels }),
    },
    version: '9.9.9',
    maxBodyBytes: 2000,
    log: (line) => logged.push(line),
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const post = (body: string, type = 'application/json') => fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': type }, body });
  const row = { island: 'Dream', bill_length_mm: 47.7, bill_depth_mm: 17.7, flipper_length_mm: 197, body_mass_g: 4042, sex: 'male', year: 2009 };

  it('answers every input form with the same predictions', async () => {
    const columns = Object.keys(row);
    const bodies = [
      JSON.stringify({ dataframe_split: { columns, data: [Object.values(row)] } }),
      JSON.stringify({ dataframe_records: [row] }),
      JSON.stringify({ instances: [row] }),
      JSON.stringify({ inputs: Object.fromEntries(Object.entries(row).map(([key, value]) => [key, [[value]]])) }),
    ];
    const expected = `{"predictions": {"label": ["${scorer.score([Object.values(row)]).labels[0]}"]}}`;
    for (const body of bodies) expect(await (await post(body)).text()).toBe(expected);
    expect(await (await post(`${columns.join(',')}\n${Object.values(row).join(',')}\n`, 'text/csv')).text()).toBe(expected);
    expect(logged.at(-1)).toMatch(/^POST \/invocations 200 [\d.]+ms rows=1$/);
  });

  it("refuses what MLflow refuses, with MLflow's status and error JSON naming the column", async () => {
    const missing = await post(JSON.stringify({ dataframe_records: [{ ...row, body_mass_g: undefined }] }));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("['body_mass_g']") });
    const wrongType = await (await post(JSON.stringify({ dataframe_records: [{ ...row, year: 'soon' }] }))).json();
    expect(wrongType).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringContaining('column year') });
    const oversized = await post(JSON.stringify({ dataframe_records: Array.from({ length: 30 }, () => row) }));
    expect([oversized.status, (await oversized.json()).error_code]).toEqual([400, 'BAD_REQUEST']);
    expect((await post('x', 'text/plain')).status).toBe(415);
    expect((await fetch(`${base}/ping`, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${base}/version`)).text()).toBe('9.9.9');
  });
});

describe('mlflow-mct serve on bad input', () => {
  it('exits 2 with one line for a missing model directory and for a model it cannot serve', () => {
    const cwd = tempDir();
    const missing = runCli(['serve', '-m', join(cwd, 'nowhere'), '--port', '0'], { cwd });
    expect([missing.code, missing.stderr.trim().split('\n')]).toEqual([2, [expect.stringContaining('no such model directory')]]);
    const other = join(cwd, 'sklearn-model');
    mkdirSync(other);
    writeFileSync(join(other, 'MLmodel'), 'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n');
    const refused = runCli(['serve', '-m', other, '--port', '0'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no mlflow_mct flavor');
    expect(runCli(['serve', '--port', '0'], { cwd }).code).toBe(2);
  });
});
