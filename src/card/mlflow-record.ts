/**
 * What MLflow holds about a model, read for a card: the run (params, metrics, tags, dataset
 * inputs), the models it logged (flavors, signature), the registry version with what changed
 * since the previous one, and the card the run logged when a command of this toolkit made it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../errors.js';
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { filterLiteral } from '../mlflow/filters.js';
import { CARD_VERSION_TAG, LOG_MODEL_HISTORY_TAG } from '../mlflow/tags.js';
import type { DatasetInput, LoggedModel, ModelVersion, RegisteredModel, Run, Tags } from '../mlflow/types.js';
import { appendToArtifactUri, parseModelUri } from '../mlflow/uris.js';
import type { Lang } from './labels.js';
import { readLoggedCard } from './logged-card.js';
import type { ModelCard } from './schema.js';
import { versionChanges, versionValues } from './version-changes.js';

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
