/**
 * Model Cards built from what MLflow holds about a model (see `mlflow-record.ts`): the run, the
 * logged model and the registry version, with what changed since the previous version.
 *
 * Nothing is invented: every field comes from MLflow, and a card built here has no intended
 * uses, limitations or risks unless the run was made by a command that knows them
 * (register-generative) or logged its own card; `--config` and the card flags add the rest.
 */
import { REGISTER_GENERATIVE_SOURCE, generativeDatasetsFromRun, generativeFactsFromRun } from '../generative/run-record.js';
import { DATASET_CONTEXT_TAG, LOG_MODEL_HISTORY_TAG, NOTE_TAG, SOURCE_NAME_TAG } from '../mlflow/tags.js';
import type { DatasetInput } from '../mlflow/types.js';
import { formatModelUri, runPageUrl } from '../mlflow/uris.js';
import type { CardExtras } from './extras.js';
import type { Lang } from './labels.js';
import type { LoggedModelRecord, MlflowModelRecord, RunRecord } from './mlflow-record.js';
import { generativeCardDefaults, generativeCardExtras } from './presets/generative.js';
import { PENGUIN_CARD_EXTRAS, PENGUINS_SOURCE_NAME } from './presets/penguins.js';
import { performanceMetrics } from './run-metrics.js';
import type { Dataset, ModelCard } from './schema.js';

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
