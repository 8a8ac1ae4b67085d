/**
 * register-generative: a text-generation model logged as an MLflow run and registered, with a
 * Model Card that travels with the version. What a real run would do is first computed as a
 * plan from local information only, so `--dry-run` prints exactly that plan (and writes the
 * card) without touching MLflow or the Hugging Face Hub.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { versionChanges } from '../card/version-changes.js';
import { runPageUrl } from '../mlflow/uris.js';
import type { Lang } from '../card/labels.js';
import { generativeCardDefaults, generativeCardExtras, type GenerativeModelFacts } from '../card/presets/generative.js';
import { renderDescription } from '../card/render.js';
import type { ModelCard, PerformanceMetric } from '../card/schema.js';
import { cardFileList, writeCard, type CardFiles } from '../card/write.js';
import { InputError, UsageError } from '../errors.js';
import { failRun } from '../mlflow/run-failure.js';
import { attachCardToMlflow } from '../mlflow/attach-card.js';
import type { MlflowClient } from '../mlflow/client.js';
import type { RestStore } from '../mlflow/rest/index.js';
import { MLFLOW_LIMITS } from '../mlflow/store/limits.js';
import type { Tags } from '../mlflow/types.js';
import { canonicalStage, describePromotion, promoteVersion, type Promotion, type PromotionResult } from '../registry/promote.js';
import { readHfModelFolder } from '../generative/hf-folder.js';
import { COMMIT_SHA, isValidRepoId, resolveHubRevision } from '../generative/hub.js';
import { DEFAULT_MODEL_CLASS, DEFAULT_TOKENIZER_CLASS, TEXT_GENERATION_SIGNATURE, textGenerationFlavors, type TextGenerationSource } from '../generative/mlmodel.js';
import { modelFileLayout, stageModelFiles, type ModelFile } from '../generative/model-files.js';
import { generativeFacts, generativeRunParams, generativeRunTags } from '../generative/run-record.js';
import { CARD_VERSION_TAG, REGISTERED_VERSION_TAG, VERSION_RUN_TAG } from '../mlflow/tags.js';
import type { Recording } from './recording.js';

const GENERATIVE_CARD_HTML = 'generative_model_card.html';
export const DEFAULT_REGISTERED_NAME = 'gpt2-text-generator';
export const DEFAULT_GENERATIVE_EXPERIMENT = 'generative-models';
/** The model-version tag that points at the card files. */

export type ModelSelection =
  | { kind: 'hub'; modelId: string; revision?: string | undefined; modelClass?: string | undefined }
  | { kind: 'folder'; dir: string };

export interface RegisterGenerativeRequest {
  registeredName: string;
  model: ModelSelection;
  /** The experiment by name (created when missing), or by `experimentId` alone (MLFLOW_EXPERIMENT_ID). */
  experimentName: string | undefined;
  experimentId?: string | undefined;
  /** Empty: MLflow makes one up. */
  runName: string;
  userTags: Tags;
  /** The user's licence (`--license`), over the folder's README. */
  license?: string | undefined;
  /** The user's evaluation results (`--metric`); numeric ones are also logged as run metrics. */
  metrics: PerformanceMetric[];
  /** Applied in order once the card is attached: an alias, a stage, or both. */
  promotions: Promotion[];
  lang: Lang;
  outDir: string;
  /** The card's HTML file name (default generative_model_card.html). */
  cardName?: string;
  inlineImages?: boolean;
  /** Lays `--config` and the card flags over the card built here. */
  composeCard: (defaults: ModelCard, facts: ModelCard) => Promise<ModelCard>;
}

export interface GenerativePlan {
  registered_name: string;
  experiment: string;
  run_name: string;
  source: Record<string, unknown>;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Tags;
  model: { name: string; flavors: Record<string, Record<string, unknown>>; files: string[] };
  register: { name: string; description: string; version_tags: string[]; promotions: string[] };
}

