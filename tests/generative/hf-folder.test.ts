import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHfModelFolder, readFrontMatter } from '../../src/generative/hf-folder.js';
import { readSafetensorsHeader } from '../../src/generative/safetensors.js';
import { InputError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { safetensors, writeTinyModel } from '../helpers/hf-model.js';

describe('safetensors headers', () => {
  it('counts parameters from shapes without reading the weights', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.safetensors'), safetensors({ x: [3, 4], y: [5] }, { format: 'pt' }));
    const header = await readSafetensorsHeader(join(dir, 'a.safetensors'));
    expect(header.parameters).toBe(17);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.map((tensor) => tensor.name)).toEqual(['x', 'y']);
  });

  it('refuses truncated and malformed files with a typed error', async () => {
    const dir = tempDir();
    const good = safetensors({ x: [2] });
    const cases: Record<string, Buffer> = {
      short: Buffer.from([1, 2, 3]),
      truncated: good.subarray(0, 12),
      huge: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
      notjson: Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('abc')]),
      badshape: (() => {
        const json = Buffer.from('{"x":{"dtype":"F32","shape":[-1]}}');
        const length = Buffer.alloc(8);
        length.writeBigUInt64LE(BigInt(json.length));
        return Buffer.concat([length, json]);
      })(),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      writeFileSync(join(dir, `${name}.safetensors`), bytes);
      await expect(readSafetensorsHeader(join(dir, `${name}.safetensors`))).rejects.toBeInstanceOf(InputError);
    }
  });
});

describe('Hugging Face model folders', () => {
  it('reads architecture, context length, vocabulary, exact parameter count, licence and base model', async () => {
    const dir = join(tempDir(), 'tiny');
    writeTinyModel(dir);
    const folder = await readHfModelFolder(dir);
    expect(folder).toMatchObject({
      architecture: 'GPT2LMHeadModel',
      modelType: 'gpt2',
      contextLength: 128,
      vocabSize: 50,
      torchDtype: 'float32',
      parameters: 50 * 16 + 128 * 16 + 16 * 48 + 48 + 16,
      tokenizerClass: 'GPT2Tokenizer',
      license: 'mit',
      baseModel: 'openai-community/gpt2',
      languages: ['es', 'en'],
      pipelineTag: 'text-generation',
    });
    expect(folder.weightFiles).toEqual(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect(folder.tokenizerFiles.sort()).toEqual(['merges.txt', 'tokenizer_config.json', 'vocab.json']);
  });

  it('needs config.json', async () => {
    const dir = tempDir();
    await expect(readHfModelFolder(dir)).rejects.toThrow(/config\.json: file not found|cannot read config\.json/);
  });

  it('parses README front matter the way the Hub does, tolerating CRLF', () => {
    expect(readFrontMatter('---\r\nlicense: apache-2.0\r\n---\r\nbody')).toEqual({ license: 'apache-2.0' });
    expect(readFrontMatter('# no front matter')).toEqual({});
  });
});
