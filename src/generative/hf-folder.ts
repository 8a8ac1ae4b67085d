import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { splitFrontMatter } from '../card/front-matter.js';
import { InputError } from '../errors.js';
import { countFolderParameters } from './safetensors.js';

/**
 * What a card and an MLmodel need from a local Hugging Face model folder, read from its small
 * files only: config.json, the tokenizer files, the README front matter and safetensors headers.
 * No weights are loaded.
 */
export interface HfModelFolder {
  path: string;
  /** e.g. GPT2LMHeadModel (config.json `architectures[0]`). */
  architecture?: string;
  /** e.g. gpt2 (config.json `model_type`). */
  modelType?: string;
  /** Maximum sequence length, from the first of the config keys models use for it. */
  contextLength?: number;
  vocabSize?: number;
  torchDtype?: string;
  /** The transformers release that saved the folder (config.json `transformers_version`). */
  transformersVersion?: string;
  /** The framework the weights were saved from (safetensors metadata `format`, e.g. `pt`). */
  weightFormat?: string;
  /** Total parameters over every .safetensors file; undefined when the folder has none. */
  parameters?: number;
  weightFiles: string[];
  tokenizerFiles: string[];
  /** The tokenizer class (tokenizer_config.json `tokenizer_class`). */
  tokenizerClass?: string;
  license?: string;
  baseModel?: string | string[];
  languages?: string[];
  /** Training data sets named in the README front matter (`datasets`). */
  datasets?: string[];
  /** Hub tags from the README front matter. */
  tags?: string[];
  pipelineTag?: string;
  /** Every file of the folder, relative paths with forward slashes, for upload. */
  files: string[];
}

const CONTEXT_KEYS = ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length', 'seq_length'] as const;
const TOKENIZER_FILES = new Set([
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'vocab.txt',
  'merges.txt',
  'special_tokens_map.json',
  'tokenizer.model',
  'spiece.model',
  'added_tokens.json',
]);

async function readJson(folder: string, name: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(join(folder, name), 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message}`, {
      location: folder,
      hint: 'pass --model-dir with a Hugging Face model folder (config.json, tokenizer files, *.safetensors)',
      cause: error,
    });
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${name} is not a JSON object`, { location: folder, hint: `fix or regenerate ${name}`, cause: error });
  }
}

/**
 * The YAML block between `---` lines at the top of a model README, as the Hub parses it.
 * @internal exported for its unit tests only
 */
export function readFrontMatter(readme: string): Record<string, unknown> {
  return splitFrontMatter(readme).frontMatter;
}

async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(folder, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== '.git' && entry.name !== '.cache') files.push(...(await listFiles(folder, relative)));
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isLinkToFile(join(folder, relative))))) {
      // The Hugging Face cache's snapshot folders hold symbolic links to blobs.
      files.push(relative);
    }
  }
  return files;
}

async function isLinkToFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const integer = (value: unknown): number | undefined => (Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : undefined);

export async function readHfModelFolder(folder: string): Promise<HfModelFolder> {
  const info = await stat(folder).catch((error: unknown) => {
    throw new InputError(`cannot read model folder: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message}`, {
      location: '--model-dir',
      hint: 'pass --model-dir with an existing Hugging Face model folder',
      cause: error,
    });
  });
  if (!info.isDirectory()) throw new InputError(`${folder} is not a directory`, { location: '--model-dir', hint: 'pass the folder that holds config.json' });
  const config = (await readJson(folder, 'config.json', true)) ?? {};
  const tokenizerConfig = await readJson(folder, 'tokenizer_config.json', false);
  const readme = await readFile(join(folder, 'README.md'), 'utf8').catch(() => '');
  const front = readFrontMatter(readme);
  const files = await listFiles(folder);
  const weights = await countFolderParameters(folder);
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  const contextLength = CONTEXT_KEYS.map((key) => integer(config[key])).find((value) => value !== undefined);
  const baseModel = front.base_model;
  const languages = front.language;
  const datasets = front.datasets;
  const weightFormat = weights.files.map((header) => header.metadata.format).find((format) => format !== undefined && format !== '');
  return {
    path: folder,
    ...(text(architectures[0]) ? { architecture: text(architectures[0]) } : {}),
    ...(text(config.model_type) ? { modelType: text(config.model_type) } : {}),
    ...(contextLength ? { contextLength } : {}),
    ...(integer(config.vocab_size) ? { vocabSize: integer(config.vocab_size) } : {}),
    ...(text(config.torch_dtype) ? { torchDtype: text(config.torch_dtype) } : {}),
    ...(text(config.transformers_version) ? { transformersVersion: text(config.transformers_version) } : {}),
    ...(weightFormat ? { weightFormat } : {}),
    ...(weights.files.length > 0 ? { parameters: weights.parameters } : {}),
    weightFiles: weights.files.map((header) => header.file.slice(folder.length + 1)),
    tokenizerFiles: files.filter((file) => TOKENIZER_FILES.has(file)),
    ...(text(tokenizerConfig?.tokenizer_class) ? { tokenizerClass: text(tokenizerConfig?.tokenizer_class) } : {}),
    ...(text(front.license) ? { license: text(front.license) } : {}),
    ...(typeof baseModel === 'string' || Array.isArray(baseModel) ? { baseModel: baseModel as string | string[] } : {}),
    ...(typeof languages === 'string' ? { languages: [languages] } : Array.isArray(languages) ? { languages: languages.map(String) } : {}),
    ...(typeof datasets === 'string' ? { datasets: [datasets] } : Array.isArray(datasets) ? { datasets: datasets.map(String) } : {}),
    ...(text(front.pipeline_tag) ? { pipelineTag: text(front.pipeline_tag) } : {}),
    ...(Array.isArray(front.tags) ? { tags: front.tags.filter((tag): tag is string => typeof tag === 'string') } : {}),
    files,
  };
}
