import { basename } from 'node:path';
import type { GenerativeModelFacts } from '../card/presets/generative.js';
import type { Tags } from '../mlflow/types.js';
import { TEXT_GENERATION_TASK, transformersFlavor, type TextGenerationSource } from './mlmodel.js';
import { SOURCE_NAME_TAG, SOURCE_TYPE_TAG, USER_TAG } from '../mlflow/tags.js';
import { currentUser } from '../mlflow/config.js';

/**
 * What a register-generative run records as params and tags, and the card facts read back from
 * them, so that `card from-run` / `card from-model` rebuild the same card from MLflow alone.
 */

/** The `mlflow.source.name` of runs made by register-generative. */
export const REGISTER_GENERATIVE_SOURCE = 'mlflow-mct register-generative';

function firstBaseModel(baseModel: string | string[] | undefined): string | undefined {
  return Array.isArray(baseModel) ? baseModel.join(', ') : baseModel;
}

const defined = (entries: Record<string, string | number | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));

/** The card facts of a model about to be registered; `license` is the user's, else the folder's. */
export function generativeFacts(registeredName: string, source: TextGenerationSource, license: string | undefined): GenerativeModelFacts {
  const facts: GenerativeModelFacts = { registeredName };
  if (source.kind === 'hub') {
    facts.sourceModel = source.modelId;
    if (source.revision) facts.revision = source.revision;
    if (license) facts.license = license;
    return facts;
  }
  const { folder } = source;
  facts.folderName = basename(folder.path);
  if (folder.architecture) facts.architecture = folder.architecture;
  if (folder.parameters !== undefined) facts.parameters = folder.parameters;
  if (folder.contextLength !== undefined) facts.contextLength = folder.contextLength;
  if (folder.vocabSize !== undefined) facts.vocabSize = folder.vocabSize;
  const declared = license ?? folder.license;
  if (declared) facts.license = declared;
  const base = firstBaseModel(folder.baseModel);
  if (base) facts.baseModel = base;
  return facts;
}

/** Run params: the model, its revision, the task and what the folder says about its size. */
export function generativeRunParams(source: TextGenerationSource): Record<string, string> {
  const flavor = transformersFlavor(source);
  const common = { task: TEXT_GENERATION_TASK, pipeline_model_type: flavor.pipeline_model_type as string, tokenizer_type: flavor.tokenizer_type as string };
  if (source.kind === 'hub') {
    return defined({ source: 'huggingface-hub', model_id: source.modelId, revision: source.revision, ...common });
  }
  const { folder } = source;
  return defined({
    source: 'local-folder',
    model_id: source.name,
    ...common,
    architecture: folder.architecture,
    model_type: folder.modelType,
    parameter_count: folder.parameters,
    context_length: folder.contextLength,
    vocab_size: folder.vocabSize,
    torch_dtype: folder.torchDtype,
    transformers_version: folder.transformersVersion,
    base_model: firstBaseModel(folder.baseModel),
    training_datasets: folder.datasets?.join(', '),
    weight_files: folder.weightFiles.length,
  });
}

export function generativeRunTags(facts: GenerativeModelFacts, userTags: Tags): Tags {
  return {
    [SOURCE_NAME_TAG]: REGISTER_GENERATIVE_SOURCE,
    [SOURCE_TYPE_TAG]: 'LOCAL',
    [USER_TAG]: currentUser(),
    task: TEXT_GENERATION_TASK,
    ...(facts.license ? { license: facts.license } : {}),
    ...userTags,
  };
}

/** The card facts of a registered model, from the params and tags its register-generative run recorded. */
export function generativeFactsFromRun(registeredName: string, params: Record<string, string>, tags: Tags): GenerativeModelFacts {
  const count = (key: string): number | undefined => {
    const value = Number(params[key]);
    return params[key] !== undefined && Number.isSafeInteger(value) ? value : undefined;
  };
  const facts: GenerativeModelFacts = { registeredName };
  if (params.source === 'huggingface-hub' && params.model_id) facts.sourceModel = params.model_id;
  if (params.revision) facts.revision = params.revision;
  if (params.architecture) facts.architecture = params.architecture;
  const parameters = count('parameter_count');
  if (parameters !== undefined) facts.parameters = parameters;
  const contextLength = count('context_length');
  if (contextLength !== undefined) facts.contextLength = contextLength;
  const vocabSize = count('vocab_size');
  if (vocabSize !== undefined) facts.vocabSize = vocabSize;
  if (tags.license) facts.license = tags.license;
  if (params.base_model) facts.baseModel = params.base_model;
  return facts;
}

/** The training data sets a register-generative run recorded (from the folder's README). */
export function generativeDatasetsFromRun(params: Record<string, string>): string[] {
  return (params.training_datasets ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
}
