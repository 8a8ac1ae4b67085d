import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli-async.js';
import { CLI, tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';
import { startRecorder } from './stub-http.js';

const GPT2 = 'openai-community/gpt2';
const SHA = '607a30d783dfa663caf39e06633721c8d4cfcd7e';
// Cards are named after the model: the Hub id's last part, or the folder's name.
const CARD_FILES = ['gpt2_model_card.html', 'gpt2_model_card.json', 'gpt2_model_card.md', 'gpt2_model_card.mlflow-mct.json'];

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every request a dry run makes would reach this server: as MLflow and as the Hugging Face Hub. */
let recorder: Awaited<ReturnType<typeof startRecorder>>;
let networkEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  recorder = await startRecorder();
  networkEnv = { MLFLOW_TRACKING_URI: recorder.url, HF_ENDPOINT: recorder.url, HF_HUB_OFFLINE: '' };
});

afterAll(async () => {
  await recorder.close();
});

describe('register-generative --dry-run', () => {
  it('plans a reference registration without any network, says the revision is unresolved, and writes a valid card', async () => {
    const cwd = tempDir();
    const result = await runCliAsync(['register-generative', '--dry-run', '--json', '--model', GPT2], { cwd, env: networkEnv });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(recorder.requests).toEqual([]);
    const summary = JSON.parse(result.stdout);
    expect(summary.mlflow).toMatchObject({ recorded: false, revision_unresolved: true });
    const { plan } = summary.mlflow;
    expect(plan).toMatchObject({ registered_name: 'gpt2-text-generator', experiment: 'generative-models' });
    expect(plan.params).toEqual({
      source: 'huggingface-hub',
      model_id: GPT2,
      task: 'text-generation',
      pipeline_model_type: 'AutoModelForCausalLM',
      tokenizer_type: 'AutoTokenizer',
    });
    expect(plan.model.flavors.transformers).toMatchObject({
      task: 'text-generation',
      instance_type: 'TextGenerationPipeline',
      source_model_name: GPT2,
      source_model_revision: null,
      tokenizer_name: GPT2,
    });
    expect(plan.model.flavors.transformers).not.toHaveProperty('model_binary');
    expect(plan.model.files).toEqual(['LICENSE.txt', 'MLmodel', 'conda.yaml', 'requirements.txt']);

    expect(readdirSync(cwd).sort()).toEqual(CARD_FILES);
    const card = readJson(join(cwd, 'gpt2_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe(GPT2);
    const markdown = readFileSync(join(cwd, 'gpt2_model_card.md'), 'utf8');
    expect(markdown).toMatch(/^---\n[\s\S]*library_name: transformers\n[\s\S]*pipeline_tag: text-generation\n[\s\S]*\n---\n/);
    expect(card.model_details.references).toEqual([{ reference: `https://huggingface.co/${GPT2}` }]);
    expect(card.model_parameters.model_architecture).toContain(`Source: ${GPT2}`);
    const risks = card.considerations.ethical_considerations.map((risk: { name: string }) => risk.name.split(':')[0]);
    expect(risks).toEqual(['Hallucination', 'Bias', 'Toxic or offensive output.', 'Leakage of training data', 'Prompt injection']);
    for (const risk of card.considerations.ethical_considerations) expect(risk.mitigation_strategy.length).toBeGreaterThan(20);
    // Nothing is invented: no evaluation without --metric.
    expect(card.quantitative_analysis).toBeUndefined();
  });

  it('reads a model folder without loading weights: exact parameter count, context, vocabulary, licence, files in the flavor layout', async () => {
    const cwd = tempDir();
    const model = join(cwd, 'tiny-gpt');
    writeTinyModel(model);
    const out = join(cwd, 'out');
    const result = await runCliAsync(['register-generative', '--dry-run', '--json', '--model-dir', model, '--out-dir', out, '--metric', 'perplexity=21.5', '--metric', 'human_rating=4.5'], { cwd, env: networkEnv });
    expect(result.code).toBe(0);
    expect(recorder.requests).toEqual([]);
    const { plan } = JSON.parse(result.stdout).mlflow;
    expect(plan.params).toMatchObject({ source: 'local-folder', model_id: 'tiny-gpt', parameter_count: '3680', context_length: '128', vocab_size: '50', architecture: 'GPT2LMHeadModel', base_model: 'openai-community/gpt2' });
    // Only numeric evaluation results become run metrics; all of them go to the card.
    expect(plan.metrics).toEqual({ perplexity: 21.5, human_rating: 4.5 });
    expect(plan.model.flavors.transformers).toMatchObject({ model_binary: 'model', pipeline_model_type: 'GPT2LMHeadModel', tokenizer_type: 'GPT2Tokenizer', torch_dtype: 'torch.float32' });
    expect(plan.model.flavors.transformers).not.toHaveProperty('source_model_revision');
    expect(plan.model.files).toEqual(
      expect.arrayContaining([
        'MLmodel',
        'model/config.json',
        'model/model-00001-of-00002.safetensors',
        'model/model-00002-of-00002.safetensors',
        'components/tokenizer/tokenizer_config.json',
        'components/tokenizer/vocab.json',
        'components/tokenizer/merges.txt',
        'LICENSE.txt',
        'model_card.md',
        'model_card_data.yaml',
      ]),
    );
    expect(plan.model.files).not.toContain('components/tokenizer/config.json');

    const [cardFile] = readdirSync(out).filter((file) => file.endsWith('_model_card.json'));
    expect(cardFile).toBe(`${basename(model)}_model_card.json`);
    const card = readJson(join(out, cardFile as string));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe(basename(model));
    // What the folder's README front matter says reaches the Hub metadata of the card.
    const markdown = readFileSync(join(out, (cardFile as string).replace(/json$/, 'md')), 'utf8');
    expect(markdown).toContain('license: mit\n');
    expect(markdown).toContain('base_model: openai-community/gpt2\n');
    expect(card.model_parameters.model_architecture.split('\n')).toEqual([
      'Architecture: GPT2LMHeadModel',
      'Parameters: 3,680',
      'Context length: 128 tokens',
      'Vocabulary size: 50',
      'Base model: openai-community/gpt2',
    ]);
    expect(card.model_details.licenses).toEqual([{ identifier: 'mit' }]);
    expect(card.quantitative_analysis.performance_metrics).toEqual([
      { type: 'perplexity', value: '21.5' },
      { type: 'human_rating', value: '4.5' },
    ]);
  });

  it('writes the card in Spanish with --lang es', async () => {
    const cwd = tempDir();
    const result = await runCliAsync(['register-generative', '--dry-run', '--model', GPT2, '--revision', SHA, '--lang', 'es'], { cwd, env: networkEnv });
    expect(result.code).toBe(0);
    const card = readJson(join(cwd, 'gpt2_model_card.json'));
    expect(card.model_details).toMatchObject({ name: GPT2, overview: 'Modelo pre-entrenado de Hugging Face para generación de texto.' });
    expect(card.model_parameters.model_architecture).toContain(`Origen: ${GPT2} @ ${SHA}`);
    expect(card.considerations.ethical_considerations[4].name).toMatch(/^Inyección de prompts/);
    expect(readFileSync(join(cwd, 'gpt2_model_card.md'), 'utf8')).toContain('## Consideraciones');
    expect(result.stdout).not.toContain('unresolved');
  });
});

describe('register-generative --dry-run alone, as the original script\'s smoke test', () => {
  it('plans the original\'s gpt2 and writes its card, sending nothing', async () => {
    const cwd = tempDir();
    const before = recorder.requests.length;
    const result = await runCliAsync(['register-generative', '--dry-run', '--json'], { cwd, env: networkEnv });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).mlflow.plan.source).toMatchObject({ kind: 'huggingface-hub', model: 'gpt2' });
    expect(readdirSync(cwd)).toContain('gpt2_model_card.html');
    expect(recorder.requests.length).toBe(before);
  });
});

