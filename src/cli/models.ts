import { Command } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { MLFLOW_LIMITS } from '../mlflow/store/limits.js';
import type { LoggedModel, ModelVersion } from '../mlflow/types.js';
import { parseModelUri } from '../mlflow/uris.js';
import { aliasTarget, listModelVersions, listRegisteredModels, showModel, type ShownModel } from '../registry/inspect.js';
import { canonicalStage, describePromotion, promoteVersion, STAGES_DEPRECATED, type Promotion, type PromotionResult } from '../registry/promote.js';
import { defineCommand, defineGroup, type CommandContext } from './define.js';
import { ENV } from './environment.js';
import { archiveExisting, described, dryRun, json, mlflowUri, timeout, verbose } from './flags.js';
import type { OpenedTracking } from './mlflow-options.js';
import { openExisting, plannedLocation, type MlflowUriValues } from './registry-options.js';
import { formatTable, formatTime } from './table.js';

type RegistryContext = CommandContext<MlflowUriValues>;

/** Runs `work` against MLflow, or with --dry-run reports what it would do and sends nothing. */
async function withRegistry<T>(context: RegistryContext, planned: string, work: (tracking: OpenedTracking) => Promise<T>): Promise<T | undefined> {
  const { flags, options, reporter } = context;
  if (options.dryRun) {
    const line = `Dry run: nothing was sent to MLflow; would ${planned} at ${plannedLocation(flags)}`;
    reporter.result({ dry_run: true, plan: `${planned} at ${plannedLocation(flags)}` }, [line]);
    return undefined;
  }
  const tracking = await openExisting(flags, reporter);
  try {
    return await work(tracking);
  } finally {
    await tracking.client.close();
  }
}

const READ_FLAGS = [described(mlflowUri, 'the MLflow to read'), timeout, json, verbose];
const CHANGE_FLAGS = [described(mlflowUri, 'the MLflow to change'), timeout, dryRun('writes no file; prints what would change'), json, verbose];
const REGISTRY_EXITS = { 1: 'MLflow did not answer or failed', 2: 'bad flags, a local store --mlflow-uri names does not exist, or the model, version or alias does not exist' };

function versionJson(version: ModelVersion): Record<string, unknown> {
  return {
    name: version.name,
    version: version.version,
    stage: version.currentStage,
    aliases: version.aliases,
    status: version.status ?? null,
    run_id: version.runId ?? null,
    model_id: version.modelId ?? null,
    source: version.source,
    created: version.creationTimestamp ?? null,
    updated: version.lastUpdatedTimestamp ?? null,
    description: version.description ?? null,
    tags: version.tags,
  };
}

/** `  Tags:        a=1, b=2` (the label padded to the column), or no line when there is nothing. */
function pairsLine(label: string, pairs: Record<string, string>): string[] {
  const entries = Object.entries(pairs);
  return entries.length > 0 ? [`  ${`${label}:`.padEnd(13)}${entries.map(([key, value]) => `${key}=${value}`).join(', ')}`] : [];
}

function shownVersion(shown: Extract<ShownModel, { kind: 'version' }>): [Record<string, unknown>, string[]] {
  const version = shown.version;
  const lines = [
    `${version.name} version ${version.version}  (${shown.uri})`,
    `  Stage:       ${version.currentStage}`,
    `  Aliases:     ${version.aliases.map((alias) => `@${alias}`).join(' ') || '-'}`,
    `  Status:      ${version.status ?? '-'}`,
    `  Run:         ${version.runId ?? '-'}`,
    ...(version.modelId ? [`  Model ID:    ${version.modelId}`] : []),
    `  Source:      ${version.source}`,
    `  Files:       ${shown.artifactUri}`,
    `  Created:     ${formatTime(version.creationTimestamp)} UTC`,
    ...pairsLine('Tags', version.tags),
    '  Description:',
    ...(version.description ? version.description.split('\n').map((line) => `    ${line}`.trimEnd()) : ['    -']),
  ];
  return [{ artifact_uri: shown.artifactUri, model_version: versionJson(version) }, lines];
}

function shownLoggedModel(model: LoggedModel): [Record<string, unknown>, string[]] {
  const lines = [
    `${model.name}  (models:/${model.modelId}, a LoggedModel)`,
    `  Status:      ${model.status}`,
    `  Experiment:  ${model.experimentId}`,
    `  Run:         ${model.sourceRunId ?? '-'}`,
    ...(model.modelType ? [`  Type:        ${model.modelType}`] : []),
    `  Files:       ${model.artifactUri}`,
    `  Created:     ${formatTime(model.creationTimestamp)} UTC`,
    ...pairsLine('Params', model.params),
    ...pairsLine('Tags', model.tags),
  ];
  const json = {
    artifact_uri: model.artifactUri,
    logged_model: {
      model_id: model.modelId,
      name: model.name,
      status: model.status,
      experiment_id: model.experimentId,
      run_id: model.sourceRunId ?? null,
      model_type: model.modelType ?? null,
      created: model.creationTimestamp ?? null,
      params: model.params,
      tags: model.tags,
    },
  };
  return [json, lines];
}

