import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A real safetensors file: u64 header length, JSON header, then the tensor bytes. */
export function safetensors(tensors: Record<string, number[]>, metadata?: Record<string, string>): Buffer {
  let offset = 0;
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.alloc(offset)]);
}

/** A tiny GPT-2-like Hugging Face folder in two safetensors shards (3,680 parameters). */
export function writeTinyModel(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', n_positions: 128, vocab_size: 50, torch_dtype: 'float32' }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'GPT2Tokenizer' }));
  writeFileSync(join(dir, 'vocab.json'), '{}');
  writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\n');
  writeFileSync(join(dir, 'README.md'), '---\nlicense: mit\nbase_model: openai-community/gpt2\nlanguage: [es, en]\npipeline_tag: text-generation\n---\n# Tiny\n');
  writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), safetensors({ 'wte.weight': [50, 16], 'wpe.weight': [128, 16] }, { format: 'pt' }));
  writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), safetensors({ 'h.0.attn.c_attn.weight': [16, 48], 'h.0.attn.c_attn.bias': [48], 'ln_f.weight': [16] }));
}

