import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runPythonJson } from '../filestore/python.js';
import { describeWithServer, server, testClient, uniqueName } from '../harness/context.js';
import { runCliAsync } from '../helpers/cli-async.js';
import { tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';
import { startRecorder } from '../generative/stub-http.js';

const GPT2 = 'openai-community/gpt2';
const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';
const NEXT_SHA = '11c5a3d5811f50298f278a704980280950aedb10';

/**
 * Real MLflow downloads the registered model itself (`models:/` resolution, artifact proxy),
 * parses its MLmodel with `Model.load`, and says how `mlflow.transformers` would load it.
 */
const READ_REGISTERED_MODEL = `
import json, os, sys, tempfile
from pathlib import Path
import mlflow
from mlflow.models import Model
from mlflow.transformers.flavor_config import FlavorKey
from mlflow.utils.virtualenv import _get_python_env
mlflow.set_tracking_uri(sys.argv[1])
path = mlflow.artifacts.download_artifacts(artifact_uri=sys.argv[2], dst_path=tempfile.mkdtemp())
model = Model.load(path)
flavor = model.flavors["transformers"]
files = sorted(os.path.relpath(os.path.join(root, name), path) for root, _, names in os.walk(path) for name in names)
env = _get_python_env(Path(path))
print(json.dumps({
  "path": path,
  "files": files,
  "transformers": flavor,
  "pyfunc": model.flavors["python_function"],
  "loads_from": "hub" if FlavorKey.MODEL_REVISION in flavor else os.path.join(path, flavor.get(FlavorKey.MODEL_BINARY, "pipeline")),
  "signature": model.signature.to_dict(),
  "run_id": model.run_id,
  "model_id": getattr(model, "model_id", None),
  "pip": [line.strip() for line in open(os.path.join(path, "requirements.txt"))],
  "env_dependencies": env.dependencies,
}))
`;

interface ReadModel {
  path: string;
  files: string[];
  transformers: Record<string, unknown>;
  pyfunc: Record<string, unknown>;
  loads_from: string;
  signature: { inputs: string; outputs: string; params: unknown };
  run_id: string;
  model_id: string | null;
  pip: string[];
  env_dependencies: string[];
}

function readWithPython(uri: string): Promise<ReadModel> {
  const python = server().python;
  if (!python) throw new Error('the harness server has no Python to read with');
  return runPythonJson<ReadModel>(python, READ_REGISTERED_MODEL, [server().url, uri]);
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describeWithServer('register-generative against a real MLflow server', () => {
  it('registers a Hub model by reference: real MLflow reads the transformers flavor with the pinned revision; the version carries the card', async () => {
    const cwd = tempDir();
    const name = uniqueName('gpt2-ref');
    const result = await runCliAsync(
      ['register-generative', '--json', '--model', GPT2, '--revision', SHA, '--mlflow-reg-name', name, '--mlflow-uri', server().url, '--metric', 'perplexity=29.41', '--mlflow-tags', '{"team": "29"}'],
      { cwd },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.mlflow).toMatchObject({ recorded: true, registered_model: { name, version: '1', previous_version: null, changes: `First version of ${name}.` } });

    const seen = await readWithPython(`models:/${name}/1`);
    expect(seen.transformers).toEqual({
      task: 'text-generation',
      instance_type: 'TextGenerationPipeline',
      framework: 'pt',
      code: null,
      components: ['tokenizer'],
      pipeline_model_type: 'AutoModelForCausalLM',
      source_model_name: GPT2,
      source_model_revision: SHA,
      tokenizer_type: 'AutoTokenizer',
      tokenizer_name: GPT2,
      tokenizer_revision: SHA,
    });
    // No weights: MLflow would fetch them from the Hub at that commit.
    expect(seen.loads_from).toBe('hub');
    expect(seen.files.filter((file) => file !== 'registered_model_meta')).toEqual(['LICENSE.txt', 'MLmodel', 'conda.yaml', 'requirements.txt']);
    expect(seen.pyfunc).toMatchObject({ loader_module: 'mlflow.transformers', env: 'conda.yaml' });
    expect(seen.signature).toEqual({ inputs: '[{"type": "string", "required": true}]', outputs: '[{"type": "string", "required": true}]', params: null });
    expect(seen.pip).toEqual(['mlflow', 'transformers', 'torch']);
    expect(seen.env_dependencies).toEqual(['-r requirements.txt']);
    expect(seen.run_id).toBe(summary.mlflow.run_id);

    const client = testClient();
    try {
      const run = await client.getRun(summary.mlflow.run_id);
      expect(run.info.status).toBe('FINISHED');
      expect(run.data.params).toEqual({ source: 'huggingface-hub', model_id: GPT2, revision: SHA, task: 'text-generation', pipeline_model_type: 'AutoModelForCausalLM', tokenizer_type: 'AutoTokenizer' });
      expect(run.data.metrics).toEqual({ perplexity: 29.41 });
      expect(run.data.tags).toMatchObject({ 'mlflow.source.name': 'mlflow-mct register-generative', task: 'text-generation', team: '29', 'mlflow-mct.registered_version': `models:/${name}/1` });
      const version = await client.getModelVersion(name, 1);
      expect(version.description).toMatch(/^# Model Card for openai-community\/gpt2/);
      expect(version.description).toContain('Prompt injection');
      expect(version.description).toContain('| Perplexity | 29.41 |');
      expect(version.tags).toMatchObject({ task: 'text-generation', 'mlflow-mct.card': `runs:/${run.info.runId}/model_card/gpt2_model_card.html` });
      const files = (await client.listArtifacts(`runs:/${run.info.runId}/model_card`)).map((file) => file.path).sort();
      expect(files).toEqual(['gpt2_model_card.html', 'gpt2_model_card.json', 'gpt2_model_card.md', 'gpt2_model_card.mlflow-mct.json']);
    } finally {
      await client.close();
    }
    const card = readJson(join(cwd, 'gpt2_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.version).toMatchObject({ name: '1', diff: `First version of ${name}.` });
    expect(card.model_details.references.map((reference: { reference: string }) => reference.reference)).toEqual([
      `https://huggingface.co/${GPT2}`,
      `${server().url}/#/experiments/${summary.mlflow.experiment_id}/runs/${summary.mlflow.run_id}`,
      `models:/${name}/1`,
    ]);
  });

  it('uploads a local model folder in the flavor layout; the exact parameter count reaches the run, the card and the version', async () => {
    const cwd = tempDir();
    const model = join(cwd, 'tiny-gpt');
    writeTinyModel(model);
    const name = uniqueName('tiny-gpt');
    const result = await runCliAsync(['register-generative', '--json', '--model-dir', model, '--mlflow-reg-name', name, '--mlflow-uri', server().url, '--out-dir', join(cwd, 'card')], { cwd });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);

    const seen = await readWithPython(`models:/${name}/${summary.mlflow.registered_model.version}`);
    expect(seen.transformers).toMatchObject({
      task: 'text-generation',
      model_binary: 'model',
      pipeline_model_type: 'GPT2LMHeadModel',
      tokenizer_type: 'GPT2Tokenizer',
      torch_dtype: 'torch.float32',
      source_model_name: 'tiny-gpt',
      components: ['tokenizer'],
    });
    expect(seen.transformers).not.toHaveProperty('source_model_revision');
    expect(seen.loads_from).toBe(join(seen.path, 'model'));
    expect(seen.files).toEqual(
      expect.arrayContaining([
        'MLmodel',
        'model/config.json',
        'model/model-00001-of-00002.safetensors',
        'model/model-00002-of-00002.safetensors',
        'model/README.md',
        'components/tokenizer/tokenizer_config.json',
        'components/tokenizer/vocab.json',
        'components/tokenizer/merges.txt',
        'model_card.md',
        'model_card_data.yaml',
        'LICENSE.txt',
      ]),
    );
    for (const shard of ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']) {
      expect(readFileSync(join(seen.path, 'model', shard)).equals(readFileSync(join(model, shard)))).toBe(true);
    }
    expect(readFileSync(join(seen.path, 'LICENSE.txt'), 'utf8')).toContain("declares the license: 'mit'");

    const client = testClient();
    try {
      const run = await client.getRun(summary.mlflow.run_id);
      expect(run.data.params).toMatchObject({ source: 'local-folder', parameter_count: '3680', context_length: '128', vocab_size: '50', architecture: 'GPT2LMHeadModel' });
      expect((await client.getModelVersion(name, summary.mlflow.registered_model.version)).description).toContain('Parameters: 3,680');
    } finally {
      await client.close();
    }
    const card = readJson(join(cwd, 'card', 'tiny-gpt_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_parameters.model_architecture).toContain('Parameters: 3,680');
    expect(statSync(join(cwd, 'card', 'tiny-gpt_model_card.html')).size).toBeGreaterThan(1000);
  });

  it("fills the new version's card with what changed since the previous version", async () => {
    const cwd = tempDir();
    const name = uniqueName('gpt2-diff');
    const base = ['register-generative', '--json', '--model', GPT2, '--mlflow-reg-name', name, '--mlflow-uri', server().url];
    const first = await runCliAsync([...base, '--revision', SHA, '--metric', 'perplexity=30', '--out-dir', join(cwd, 'v1')], { cwd });
    expect(first.code).toBe(0);
    const second = await runCliAsync([...base, '--revision', NEXT_SHA, '--metric', 'perplexity=27.5', '--out-dir', join(cwd, 'v2'), '--lang', 'es'], { cwd });
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    const expected = `Desde la versión 1: parámetro revision ${SHA} → ${NEXT_SHA}; métrica perplexity 30 → 27.5 (-2.5)`;
    expect(summary.mlflow.registered_model).toMatchObject({ version: '2', previous_version: '1', changes: expected });
    expect(readJson(join(cwd, 'v2', 'gpt2_model_card.json')).model_details.version.diff).toBe(expected);
    const client = testClient();
    try {
      expect((await client.getModelVersion(name, 2)).description).toContain(expected);
    } finally {
      await client.close();
    }
  });

  it('resolves the revision from the Hub (HF_ENDPOINT) when --revision is left out', async () => {
    const hub = await startRecorder((request, response) => {
      if (request.url === `/api/models/${GPT2}`) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sha: NEXT_SHA }));
      else response.writeHead(404).end();
    });
    try {
      const name = uniqueName('gpt2-hub');
      const result = await runCliAsync(['register-generative', '--json', '--model', GPT2, '--mlflow-reg-name', name, '--mlflow-uri', server().url], { cwd: tempDir(), env: { HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '' } });
      expect(result.code).toBe(0);
      expect(hub.requests.map((request) => request.url)).toEqual([`/api/models/${GPT2}`]);
      expect((await readWithPython(`models:/${name}/1`)).transformers).toMatchObject({ source_model_revision: NEXT_SHA, tokenizer_revision: NEXT_SHA });
    } finally {
      await hub.close();
    }
  });
});