/** Everything known before MLflow is contacted. */
export interface PreparedRegistration {
  request: RegisterGenerativeRequest;
  source: TextGenerationSource;
  facts: GenerativeModelFacts;
  params: Record<string, string>;
  tags: Tags;
  metrics: Record<string, number>;
  files: ModelFile[];
  plan: GenerativePlan;
  /** Set when a Hub model's revision is not known yet (dry run without --revision). */
  revisionUnresolved: boolean;
  /** Things the user should know that do not stop the registration. */
  warnings: string[];
}

export interface RegisteredGenerative {
  experimentId: string;
  runId: string;
  runLink: string | undefined;
  modelUri: string;
  modelId: string | undefined;
  name: string;
  version: string;
  previousVersion: string | undefined;
  changes: string;
  promotions: PromotionResult[];
  artifacts: string[];
  httpRequests?: number | undefined;
}

export interface RegisterGenerativeOutcome {
  prepared: PreparedRegistration;
  card: ModelCard;
  files: CardFiles;
  registered?: RegisteredGenerative | undefined;
}

/** Metric keys MLflow accepts: letters, digits and `_ - . / space`. */
function metricKey(metric: PerformanceMetric): string {
  const key = metric.slice ? `${metric.type}/${metric.slice}` : (metric.type as string);
  return key.replace(/[^\w\-. /]/g, '_');
}

/** The user's metrics that are numbers, as MLflow run metrics. */
function numericMetrics(metrics: readonly PerformanceMetric[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const metric of metrics) {
    const value = Number(metric.value);
    if (metric.type && metric.value !== undefined && metric.value.trim() !== '' && Number.isFinite(value)) result[metricKey(metric)] = value;
  }
  return result;
}

async function selectSource(model: ModelSelection, dryRun: boolean): Promise<{ source: TextGenerationSource; revisionUnresolved: boolean }> {
  if (model.kind === 'folder') {
    const folder = await readHfModelFolder(resolve(model.dir));
    if (folder.tokenizerFiles.length === 0) {
      throw new InputError('the model folder has no tokenizer files (tokenizer.json, tokenizer_config.json, vocab.json...)', {
        location: model.dir,
        hint: 'save the tokenizer into the folder too: tokenizer.save_pretrained(dir)',
      });
    }
    if (folder.weightFiles.length === 0) {
      throw new InputError('the model folder has no .safetensors weights', { location: model.dir, hint: 'save the model with model.save_pretrained(dir, safe_serialization=True)' });
    }
    return { source: { kind: 'folder', folder, name: basename(resolve(model.dir)) }, revisionUnresolved: false };
  }
  if (!isValidRepoId(model.modelId)) {
    throw new UsageError(`--model "${model.modelId}" is not a Hugging Face model id`, { hint: 'write namespace/name, e.g. --model openai-community/gpt2, or use --model-dir for a local folder' });
  }
  const modelClass = model.modelClass ?? DEFAULT_MODEL_CLASS;
  if (!/^[A-Za-z_]\w*$/.test(modelClass)) throw new UsageError(`--model-class "${modelClass}" is not a transformers class name`, { hint: 'e.g. --model-class AutoModelForCausalLM' });
  let revision = model.revision;
  if (revision === undefined && !dryRun) revision = await resolveHubRevision(model.modelId);
  return {
    source: { kind: 'hub', modelId: model.modelId, revision, modelClass, tokenizerClass: DEFAULT_TOKENIZER_CLASS },
    revisionUnresolved: revision === undefined,
  };
}

function describeSource(source: TextGenerationSource): Record<string, unknown> {
  if (source.kind === 'hub') {
    return { kind: 'huggingface-hub', model: source.modelId, revision: source.revision ?? 'unresolved (a real run asks the Hugging Face Hub, or pass --revision)' };
  }
  const { folder } = source;
  return { kind: 'local-folder', path: folder.path, files: folder.files.length, weight_files: folder.weightFiles, parameters: folder.parameters ?? null };
}