describe('register-generative bad input', () => {
  const cases: Array<[string, (dir: string) => string[], string]> = [
    ['both --model and --model-dir', (dir) => ['--model', GPT2, '--model-dir', dir], 'one of --model and --model-dir, not both'],
    ['neither --model nor --model-dir, offline (the default gpt2 needs its revision)', () => [], 'cannot resolve the revision'],
    ['--revision with --model-dir', (dir) => ['--model-dir', dir, '--revision', SHA], '--revision and --model-class go with --model'],
    ['a model folder that does not exist', (dir) => ['--model-dir', join(dir, 'missing')], 'not found'],
    ['a folder without config.json', (dir) => ['--model-dir', join(dir, 'empty')], 'config.json'],
    ['a folder without tokenizer files', (dir) => ['--model-dir', join(dir, 'no-tokenizer')], 'no tokenizer files'],
    ['an invalid Hugging Face id', () => ['--model', 'a//b'], 'is not a Hugging Face model id'],
    ['--archive-existing without --mlflow-stage', () => ['--model', GPT2, '--revision', SHA, '--archive-existing'], '--archive-existing needs --mlflow-stage'],
    ['an unknown stage', () => ['--model', GPT2, '--revision', SHA, '--mlflow-stage', 'Prod'], '"Prod" is not a model stage'],
    ['a reserved alias', () => ['--model', GPT2, '--revision', SHA, '--mlflow-alias', 'latest'], 'reserved by MLflow'],
    ['a revision that cannot be resolved offline', () => ['--model', GPT2], 'cannot resolve the revision'],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}: exit 2, one line, nothing written or sent`, async () => {
      const cwd = tempDir();
      const models = tempDir();
      writeTinyModel(models);
      mkdirSync(join(models, 'empty'));
      writeTinyModel(join(models, 'no-tokenizer'));
      for (const file of ['tokenizer_config.json', 'vocab.json', 'merges.txt']) rmSync(join(models, 'no-tokenizer', file));
      const before = recorder.requests.length;
      const result = await runCliAsync(['register-generative', ...args(models)], { cwd, env: { ...networkEnv, HF_HUB_OFFLINE: '1' } });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(cwd)).toEqual([]);
      expect(recorder.requests.length).toBe(before);
    });
  }
});
