/**
 * Model Cards built from what MLflow holds about a model: the run (params, metrics, tags,
 * dataset inputs), the logged model (flavors, signature) and the registry (version, stage,
 * aliases, source), plus what changed since the previous version of a registered model.
 *
 * Nothing is invented: every field comes from MLflow, and a card built here has no intended
 * uses, limitations or risks unless the run was made by a command that knows them
 * (register-generative); `--config` and the card flags add the rest.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import { REGISTER_GENERATIVE_SOURCE, generativeDatasetsFromRun, generativeFactsFromRun } from '../generative/run-record.js';
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { filterLiteral } from '../mlflow/filters.js';
import type { DatasetInput, LoggedModel, ModelVersion, RegisteredModel, Run, Tags } from '../mlflow/types.js';
import { appendToArtifactUri, formatModelUri, parseModelUri } from '../mlflow/uris.js';
import type { Lang } from './labels.js';
import type { CardExtras } from './extras.js';
import { readLoggedCard } from './logged-card.js';
import { generativeCardDefaults, generativeCardExtras } from './presets/generative.js';
import { PENGUIN_CARD_EXTRAS, PENGUINS_SOURCE_NAME } from './presets/penguins.js';
import { performanceMetrics } from './run-metrics.js';
import type { Dataset, ModelCard } from './schema.js';
import { CARD_VERSION_TAG, DATASET_CONTEXT_TAG, LOG_MODEL_HISTORY_TAG, NOTE_TAG, SOURCE_NAME_TAG } from '../mlflow/tags.js';

/** The run tag MLflow 2 keeps a run's models in. */

export interface RunRecord {
  runId: string;
  runName: string | undefined;
  experimentId: string;
  experimentName: string | undefined;
  status: string;
  startTime: number | undefined;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Tags;
  datasets: DatasetInput[];
}

export interface LoggedModelRecord {
  name: string;
  /** The LoggedModel id (MLflow 3). */
  modelId: string | undefined;
  /** Where the files are. */
  location: string | undefined;
  flavors: Record<string, Record<string, unknown>>;
  signature: { inputs?: string; outputs?: string } | undefined;
}

export interface RegistryRecord {
  version: ModelVersion;
  model: RegisteredModel | undefined;
  /** What changed since the previous version. */
  changes: string;
  previousVersion: string | undefined;
}

export interface MlflowModelRecord {
  /** The server URL (for UI links) or local store the record was read from. */
  tracking: string;
  run: RunRecord | undefined;
  models: LoggedModelRecord[];
  registry: RegistryRecord | undefined;
  /** The card the run logged, when a command of this toolkit made it. */
  loggedCard?: ModelCard | undefined;
}

/** Params and metrics of one version, for comparing versions. */
interface VersionValues {
  version: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
}

async function readRun(client: MlflowClient, runId: string): Promise<{ record: RunRecord; run: Run }> {
  let run: Run;
  try {
    run = await client.getRun(runId);
  } catch (error) {
    if (isNotFound(error)) throw new InputError(`run ${runId} does not exist`, { location: 'run id', hint: 'check the run id (the MLflow UI shows it on the run page)', cause: error });
    throw error;
  }
  const experiment = await client.getExperiment(run.info.experimentId).catch(() => undefined);
  const record: RunRecord = {
    runId: run.info.runId,
    runName: run.info.runName,
    experimentId: run.info.experimentId,
    experimentName: experiment?.name,
    status: run.info.status,
    startTime: run.info.startTime,
    params: run.data.params,
    metrics: run.data.metrics,
    tags: run.data.tags,
    datasets: run.inputs.datasetInputs,
  };
  return { record, run };
}