/**
 * Reads the model folder (or checks the Hub id), resolves a Hub revision unless `dryRun`, and
 * computes what would be sent. Nothing is contacted but the Hub, and only for a missing revision.
 */
export async function prepareRegistration(request: RegisterGenerativeRequest, options: { dryRun: boolean }): Promise<PreparedRegistration> {
  if (request.registeredName.trim() === '') throw new UsageError('--registered-name is empty', { hint: 'e.g. --registered-name gpt2-text-generator' });
  // Loaded here, not at start-up: the validation module brings the REST store with it.
  const { validateAlias } = await import('../mlflow/validation.js');
  for (const promotion of request.promotions) {
    if (promotion.kind === 'alias') validateAlias(promotion.alias, MLFLOW_LIMITS);
    else canonicalStage(promotion.stage, promotion.archiveExisting);
  }
  const { source, revisionUnresolved } = await selectSource(request.model, options.dryRun);
  const warnings: string[] = [];
  if (source.kind === 'hub' && source.revision !== undefined) {
    if (!/^[\w.\-/]+$/.test(source.revision)) {
      throw new UsageError(`--revision "${source.revision}" is not a commit sha, branch or tag`, { hint: 'pass the 40-character commit sha of the model on the Hub' });
    }
    if (!COMMIT_SHA.test(source.revision)) {
      warnings.push(`--revision ${source.revision} is not a commit sha, so the weights it names can change; pin the 40-character commit sha for a reproducible model`);
    }
  }
  const facts = generativeFacts(request.registeredName, source, request.license);
  const params = generativeRunParams(source);
  const tags = generativeRunTags(facts, request.userTags);
  const metrics = numericMetrics(request.metrics);
  const files = await modelFileLayout(source, facts.license);
  const flavors = textGenerationFlavors(source);
  const plan: GenerativePlan = {
    registered_name: request.registeredName,
    experiment: request.experimentName ?? `id ${request.experimentId}`,
    run_name: request.runName || '(made up by MLflow)',
    source: describeSource(source),
    params,
    metrics,
    tags,
    model: { name: request.registeredName, flavors, files: ['MLmodel', ...files.map((file) => file.path)].sort() },
    register: {
      name: request.registeredName,
      description: "the card's Markdown",
      version_tags: [CARD_VERSION_TAG],
      promotions: request.promotions.map((promotion) => describePromotion(request.registeredName, '<new>', promotion)),
    },
  };
  return { request, source, facts, params, tags, metrics, files, plan, revisionUnresolved, warnings };
}

interface RegistryFacts {
  version: string;
  date: string | undefined;
  changes: string;
  references: string[];
}

async function writeGenerativeCard(prepared: PreparedRegistration, registry: RegistryFacts | undefined): Promise<{ card: ModelCard; files: CardFiles; markdown: string }> {
  const { request } = prepared;
  const defaults = generativeCardDefaults(request.lang, prepared.facts);
  const references = [...(defaults.model_details?.references ?? []), ...(registry?.references ?? []).map((reference) => ({ reference }))];
  const datasets = prepared.source.kind === 'folder' ? (prepared.source.folder.datasets ?? []) : [];
  const facts: ModelCard = {
    model_details: {
      ...(registry ? { version: { name: registry.version, ...(registry.date ? { date: registry.date } : {}), diff: registry.changes } } : {}),
      ...(references.length > 0 ? { references } : {}),
    },
    ...(datasets.length > 0 ? { model_parameters: { data: datasets.map((name) => ({ name })) } } : {}),
  };
  const card = await request.composeCard(defaults, facts);
  const written = await writeCard({
    card,
    outDir: request.outDir,
    htmlName: request.cardName ?? GENERATIVE_CARD_HTML,
    lang: request.lang,
    inlineImages: request.inlineImages === true,
    extras: generativeCardExtras(prepared.facts, prepared.source.kind === 'folder' ? prepared.source.folder : {}),
    extensions: { generative: { source: prepared.plan.source, params: prepared.params } },
  });
  return { card: written.card, files: written.files, markdown: renderDescription(written.card, { lang: request.lang }) };
}

