/**
 * MLflow's entities as the REST API carries them (snake_case, omitted fields absent, NaN and the
 * infinities as strings) and the conversions to and from the entities of `types.ts`. Free of
 * any HTTP code, so that local validation (which sizes batches by their wire form) and the
 * local store do not load the HTTP stack.
 */
import type {
  DatasetInput,
  Experiment,
  LifecycleStage,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  ModelVersion,
  ModelVersionStatus,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  Tags,
} from './types.js';

export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface WireMetric {
  key: string;
  value: WireNumber;
  timestamp: number;
  step?: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

function toWireNumber(value: number): WireNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

function fromWireNumber(value: WireNumber | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toWireMetric(metric: Metric): WireMetric {
  const wire: WireMetric = { key: metric.key, value: toWireNumber(metric.value), timestamp: metric.timestamp, step: metric.step };
  if (metric.modelId !== undefined) wire.model_id = metric.modelId;
  if (metric.datasetName !== undefined) wire.dataset_name = metric.datasetName;
  if (metric.datasetDigest !== undefined) wire.dataset_digest = metric.datasetDigest;
  return wire;
}

// ---- Wire shapes (snake_case, omitted fields absent) ----

export interface WireTag {
  key: string;
  value?: string;
}
export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  last_update_time?: number;
  creation_time?: number;
  tags?: WireTag[];
}
export interface WireRunInfo {
  run_id?: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status?: string;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}
export interface WireDataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}
export interface WireDatasetInput {
  tags?: WireTag[];
  dataset: WireDataset;
}
export interface WireRun {
  info: WireRunInfo;
  data?: { metrics?: WireMetric[]; params?: WireTag[]; tags?: WireTag[] };
  inputs?: { dataset_inputs?: WireDatasetInput[]; model_inputs?: Array<{ model_id: string }> };
  outputs?: { model_outputs?: Array<{ model_id: string; step?: number }> };
}
export interface WireModelVersion {
  name: string;
  version: string | number;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: WireTag[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}
export interface WireRegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireTag[];
  aliases?: Array<{ alias: string; version: string | number }>;
}
export interface WireLoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name?: string;
    artifact_uri?: string;
    status?: string;
    status_message?: string;
    creation_timestamp_ms?: number;
    last_updated_timestamp_ms?: number;
    model_type?: string;
    source_run_id?: string;
    tags?: WireTag[];
  };
  data?: { params?: WireTag[]; metrics?: WireMetric[] };
}
export interface WireFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

// ---- Conversions ----

function fromWireTags(tags: WireTag[] | undefined): Tags {
  const result: Tags = {};
  for (const tag of tags ?? []) result[tag.key] = tag.value ?? '';
  return result;
}

export function toWireTags(tags: Tags | undefined): WireTag[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }));
}

export function fromWireMetric(metric: WireMetric): Metric {
  return {
    key: metric.key,
    value: fromWireNumber(metric.value),
    timestamp: metric.timestamp,
    step: metric.step ?? 0,
    modelId: metric.model_id,
    datasetName: metric.dataset_name,
    datasetDigest: metric.dataset_digest,
  };
}

function lifecycle(value: string | undefined): LifecycleStage {
  return value === 'deleted' ? 'deleted' : 'active';
}

export function fromWireExperiment(wire: WireExperiment): Experiment {
  return {
    experimentId: String(wire.experiment_id),
    name: wire.name,
    artifactLocation: wire.artifact_location ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
    creationTime: wire.creation_time,
    lastUpdateTime: wire.last_update_time,
    tags: fromWireTags(wire.tags),
  };
}

export function fromWireRunInfo(wire: WireRunInfo): RunInfo {
  return {
    runId: wire.run_id ?? wire.run_uuid ?? '',
    runName: wire.run_name,
    experimentId: String(wire.experiment_id),
    userId: wire.user_id === '' ? undefined : wire.user_id,
    status: (wire.status ?? 'RUNNING') as RunStatus,
    startTime: wire.start_time,
    endTime: wire.end_time,
    artifactUri: wire.artifact_uri ?? '',
    lifecycleStage: lifecycle(wire.lifecycle_stage),
  };
}

function fromWireDatasetInput(wire: WireDatasetInput): DatasetInput {
  const { dataset } = wire;
  return {
    tags: fromWireTags(wire.tags),
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      sourceType: dataset.source_type,
      source: dataset.source,
      schema: dataset.schema,
      profile: dataset.profile,
    },
  };
}

export function fromWireRun(wire: WireRun): Run {
  const metrics: Record<string, number> = {};
  for (const metric of wire.data?.metrics ?? []) metrics[metric.key] = fromWireNumber(metric.value);
  return {
    info: fromWireRunInfo(wire.info),
    data: { metrics, params: fromWireTags(wire.data?.params), tags: fromWireTags(wire.data?.tags) },
    inputs: {
      datasetInputs: (wire.inputs?.dataset_inputs ?? []).map(fromWireDatasetInput),
      modelInputs: (wire.inputs?.model_inputs ?? []).map((input) => ({ modelId: input.model_id })),
    },
    outputs: {
      modelOutputs: (wire.outputs?.model_outputs ?? []).map((output) => ({ modelId: output.model_id, step: output.step ?? 0 })),
    },
  };
}

export function fromWireModelVersion(wire: WireModelVersion): ModelVersion {
  return {
    name: wire.name,
    version: String(wire.version),
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    userId: wire.user_id || undefined,
    currentStage: wire.current_stage ?? 'None',
    description: wire.description,
    source: wire.source ?? '',
    runId: wire.run_id || undefined,
    status: wire.status as ModelVersionStatus | undefined,
    statusMessage: wire.status_message,
    tags: fromWireTags(wire.tags),
    runLink: wire.run_link || undefined,
    aliases: wire.aliases ?? [],
    // Servers up to at least 3.17 leave model_id out of the answer; the source names the model.
    modelId: wire.model_id || /^models:\/(m-[0-9a-f]+)$/.exec(wire.source ?? '')?.[1],
  };
}

export function fromWireRegisteredModel(wire: WireRegisteredModel): RegisteredModel {
  const aliases: Record<string, string> = {};
  for (const alias of wire.aliases ?? []) aliases[alias.alias] = String(alias.version);
  return {
    name: wire.name,
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    userId: wire.user_id || undefined,
    description: wire.description,
    latestVersions: (wire.latest_versions ?? []).map(fromWireModelVersion),
    tags: fromWireTags(wire.tags),
    aliases,
  };
}

export function fromWireLoggedModel(wire: WireLoggedModel): LoggedModel {
  const { info } = wire;
  return {
    modelId: info.model_id,
    experimentId: String(info.experiment_id),
    name: info.name ?? '',
    artifactUri: info.artifact_uri ?? '',
    status: (info.status ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED') as LoggedModelStatus,
    statusMessage: info.status_message || undefined,
    creationTimestamp: info.creation_timestamp_ms,
    lastUpdatedTimestamp: info.last_updated_timestamp_ms,
    modelType: info.model_type || undefined,
    sourceRunId: info.source_run_id || undefined,
    tags: fromWireTags(info.tags),
    params: fromWireTags(wire.data?.params),
    metrics: (wire.data?.metrics ?? []).map(fromWireMetric),
  };
}