/** The MLmodel of a LoggedModel, or undefined when it has none (e.g. an upload that failed). */
async function readMlmodel(client: MlflowClient, artifactUri: string): Promise<Record<string, unknown> | undefined> {
  const staging = await mkdtemp(join(tmpdir(), 'mlflow-mct-mlmodel-'));
  try {
    const file = join(staging, 'MLmodel');
    await client.store.artifacts.downloadArtifact(artifactUri, 'MLmodel', file);
    const parsed = parseYaml(await readFile(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function modelRecord(name: string, modelId: string | undefined, location: string | undefined, mlmodel: Record<string, unknown> | undefined): LoggedModelRecord {
  const flavors = (mlmodel?.flavors ?? {}) as Record<string, Record<string, unknown>>;
  const signature = mlmodel?.signature as { inputs?: string; outputs?: string } | undefined;
  return { name, modelId, location, flavors, signature: signature ?? undefined };
}

async function loggedModelRecord(client: MlflowClient, model: LoggedModel): Promise<LoggedModelRecord> {
  return modelRecord(model.name, model.modelId, model.artifactUri, await readMlmodel(client, model.artifactUri));
}

/** The models a run logged: MLflow 3 LoggedModels from its outputs, MLflow 2 models from its history tag. */
async function readRunModels(client: MlflowClient, run: Run): Promise<LoggedModelRecord[]> {
  const records: LoggedModelRecord[] = [];
  for (const output of run.outputs.modelOutputs) {
    records.push(await loggedModelRecord(client, await client.getLoggedModel(output.modelId)));
  }
  const history = run.data.tags[LOG_MODEL_HISTORY_TAG];
  if (history) {
    try {
      const entries = JSON.parse(history) as Array<Record<string, unknown>>;
      for (const entry of entries) {
        const path = String(entry.artifact_path ?? '');
        if (path === '' || records.some((record) => record.name === path)) continue;
        // The history keeps flavors without their signature; the MLmodel beside the files has both.
        const mlmodel = await readMlmodel(client, appendToArtifactUri(run.info.artifactUri, path));
        records.push(modelRecord(path, undefined, `runs:/${run.info.runId}/${path}`, mlmodel ?? entry));
      }
    } catch {
      // A history tag that is not JSON (cut at MLflow's tag limit) lists no models.
    }
  }
  return records;
}

/** The latest metric values of a LoggedModel, by key. */
function loggedModelMetrics(model: LoggedModel): Record<string, number> {
  const latest = new Map<string, { value: number; step: number; timestamp: number }>();
  for (const metric of model.metrics) {
    const seen = latest.get(metric.key);
    if (!seen || metric.step > seen.step || (metric.step === seen.step && metric.timestamp >= seen.timestamp)) latest.set(metric.key, metric);
  }
  return Object.fromEntries([...latest].map(([key, metric]) => [key, metric.value]));
}

/** The params and metrics a version was registered with: its run's, else its LoggedModel's. */
async function versionValues(client: MlflowClient, version: ModelVersion): Promise<VersionValues | undefined> {
  if (version.runId) {
    const run = await client.getRun(version.runId).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    if (run) return { version: version.version, params: run.data.params, metrics: run.data.metrics };
  }
  if (version.modelId) {
    const model = await client.getLoggedModel(version.modelId).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    if (model) return { version: version.version, params: model.params, metrics: loggedModelMetrics(model) };
  }
  return undefined;
}

/** The version registered just before `version` (the highest lower number), if any. */
async function previousVersion(client: MlflowClient, name: string, version: string): Promise<ModelVersion | undefined> {
  const number = Number(version);
  const versions = await client.searchModelVersions({ filter: `name = ${filterLiteral(name)}` });
  return versions
    .filter((candidate) => Number(candidate.version) < number)
    .sort((a, b) => Number(b.version) - Number(a.version))[0];
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}

function formatDelta(delta: number): string {
  return `${delta >= 0 ? '+' : ''}${formatNumber(delta)}`;
}

const CHANGE_TEXTS: Record<Lang, {
  first: (name: string) => string;
  since: (version: string) => string;
  noRecord: (version: string) => string;
  unchanged: string;
  param: string;
  newParam: string;
  removedParam: string;
  metric: string;
  newMetric: string;
  removedMetric: string;
}> = {
  en: {
    first: (name) => `First version of ${name}.`,
    since: (version) => `Since version ${version}: `,
    noRecord: (version) => `Version ${version} has no run or logged model to compare with.`,
    unchanged: 'no parameter or metric changed.',
    param: 'parameter',
    newParam: 'new parameter',
    removedParam: 'removed parameter',
    metric: 'metric',
    newMetric: 'new metric',
    removedMetric: 'removed metric',
  },
  es: {
    first: (name) => `Primera versión de ${name}.`,
    since: (version) => `Desde la versión ${version}: `,
    noRecord: (version) => `La versión ${version} no tiene ejecución ni modelo registrado con que comparar.`,
    unchanged: 'no cambió ningún parámetro ni métrica.',
    param: 'parámetro',
    newParam: 'parámetro nuevo',
    removedParam: 'parámetro eliminado',
    metric: 'métrica',
    newMetric: 'métrica nueva',
    removedMetric: 'métrica eliminada',
  },
};

/**
 * What changed between two versions, in one line: metric deltas and parameter changes, e.g.
 * "Since version 2: parameter n_estimators 100 → 200; metric accuracy 0.970149 → 0.985075 (+0.0149254)".
 */
export function describeVersionChanges(
  name: string,
  current: Omit<VersionValues, 'version'>,
  previous: { version: string; values: VersionValues | undefined } | undefined,
  lang: Lang,
): string {
  const texts = CHANGE_TEXTS[lang];
  if (!previous) return texts.first(name);
  if (!previous.values) return texts.noRecord(previous.version);
  const before = previous.values;
  const changes: string[] = [];
  for (const key of Object.keys({ ...before.params, ...current.params }).sort()) {
    const [was, now] = [before.params[key], current.params[key]];
    if (was === now) continue;
    if (was === undefined) changes.push(`${texts.newParam} ${key} = ${now}`);
    else if (now === undefined) changes.push(`${texts.removedParam} ${key} (${was})`);
    else changes.push(`${texts.param} ${key} ${was} → ${now}`);
  }
  for (const key of Object.keys({ ...before.metrics, ...current.metrics }).sort()) {
    const [was, now] = [before.metrics[key], current.metrics[key]];
    if (was === now || (Number.isNaN(was) && Number.isNaN(now))) continue;
    if (was === undefined) changes.push(`${texts.newMetric} ${key} = ${formatNumber(now as number)}`);
    else if (now === undefined) changes.push(`${texts.removedMetric} ${key} (${formatNumber(was)})`);
    else changes.push(`${texts.metric} ${key} ${formatNumber(was)} → ${formatNumber(now)} (${formatDelta(now - was)})`);
  }
  return texts.since(previous.version) + (changes.length > 0 ? changes.join('; ') : texts.unchanged);
}

/** What changed in `version` since the version registered before it. */
export async function versionChanges(
  client: MlflowClient,
  version: ModelVersion,
  current: Omit<VersionValues, 'version'>,
  lang: Lang,
): Promise<{ text: string; previousVersion: string | undefined }> {
  const previous = await previousVersion(client, version.name, version.version);
  const values = previous ? await versionValues(client, previous) : undefined;
  return {
    text: describeVersionChanges(version.name, current, previous ? { version: previous.version, values } : undefined, lang),
    previousVersion: previous?.version,
  };
}

async function registryRecord(client: MlflowClient, version: ModelVersion, run: RunRecord | undefined, lang: Lang): Promise<RegistryRecord> {
  const model = await client.getRegisteredModel(version.name).catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
  const current = run ? { params: run.params, metrics: run.metrics } : ((await versionValues(client, version)) ?? { params: {}, metrics: {} });
  const changes = await versionChanges(client, version, current, lang);
  return { version, model, changes: changes.text, previousVersion: changes.previousVersion };
}

/** The path in the run of the card HTML the version's `mlflow-mct.card` tag names, when it is in that run. */
function taggedCardPath(version: ModelVersion | undefined, runId: string): string | undefined {
  const prefix = `runs:/${runId}/`;
  const uri = version?.tags[CARD_VERSION_TAG];
  return uri?.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
}

/**
 * A run and what it produced. When the run's model was registered, the newest version
 * registered from it is included (with what changed since the version before it).
 */
export async function readRunRecord(client: MlflowClient, runId: string, tracking: string, lang: Lang): Promise<MlflowModelRecord> {
  const { record: run, run: raw } = await readRun(client, runId);
  const models = await readRunModels(client, raw);
  const versions = await client.searchModelVersions({ filter: `run_id = ${filterLiteral(runId)}` });
  const newest = versions.sort((a, b) => (b.creationTimestamp ?? 0) - (a.creationTimestamp ?? 0))[0];
  const registry = newest ? await registryRecord(client, newest, run, lang) : undefined;
  return { tracking, run, models, registry, loggedCard: await readLoggedCard(client, raw.info.artifactUri, taggedCardPath(newest, runId)) };
}

/** A registered model version (`models:/name/3`, `@alias`, `/Production`, `/latest`) or a LoggedModel (`models:/m-...`). */
export async function readModelRecord(client: MlflowClient, uri: string, tracking: string, lang: Lang): Promise<MlflowModelRecord> {
  const parsed = parseModelUri(uri);
  if (parsed.kind === 'run') {
    throw new InputError(`${uri} is a run URI`, { location: 'model URI', hint: `use mlflow-mct card from-run ${parsed.runId}` });
  }
  let resolved;
  try {
    resolved = await client.resolveModelUri(uri);
  } catch (error) {
    if (isNotFound(error)) throw new InputError(`${uri} does not exist on ${tracking}`, { location: 'model URI', hint: 'list the versions with mlflow-mct models versions <name>', cause: error });
    throw error;
  }
  if (resolved.loggedModel) {
    const model = resolved.loggedModel;
    const run = model.sourceRunId ? (await readRun(client, model.sourceRunId)).record : undefined;
    return { tracking, run, models: [await loggedModelRecord(client, model)], registry: undefined };
  }
  const version = resolved.modelVersion as ModelVersion;
  const read = version.runId ? await readRun(client, version.runId).catch((error: unknown) => (error instanceof InputError ? undefined : Promise.reject(error))) : undefined;
  const models: LoggedModelRecord[] = [];
  if (version.modelId) models.push(await loggedModelRecord(client, await client.getLoggedModel(version.modelId)));
  else if (read) models.push(...(await readRunModels(client, read.run)));
  const loggedCard = read ? await readLoggedCard(client, read.run.info.artifactUri, taggedCardPath(version, read.run.info.runId)) : undefined;
  return { tracking, run: read?.record, models, registry: await registryRecord(client, version, read?.record, lang), loggedCard };
}

// ---- The card ----

const CARD_TEXTS: Record<Lang, {
  overview: (run: RunRecord) => string;
  flavors: string;
  params: string;
  dataDigest: string;
  dataSource: string;
  dataContext: string;
  dataRows: string;
}> = {
  en: {
    overview: (run) => `Model from MLflow run ${run.runName ?? run.runId}${run.experimentName ? ` in experiment ${run.experimentName}` : ''}.`,
    flavors: 'MLflow flavors',
    params: 'Parameters',
    dataDigest: 'digest',
    dataSource: 'source',
    dataContext: 'context',
    dataRows: 'rows',
  },
  es: {
    overview: (run) => `Modelo de la ejecución de MLflow ${run.runName ?? run.runId}${run.experimentName ? ` en el experimento ${run.experimentName}` : ''}.`,
    flavors: 'Sabores (flavors) de MLflow',
    params: 'Parámetros',
    dataDigest: 'huella',
    dataSource: 'origen',
    dataContext: 'contexto',
    dataRows: 'filas',
  },
};

function isoDate(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/** A local path or file: URI says nothing to the card's readers (and shows a machine's folders); its file name does. */
function shareable(location: string): string {
  if (/^file:/i.test(location) || location.startsWith('/') || /^[A-Za-z]:[\\/]/.test(location)) return location.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? location;
  return location;
}

/** The tracking server's UI page of a run; undefined for a local store. */
export function runPageUrl(tracking: string, experimentId: string, runId: string): string | undefined {
  return /^https?:\/\//i.test(tracking) ? `${tracking.replace(/\/+$/, '')}/#/experiments/${experimentId}/runs/${runId}` : undefined;
}

/** `name (type), ...` of a signature's column specs; `type` alone for unnamed columns. */
function describeSchema(json: string | undefined): string | undefined {
  if (!json) return undefined;
  try {
    // MLflow writes a TensorSpec's details under `tensor-spec`.
    const columns = JSON.parse(json) as Array<{ name?: string; type?: string; 'tensor-spec'?: { dtype?: string; shape?: number[] } }>;
    if (!Array.isArray(columns) || columns.length === 0) return undefined;
    return columns
      .map((column) => {
        const spec = column['tensor-spec'];
        const type = column.type === 'tensor' && spec ? `tensor ${spec.dtype ?? ''} ${JSON.stringify(spec.shape ?? [])}`.trim() : column.type;
        return column.name ? `${column.name} (${type})` : String(type);
      })
      .join(', ');
  } catch {
    return undefined;
  }
}

function describeFlavors(models: LoggedModelRecord[]): string | undefined {
  const names = [...new Set(models.flatMap((model) => Object.keys(model.flavors)))];
  return names.length > 0 ? names.join(', ') : undefined;
}

function datasetOf(input: DatasetInput, lang: Lang): Dataset {
  const texts = CARD_TEXTS[lang];
  const { dataset } = input;
  let uri: string | undefined;
  try {
    const source = JSON.parse(dataset.source) as { uri?: unknown; url?: unknown; path?: unknown };
    const value = source.uri ?? source.url ?? source.path;
    uri = typeof value === 'string' ? value : undefined;
  } catch {
    uri = dataset.source || undefined;
  }
  let rows: string | undefined;
  try {
    const profile = JSON.parse(dataset.profile ?? '{}') as { num_rows?: unknown };
    rows = profile.num_rows === undefined ? undefined : String(profile.num_rows);
  } catch {
    rows = undefined;
  }
  const context = input.tags[DATASET_CONTEXT_TAG];
  const parts = [
    `${texts.dataDigest} ${dataset.digest}`,
    uri ? `${texts.dataSource} ${shareable(uri)}` : undefined,
    context ? `${texts.dataContext} ${context}` : undefined,
    rows ? `${texts.dataRows} ${rows}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return {
    name: dataset.name,
    description: parts.join('; '),
    ...(uri && /^https?:\/\//i.test(uri) ? { link: uri } : {}),
  };
}

export interface CardFromMlflow {
  /** The base layer: a preset's texts when the run's command is known, else empty. */
  defaults: ModelCard;
  /** What MLflow holds, laid over the defaults (then `--config` and flags go over both). */
  facts: ModelCard;
  /** What MCT has no field for, for the sidecar file. */
  extensions: Record<string, unknown>;
  /** Publication facts (Hub metadata) for the sidecar and the Markdown's front matter. */
  extras: CardExtras;
}

/** The card layers for a record read with `readRunRecord` or `readModelRecord`. */
export function cardFromMlflow(record: MlflowModelRecord, lang: Lang): CardFromMlflow {
  const texts = CARD_TEXTS[lang];
  const { run, registry, models } = record;
  const version = registry?.version;
  const generative = run?.tags[SOURCE_NAME_TAG] === REGISTER_GENERATIVE_SOURCE;
  const generativeFacts = generative && run ? generativeFactsFromRun(version?.name ?? run.params.model_id ?? run.runId, run.params, run.tags) : undefined;
  // The card the run logged is the best start: it has the uses, limitations, charts and
  // readable metrics of the command that made the run; MLflow's facts then bring it up to date.
  const logged = record.loggedCard;
  const defaults = logged ?? (generativeFacts ? generativeCardDefaults(lang, generativeFacts) : {});
  const extras: CardExtras = generativeFacts ? generativeCardExtras(generativeFacts) : run?.tags[SOURCE_NAME_TAG] === PENGUINS_SOURCE_NAME ? PENGUIN_CARD_EXTRAS : {};

  const references = [
    ...(defaults.model_details?.references ?? []).filter((reference) => !/^(runs|models):\//.test(reference.reference ?? '')),
    ...(run ? [{ reference: runPageUrl(record.tracking, run.experimentId, run.runId) ?? `runs:/${run.runId}` }] : []),
    ...(version ? [{ reference: formatModelUri({ kind: 'version', name: version.name, version: version.version }) }] : []),
    ...models.filter((model) => model.modelId).map((model) => ({ reference: formatModelUri({ kind: 'logged-model', modelId: model.modelId as string }) })),
  ].filter((reference, index, all) => all.findIndex((other) => other.reference === reference.reference) === index);
  const versionName = version?.version ?? run?.tags.model_version ?? run?.params.version;
  const versionDate = isoDate(version?.creationTimestamp ?? run?.startTime);
  const path = version
    ? formatModelUri({ kind: 'version', name: version.name, version: version.version })
    : models[0]?.modelId
      ? formatModelUri({ kind: 'logged-model', modelId: models[0].modelId })
      : models[0]?.location && shareable(models[0].location);
  const overview = registry?.model?.description || run?.tags[NOTE_TAG] || (run ? texts.overview(run) : undefined);
  const name = version?.name ?? (logged ? undefined : (run?.runName ?? run?.runId));

  const params = run?.params ?? {};
  const architecture = [
    describeFlavors(models) ? `${texts.flavors}: ${describeFlavors(models)}` : undefined,
    Object.keys(params).length > 0 ? [`${texts.params}:`, ...Object.keys(params).sort().map((key) => `${key} = ${params[key]}`)].join('\n') : undefined,
  ].filter((line): line is string => line !== undefined);
  const signature = models.find((model) => model.signature)?.signature;
  const inputFormat = describeSchema(signature?.inputs);
  const outputFormat = describeSchema(signature?.outputs);
  const data = [
    ...(run?.datasets ?? []).map((input) => datasetOf(input, lang)),
    ...(generative && run ? generativeDatasetsFromRun(run.params).map((dataset) => ({ name: dataset })) : []),
  ];
  const metrics = logged?.quantitative_analysis?.performance_metrics ? [] : performanceMetrics(run?.metrics ?? {});
  const described = generative || logged !== undefined;

  const facts: ModelCard = {
    model_details: {
      ...(generative ? {} : { ...(name ? { name } : {}), ...(overview && !logged ? { overview } : {}) }),
      ...(versionName || versionDate || registry
        ? { version: { ...(versionName ? { name: versionName } : {}), ...(versionDate ? { date: versionDate } : {}), ...(registry ? { diff: registry.changes } : {}) } }
        : {}),
      ...(references.length > 0 ? { references } : {}),
      ...(path ? { path } : {}),
    },
    model_parameters: {
      ...(!described && architecture.length > 0 ? { model_architecture: architecture.join('\n') } : {}),
      ...(data.length > 0 && !logged?.model_parameters?.data ? { data } : {}),
      ...(!described && inputFormat ? { input_format: inputFormat } : {}),
      ...(!described && outputFormat ? { output_format: outputFormat } : {}),
    },
    ...(metrics.length > 0 ? { quantitative_analysis: { performance_metrics: metrics } } : {}),
  };

  const { [LOG_MODEL_HISTORY_TAG]: _history, ...tags } = run?.tags ?? {};
  const extensions = {
    mlflow: {
      tracking: record.tracking,
      ...(run
        ? {
            run: {
              run_id: run.runId,
              run_name: run.runName ?? null,
              experiment_id: run.experimentId,
              experiment_name: run.experimentName ?? null,
              status: run.status,
              params: run.params,
              metrics: run.metrics,
              tags,
              datasets: run.datasets.map((input) => ({ name: input.dataset.name, digest: input.dataset.digest, context: input.tags[DATASET_CONTEXT_TAG] ?? null })),
            },
          }
        : {}),
      logged_models: models.map((model) => ({ name: model.name, model_id: model.modelId ?? null, location: model.location ? shareable(model.location) : null, flavors: Object.keys(model.flavors) })),
      ...(registry
        ? {
            registered_model: {
              name: registry.version.name,
              version: registry.version.version,
              stage: registry.version.currentStage,
              aliases: registry.version.aliases,
              source: registry.version.source ? shareable(registry.version.source) : null,
              previous_version: registry.previousVersion ?? null,
              changes: registry.changes,
            },
          }
        : {}),
    },
  };
  return { defaults, facts, extensions, extras };
}