/** --dry-run: the card is written from local facts; nothing is sent anywhere. */
export async function planOnly(prepared: PreparedRegistration): Promise<RegisterGenerativeOutcome> {
  const written = await writeGenerativeCard(prepared, undefined);
  return { prepared, card: written.card, files: written.files };
}

/**
 * Records the registration through `recording` (see `recording.ts`): when the server goes away
 * part-way, the whole registration is recorded again in the local store.
 */
export function registerGenerative(prepared: PreparedRegistration, recording: Recording): Promise<RegisterGenerativeOutcome> {
  return recording.record((client, target) => recordRegistration(prepared, client, target.kind === 'server' ? target.location : ''));
}

/**
 * Logs the run and the model, registers a new version, writes the card (with what changed since
 * the previous version), attaches it to the run and the version, then promotes the version.
 * Promotion comes last so that an alias or stage never points at a version without its card.
 * `location` is the server URL for UI links (a local store gives none).
 */
async function recordRegistration(prepared: PreparedRegistration, client: MlflowClient, location: string): Promise<RegisterGenerativeOutcome> {
  const { request } = prepared;
  const experimentId = await client.resolveExperimentId({ experimentName: request.experimentName, experimentId: request.experimentId });
  const run = await client.createRun({ experimentId, ...(request.runName ? { runName: request.runName } : {}), tags: prepared.tags });
  const runId = run.info.runId;
  const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-generative-'));
  try {
    await client.logBatch(runId, {
      params: prepared.params,
      metrics: Object.entries(prepared.metrics).map(([key, value]) => ({ key, value })),
    });
    await stageModelFiles(prepared.files, staging);
    const logged = await client.logModel({
      runId,
      name: request.registeredName,
      modelDir: staging,
      flavors: textGenerationFlavors(prepared.source),
      signature: TEXT_GENERATION_SIGNATURE,
      params: prepared.params,
    });
    const version = await client.registerModel(logged.modelUri, request.registeredName, {
      tags: { task: prepared.params.task as string, [VERSION_RUN_TAG]: runId },
    });
    const changes = await versionChanges(client, version, { params: prepared.params, metrics: prepared.metrics }, request.lang);
    const runLink = runPageUrl(location, experimentId, runId);
    const written = await writeGenerativeCard(prepared, {
      version: version.version,
      date: version.creationTimestamp === undefined ? undefined : new Date(version.creationTimestamp).toISOString(),
      changes: changes.text,
      references: [runLink ?? `runs:/${runId}`, `models:/${version.name}/${version.version}`],
    });
    const attached = await attachCardToMlflow(client, {
      runId,
      registeredModelName: version.name,
      modelVersion: version.version,
      files: cardFileList(written.files),
      markdown: written.markdown,
    });
    const promotions: PromotionResult[] = [];
    for (const promotion of request.promotions) promotions.push(await promoteVersion(client, version.name, version.version, promotion));
    await client.setTag(runId, REGISTERED_VERSION_TAG, `models:/${version.name}/${version.version}`);
    await client.endRun(runId, 'FINISHED');
    // Only a server store counts HTTP requests; a local store makes none.
    const store = client.store as Partial<Pick<RestStore, 'http'>>;
    return {
      prepared,
      card: written.card,
      files: written.files,
      registered: {
        experimentId,
        runId,
        runLink,
        modelUri: logged.modelUri,
        modelId: logged.modelId,
        name: version.name,
        version: version.version,
        previousVersion: changes.previousVersion,
        changes: changes.text,
        promotions,
        artifacts: attached.runArtifacts,
        ...(store.http ? { httpRequests: store.http.stats.requests } : {}),
      },
    };
  } catch (error) {
    // Awaited here: returned as a promise it would stay rejected and unobserved while the
    // clean-up below awaits, and Node ends the process on such a rejection.
    return await failRun(client, runId, error);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
