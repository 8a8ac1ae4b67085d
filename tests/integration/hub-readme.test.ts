/**
 * The Markdown cards as the Hugging Face Hub reads them: `huggingface_hub` (pinned, in a small
 * venv of its own that the harness creates once) loads the card written by train-penguins and
 * the README written by `card export --format hf`, and finds their metadata and model-index.
 * `ModelCard.validate()` asks the Hub's server, so the checks here are the offline ones:
 * `ModelCard.load` and the `ModelCardData` it parses.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPython, ensureVenv, REPO_ROOT } from '../harness/python-env.js';
import { runCli, tempDir } from '../helpers/cli.js';

const HUB_PACKAGE = 'huggingface_hub==2.4.0';
const READ_CARD = `
import json, sys
from huggingface_hub import ModelCard
card = ModelCard.load(sys.argv[1])
data = card.data
print(json.dumps({
    "metadata": data.to_dict(),
    "model_name": data.model_name,
    "eval_results": [
        {"task": r.task_type, "dataset": r.dataset_name, "metric": r.metric_type, "value": r.metric_value, "name": r.metric_name}
        for r in (data.eval_results or [])
    ],
    "text": card.text,
}))
`;

const python = await findPython();
const ci = process.env.CI === 'true';
if ('missing' in python && ci) throw new Error(`the Hugging Face checks cannot run under CI: ${python.missing}`);

describe.skipIf('missing' in python)('Markdown cards read by huggingface_hub', () => {
  let venvPython = '';
  beforeAll(async () => {
    if ('missing' in python) return;
    const dir = await ensureVenv(python, join(REPO_ROOT, '.venv-hub-2.4.0'), [HUB_PACKAGE], (line) => process.stderr.write(`[hub-env] ${line}\n`));
    venvPython = join(dir, 'bin', 'python');
  }, 300_000);

  function load(path: string): any {
    const script = join(tempDir(), 'read_card.py');
    writeFileSync(script, READ_CARD);
    return JSON.parse(execFileSync(venvPython, [script, path], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1' } }));
  }

  const cwd = tempDir();
  beforeAll(() => {
    const trained = runCli(['train-penguins', '--dry-run', '--cv-folds', '2', '--cv-repeats', '1', '--license', 'Apache-2.0', '--owner', 'Equipo 29 <mlops@example.com>'], { cwd });
    expect(trained.code).toBe(0);
  }, 120_000);

  it('loads the card train-penguins writes, with its metadata and a model-index from the metrics', () => {
    const card = load(join(cwd, 'penguin_model_card.md'));
    expect(card.metadata).toMatchObject({ license: 'apache-2.0', pipeline_tag: 'tabular-classification', tags: expect.arrayContaining(['tabular-classification', 'mlflow-mct']) });
    expect(card.model_name).toBe('Penguin Species Classifier');
    expect(card.eval_results).toContainEqual({ task: 'tabular-classification', dataset: 'Palmer Penguins: evaluation rows', metric: 'accuracy', value: expect.any(Number), name: 'Accuracy' });
    expect(card.eval_results).toContainEqual(expect.objectContaining({ metric: 'f1', name: 'F1 (Adelie)' }));
    expect(card.text).toContain('# Model Card for Penguin Species Classifier');
  });

  it('loads the README card export writes, with the Hub sections filled, and reads the card back from it', () => {
    const hub = join(cwd, 'hub');
    const exported = runCli(['card', 'export', join(cwd, 'penguin_model_card.json'), '--format', 'hf', '--out-dir', hub]);
    expect(exported.code).toBe(0);
    const card = load(join(hub, 'README.md'));
    expect(card.metadata).toMatchObject({ license: 'apache-2.0', pipeline_tag: 'tabular-classification' });
    expect(card.eval_results.length).toBeGreaterThan(10);
    for (const section of ['## Uses', '### Out-of-Scope Use', '## How to Get Started with the Model', '## Citation', '```bibtex', '## Model Card Contact']) expect(card.text).toContain(section);
    expect(card.text).toContain('- Penguins of other species, juveniles or other regions');
    expect(card.text).toContain('<mlops@example.com>');
    const images = readdirSync(hub).filter((file) => file.endsWith('.png'));
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) expect(card.text).toContain(`](${image})`);

    // Round trip: the README gives back the card it was exported from, images included.
    const back = join(cwd, 'back');
    expect(runCli(['card', 'validate', join(hub, 'README.md')]).code).toBe(0);
    expect(runCli(['card', 'render', join(hub, 'README.md'), '--format', 'json', '--out-dir', back]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(back, 'README.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(cwd, 'penguin_model_card.json'), 'utf8')));
  });
});
