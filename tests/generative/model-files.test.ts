import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readHfModelFolder } from '../../src/generative/hf-folder.js';
import { modelFileLayout, stageModelFiles } from '../../src/generative/model-files.js';
import { tempDir } from '../helpers/cli.js';
import { writeTinyModel } from '../helpers/hf-model.js';

/** Every file under `dir`, relative, sorted. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(dir, join(prefix, entry.name)) : [join(prefix, entry.name)]))
    .sort();
}

/** The tiny model as the Hugging Face cache keeps it: blobs, and a snapshot of symbolic links to them. */
function cachedTinyModel(): string {
  const root = tempDir();
  const files = join(root, 'files');
  writeTinyModel(files);
  const blobs = join(root, 'blobs');
  const snapshot = join(root, 'snapshots', '607a30d783dfa663caf39e06633721c8d4cfcd7e');
  mkdirSync(blobs);
  mkdirSync(snapshot, { recursive: true });
  for (const [index, name] of readdirSync(files).entries()) {
    renameSync(join(files, name), join(blobs, `blob-${index}`));
    symlinkSync(relative(snapshot, join(blobs, `blob-${index}`)), join(snapshot, name));
  }
  return snapshot;
}

describe('model files in the transformers flavor layout', () => {
  it('reads a Hugging Face cache snapshot (symbolic links) and stages real files, never links', async () => {
    const snapshot = cachedTinyModel();
    const folder = await readHfModelFolder(snapshot);
    expect(folder.parameters).toBe(3680);
    expect([...folder.files].sort()).toEqual(['README.md', 'config.json', 'merges.txt', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'tokenizer_config.json', 'vocab.json']);
    expect(folder.tokenizerFiles).toEqual(['merges.txt', 'tokenizer_config.json', 'vocab.json']);

    const staging = tempDir();
    await stageModelFiles(await modelFileLayout({ kind: 'folder', folder, name: 'tiny' }, undefined), staging);
    const staged = walk(staging);
    expect(staged).toEqual([
      'LICENSE.txt',
      'components/tokenizer/merges.txt',
      'components/tokenizer/tokenizer_config.json',
      'components/tokenizer/vocab.json',
      'conda.yaml',
      'model/README.md',
      'model/config.json',
      'model/merges.txt',
      'model/model-00001-of-00002.safetensors',
      'model/model-00002-of-00002.safetensors',
      'model/tokenizer_config.json',
      'model/vocab.json',
      'model_card.md',
      'model_card_data.yaml',
      'requirements.txt',
    ]);
    for (const file of staged) expect(lstatSync(join(staging, file)).isSymbolicLink()).toBe(false);
    for (const name of folder.files) expect(readFileSync(join(staging, 'model', name)).equals(readFileSync(join(snapshot, name)))).toBe(true);
    expect(readFileSync(join(staging, 'model_card.md'), 'utf8')).toBe('# Tiny\n');
    expect(parseYaml(readFileSync(join(staging, 'model_card_data.yaml'), 'utf8'))).toEqual({
      license: 'mit',
      base_model: 'openai-community/gpt2',
      language: ['es', 'en'],
      pipeline_tag: 'text-generation',
    });
    expect(readFileSync(join(staging, 'LICENSE.txt'), 'utf8')).toBe(
      "No license file came with the model folder 'tiny'.\nIts README declares the license: 'mit'.\n" +
        "It is based on 'openai-community/gpt2', whose terms may also apply: https://huggingface.co/openai-community/gpt2\n",
    );
    expect(readFileSync(join(staging, 'requirements.txt'), 'utf8')).toBe('mlflow\ntransformers\ntorch\n');
    expect(parseYaml(readFileSync(join(staging, 'conda.yaml'), 'utf8'))).toEqual({ name: 'mlflow-env', channels: ['conda-forge'], dependencies: ['pip', { pip: ['mlflow', 'transformers', 'torch'] }] });
  });

  it("keeps the folder's own licence file and pins the transformers version that saved the folder", async () => {
    const dir = tempDir();
    writeTinyModel(dir);
    writeFileSync(join(dir, 'LICENSE'), 'MIT License\n');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, transformers_version: '4.46.3' }));
    const layout = await modelFileLayout({ kind: 'folder', folder: await readHfModelFolder(dir), name: 'tiny' }, undefined);
    const paths = layout.map((file) => file.path);
    expect(paths).toContain('LICENSE');
    expect(paths).not.toContain('LICENSE.txt');
    expect(layout.find((file) => file.path === 'requirements.txt')).toEqual({ path: 'requirements.txt', text: 'mlflow\ntransformers==4.46.3\ntorch\n' });
  });

  it('writes only the environment and a licence notice for a Hub reference', async () => {
    const layout = await modelFileLayout({ kind: 'hub', modelId: 'openai-community/gpt2', revision: undefined, modelClass: 'AutoModelForCausalLM', tokenizerClass: 'AutoTokenizer' }, 'mit');
    expect(layout.map((file) => file.path)).toEqual(['conda.yaml', 'requirements.txt', 'LICENSE.txt']);
    expect(layout[2]).toEqual({
      path: 'LICENSE.txt',
      text:
        "A license file could not be found for the 'openai-community/gpt2' repository. \n" +
        'To ensure that you are in compliance with the license requirements for this model, please visit the model repository here: https://huggingface.co/openai-community/gpt2\n' +
        "The declared license type is: 'mit'\n",
    });
  });
});
