/**
 * What changed in a registered model version since the one registered before it, in one line:
 * parameter changes and metric deltas, from each version's run (else its LoggedModel).
 */
import type { MlflowClient } from '../mlflow/client.js';
import { isNotFound } from '../mlflow/errors.js';
import { filterLiteral } from '../mlflow/filters.js';
import type { LoggedModel, ModelVersion } from '../mlflow/types.js';
import type { Lang } from './labels.js';

/** Params and metrics of one version, for comparing versions. */
export interface VersionValues {
  version: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
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
export async function versionValues(client: MlflowClient, version: ModelVersion): Promise<VersionValues | undefined> {
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
 * @internal exported for its unit tests only
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