function firstLine(text: string | undefined): string {
  const line = (text ?? '').split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function promotionLines(result: PromotionResult): string[] {
  if (result.kind === 'alias') {
    const was = result.previousAliasVersion ? ` (it pointed at version ${result.previousAliasVersion})` : '';
    return [`${result.name}@${result.alias} now points at version ${result.version}${was}`, `Load it as models:/${result.name}@${result.alias}`];
  }
  const lines = [`${result.name} version ${result.version} is now in stage ${result.stage}`];
  if (result.archived.length > 0) lines.push(`Archived version(s) ${result.archived.join(', ')} that were in ${result.stage}`);
  return lines;
}

export function promotionJson(result: PromotionResult): Record<string, unknown> {
  return {
    kind: result.kind,
    name: result.name,
    version: result.version,
    ...(result.alias ? { alias: result.alias, previous_alias_version: result.previousAliasVersion ?? null } : {}),
    ...(result.stage ? { stage: result.stage, archived: result.archived } : {}),
  };
}

interface PromoteFlags extends MlflowUriValues {
  alias?: string;
  stage?: string;
  archiveExisting?: boolean;
}

/** The alias checks of MLflow, loaded on use: the validation module brings the REST store with it. */
async function checkAlias(alias: string): Promise<void> {
  const { validateAlias } = await import('../mlflow/validation.js');
  validateAlias(alias, MLFLOW_LIMITS);
}

async function promotionOf(flags: PromoteFlags): Promise<Promotion> {
  if ((flags.alias === undefined) === (flags.stage === undefined)) {
    throw new UsageError('promote needs exactly one of --alias and --stage', { hint: 'e.g. --alias champion (recommended) or --stage Production' });
  }
  if (flags.alias !== undefined) {
    if (flags.archiveExisting) throw new UsageError('--archive-existing applies to --stage only', { hint: 'an alias always points at one version; drop --archive-existing' });
    await checkAlias(flags.alias);
    return { kind: 'alias', alias: flags.alias };
  }
  const stage = canonicalStage(flags.stage as string, flags.archiveExisting === true);
  return { kind: 'stage', stage, archiveExisting: flags.archiveExisting === true };
}

export function registerModels(program: Command): void {
  const models = defineGroup(program, 'models', 'The MLflow Model Registry: list models and versions, show a version, promote by alias or stage.');

  defineCommand<MlflowUriValues & { filter?: string }>(
    models,
    {
      name: 'list',
      description: 'List registered models: name, latest version, aliases, last update.',
      flags: [{ flags: '--filter <filter>', description: `an MLflow filter, e.g. "name LIKE 'peng%'" or "tags.team = '29'"` }, ...READ_FLAGS],
      examples: ['mlflow-mct models list', `mlflow-mct models list --filter "name LIKE 'peng%'" --json`],
      exitCodes: REGISTRY_EXITS,
      environment: ENV.mlflow,
    },
    async (context) => {
      const { flags, reporter } = context;
      await withRegistry(context, `list the registered models${flags.filter ? ` matching ${flags.filter}` : ''}`, async (tracking) => {
        const found = await listRegisteredModels(tracking.client, flags.filter);
        const rows = found.map((model) => {
          const latest = model.latestVersions.map((version) => Number(version.version)).sort((a, b) => b - a)[0];
          const aliases = Object.entries(model.aliases).map(([alias, version]) => `@${alias}=${version}`).sort().join(' ');
          return [model.name, latest === undefined ? '-' : String(latest), aliases || '-', formatTime(model.lastUpdatedTimestamp), firstLine(model.description)];
        });
        reporter.result(
          {
            tracking: tracking.target.location,
            filter: flags.filter ?? null,
            registered_models: found.map((model) => ({
              name: model.name,
              latest_versions: model.latestVersions.map((version) => ({ version: version.version, stage: version.currentStage })),
              aliases: model.aliases,
              tags: model.tags,
              description: model.description ?? null,
              created: model.creationTimestamp ?? null,
              updated: model.lastUpdatedTimestamp ?? null,
            })),
          },
          found.length === 0 ? [`No registered models${flags.filter ? ` match ${flags.filter}` : ''} at ${tracking.target.location}`] : formatTable(['NAME', 'LATEST', 'ALIASES', 'UPDATED (UTC)', 'DESCRIPTION'], rows),
        );
      });
    },
  );

  defineCommand<MlflowUriValues>(
    models,
    {
      name: 'versions <name>',
      description: 'List the versions of a registered model, newest first: stage, aliases, status, run.',
      flags: READ_FLAGS,
      examples: ['mlflow-mct models versions gpt2-text-generator', 'mlflow-mct models versions penguins-rf --json'],
      exitCodes: REGISTRY_EXITS,
      environment: ENV.mlflow,
    },
    async (context, name) => {
      await withRegistry(context, `list the versions of ${name}`, async (tracking) => {
        const versions = await listModelVersions(tracking.client, name as string);
        const rows = versions.map((version) => [
          version.version,
          version.currentStage,
          version.aliases.map((alias) => `@${alias}`).join(' ') || '-',
          version.status ?? '-',
          formatTime(version.creationTimestamp),
          version.runId ?? '-',
        ]);
        context.reporter.result(
          { tracking: tracking.target.location, name, model_versions: versions.map(versionJson) },
          versions.length === 0 ? [`${name} has no versions`] : formatTable(['VERSION', 'STAGE', 'ALIASES', 'STATUS', 'CREATED (UTC)', 'RUN'], rows),
        );
      });
    },
  );

  defineCommand<MlflowUriValues>(
    models,
    {
      name: 'show <uri>',
      description: 'Show what a models:/ URI names: a version (stage, aliases, run, source, description) or a LoggedModel models:/m-... (status, run, files, params).',
      flags: READ_FLAGS,
      examples: ['mlflow-mct models show models:/gpt2-text-generator@champion', 'mlflow-mct models show models:/penguins-rf/Production --json', 'mlflow-mct models show models:/penguins-rf/3'],
      exitCodes: REGISTRY_EXITS,
      environment: ENV.mlflow,
    },
    async (context, uri) => {
      // A malformed URI is a usage error before anything is opened.
      parseModelUri(uri as string);
      const { reporter } = context;
      await withRegistry(context, `resolve ${uri}`, async (tracking) => {
        // Reading a version by its stage changes nothing: the deprecation is said when promoting.
        const shown = await showModel(tracking.client, uri as string);
        const [json, lines] = shown.kind === 'version' ? shownVersion(shown) : shownLoggedModel(shown.loggedModel);
        reporter.result({ tracking: tracking.target.location, uri, ...json }, lines);
      });
    },
  );

  defineCommand<PromoteFlags>(
    models,
    {
      name: 'promote <name> <version>',
      description: 'Promote a version: point an alias at it (recommended) or move it to a stage (deprecated in MLflow).',
      flags: [
        { flags: '--alias <alias>', description: 'point this alias (e.g. champion) at the version; it moves from any other version' },
        { flags: '--stage <stage>', description: 'move the version to Staging, Production, Archived or None (stages are deprecated in MLflow)' },
        described(archiveExisting, 'with --stage Staging or Production: archive the versions already in that stage'),
        ...CHANGE_FLAGS,
      ],
      examples: ['mlflow-mct models promote gpt2-text-generator 3 --alias champion', 'mlflow-mct models promote penguins-rf 2 --stage Production --archive-existing'],
      exitCodes: REGISTRY_EXITS,
      environment: ENV.mlflow,
    },
    async (context, name, version) => {
      const promotion = await promotionOf(context.flags);
      if (!/^\d+$/.test(version as string)) throw new UsageError(`model version "${version}" is not a version number`, { hint: 'pass the number, e.g. 3' });
      if (promotion.kind === 'stage') context.reporter.warn(STAGES_DEPRECATED);
      await withRegistry(context, describePromotion(name as string, version as string, promotion), async (tracking) => {
        const result = await promoteVersion(tracking.client, name as string, version as string, promotion);
        context.reporter.result({ tracking: tracking.target.location, ...promotionJson(result), model_version: versionJson(result.modelVersion) }, promotionLines(result));
      });
    },
  );

  const alias = defineGroup(models, 'alias', 'Manage registered model aliases.');
  defineCommand<MlflowUriValues>(
    alias,
    {
      name: 'delete <name> <alias>',
      description: 'Delete an alias of a registered model (the version itself stays).',
      flags: CHANGE_FLAGS,
      examples: ['mlflow-mct models alias delete gpt2-text-generator champion'],
      exitCodes: REGISTRY_EXITS,
      environment: ENV.mlflow,
    },
    async (context, name, aliasName) => {
      await checkAlias(aliasName as string);
      await withRegistry(context, `delete alias @${aliasName} of ${name}`, async (tracking) => {
        const target = await aliasTarget(tracking.client, name as string, aliasName as string);
        if (target === undefined) {
          throw new InputError(`${name} has no alias @${aliasName}`, { hint: `mlflow-mct models versions ${JSON.stringify(name)} shows the aliases` });
        }
        await tracking.client.deleteAlias(name as string, aliasName as string);
        context.reporter.result({ tracking: tracking.target.location, name, alias: aliasName, version: target }, [`Deleted alias @${aliasName} of ${name} (it pointed at version ${target})`]);
      });
    },
  );
}
