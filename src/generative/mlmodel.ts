import { stringify as toYaml } from 'yaml';
import type { HfModelFolder } from './hf-folder.js';

/**
 * The MLmodel of a text-generation model in the form MLflow's transformers flavor writes it
 * (`mlflow/transformers/flavor_config.py`, `mlflow/transformers/__init__.py` `save_model`), so
 * that Python `mlflow.transformers.load_model` and `mlflow.pyfunc.load_model` can load it:
 *
 * - a Hub reference (`save_pretrained=False`): `source_model_name` + `source_model_revision` and
 *   `tokenizer_name` + `tokenizer_revision`; no weights are stored, the loader fetches them at
 *   that commit;
 * - a local folder (`save_pretrained=True`): `model_binary: model`, the model files under
 *   `model/` and the tokenizer files under `components/tokenizer/`.
 */

export const TEXT_GENERATION_TASK = 'text-generation';
/** The pipeline class transformers builds for the text-generation task. */
const TEXT_GENERATION_PIPELINE = 'TextGenerationPipeline';
export const DEFAULT_MODEL_CLASS = 'AutoModelForCausalLM';
export const DEFAULT_TOKENIZER_CLASS = 'AutoTokenizer';
/** Where MLflow keeps the model files and the pipeline components inside the model directory. */
export const MODEL_BINARY_DIR = 'model';
export const TOKENIZER_DIR = 'components/tokenizer';
export const CONDA_FILE = 'conda.yaml';
export const REQUIREMENTS_FILE = 'requirements.txt';
export const LICENSE_FILE = 'LICENSE.txt';
/** MLflow's copy of the Hugging Face model card: its text and its front matter. */
export const HF_CARD_TEXT_FILE = 'model_card.md';
export const HF_CARD_DATA_FILE = 'model_card_data.yaml';

/** A model on the Hugging Face Hub, registered by reference. */
export interface HubModelSource {
  kind: 'hub';
  modelId: string;
  /** The commit the loader fetches; undefined only in a dry-run plan. */
  revision: string | undefined;
  /** The transformers class that loads the weights, e.g. AutoModelForCausalLM or GPT2LMHeadModel. */
  modelClass: string;
  tokenizerClass: string;
}

/** A local Hugging Face model folder whose files are uploaded. */
export interface FolderModelSource {
  kind: 'folder';
  folder: HfModelFolder;
  /** The folder's name, recorded as the source model name. */
  name: string;
}

export type TextGenerationSource = HubModelSource | FolderModelSource;

/** The default signature MLflow gives text-generation pipelines: a string in, a string out. */
export const TEXT_GENERATION_SIGNATURE = {
  inputs: JSON.stringify([{ type: 'string', required: true }]),
  outputs: JSON.stringify([{ type: 'string', required: true }]),
  params: null,
};

/** `pt`, `tf` or `flax`, as transformers names the framework of a model class or weight file. */
function frameworkOf(source: TextGenerationSource): string {
  if (source.kind === 'folder') return source.folder.weightFormat ?? 'pt';
  if (source.modelClass.startsWith('TF')) return 'tf';
  if (source.modelClass.startsWith('Flax')) return 'flax';
  return 'pt';
}

/** The `transformers` flavor section of the MLmodel. */
export function transformersFlavor(source: TextGenerationSource): Record<string, unknown> {
  const base: Record<string, unknown> = {
    task: TEXT_GENERATION_TASK,
    instance_type: TEXT_GENERATION_PIPELINE,
    framework: frameworkOf(source),
    code: null,
    components: ['tokenizer'],
  };
  if (source.kind === 'hub') {
    return {
      ...base,
      pipeline_model_type: source.modelClass,
      source_model_name: source.modelId,
      source_model_revision: source.revision ?? null,
      tokenizer_type: source.tokenizerClass,
      tokenizer_name: source.modelId,
      tokenizer_revision: source.revision ?? null,
    };
  }
  const { folder } = source;
  return {
    ...base,
    ...(folder.transformersVersion ? { transformers_version: folder.transformersVersion } : {}),
    ...(folder.torchDtype ? { torch_dtype: `torch.${folder.torchDtype}` } : {}),
    pipeline_model_type: folder.architecture ?? DEFAULT_MODEL_CLASS,
    source_model_name: source.name,
    model_binary: MODEL_BINARY_DIR,
    tokenizer_type: folder.tokenizerClass ?? DEFAULT_TOKENIZER_CLASS,
  };
}

/**
 * The `python_function` flavor: pyfunc loads the model through `mlflow.transformers`. `env` names
 * the conda file alone (the form MLflow reads when a model has no `python_env.yaml`): a
 * `python_env.yaml` must pin a Python version, and which Python will load the model is not known
 * here, so MLflow takes the loading one and installs `requirements.txt` into it.
 */
function pythonFunctionFlavor(): Record<string, unknown> {
  return { loader_module: 'mlflow.transformers', env: CONDA_FILE };
}

export function textGenerationFlavors(source: TextGenerationSource): Record<string, Record<string, unknown>> {
  return { python_function: pythonFunctionFlavor(), transformers: transformersFlavor(source) };
}

/**
 * What pip needs to load the model. Versions are pinned only when known (the folder's
 * `transformers_version`); the Python version is left to the environment that loads it, which
 * MLflow then takes as the current one.
 */
export function pipRequirements(source: TextGenerationSource): string[] {
  const transformersVersion = source.kind === 'folder' ? source.folder.transformersVersion : undefined;
  const framework = frameworkOf(source);
  const engine = framework === 'tf' ? 'tensorflow' : framework === 'flax' ? 'flax' : 'torch';
  return ['mlflow', transformersVersion ? `transformers==${transformersVersion}` : 'transformers', engine];
}

export function condaEnvironment(requirements: readonly string[]): string {
  return toYaml({ name: 'mlflow-env', channels: ['conda-forge'], dependencies: ['pip', { pip: [...requirements] }] });
}

/**
 * MLflow's `LICENSE.txt` when no licence file comes with the model: where to find the licence
 * (the Hub repository `repo`), and the licence the model card declares.
 */
export function licenseNotice(repo: string, declared: string | undefined): string {
  const lines = [
    `A license file could not be found for the '${repo}' repository. `,
    `To ensure that you are in compliance with the license requirements for this model, please visit the model repository here: https://huggingface.co/${repo}`,
  ];
  if (declared && declared !== 'other') lines.push(`The declared license type is: '${declared}'`);
  return `${lines.join('\n')}\n`;
}

/** `LICENSE.txt` of a local folder without a licence file: what its README declares, and its base model. */
export function folderLicenseNotice(folderName: string, declared: string | undefined, baseModel: string | undefined): string {
  const lines = [
    `No license file came with the model folder '${folderName}'.`,
    declared ? `Its README declares the license: '${declared}'.` : 'Its README declares no license; check the terms before using the model.',
  ];
  if (baseModel) lines.push(`It is based on '${baseModel}', whose terms may also apply: https://huggingface.co/${baseModel}`);
  return `${lines.join('\n')}\n`;
}
