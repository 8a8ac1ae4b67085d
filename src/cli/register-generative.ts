import { Command } from 'commander';
import { cardFromFlags } from '../card/compose.js';
import { UsageError } from '../errors.js';
import {
  DEFAULT_GENERATIVE_EXPERIMENT,
  DEFAULT_REGISTERED_NAME,
  planOnly,
  prepareRegistration,
  registerGenerative,
  type ModelSelection,
  type RegisterGenerativeRequest,
} from '../generative/register.js';
import { DEFAULT_MODEL_CLASS } from '../generative/mlmodel.js';
import { canonicalStage, STAGES_DEPRECATED, type Promotion } from '../registry/promote.js';
import { composeCard, withCardOptions, type CardOptionValues } from './card-options.js';
import { cardFileLines } from './card-result.js';
import { examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';
import { mlflowConfigOf, openTracking, reportTracking, withMlflowOptions, type MlflowOptionValues } from './mlflow-options.js';
import { promotionJson } from './models.js';
import { parseTags } from './train-penguins.js';

interface RegisterGenerativeFlags extends MlflowOptionValues, CardOptionValues {
  registeredName: string;
  model?: string;
  revision?: string;
  modelClass?: string;
  modelDir?: string;
  mlflowRunName?: string;
  mlflowTags?: string;
  mlflowAlias?: string;
  mlflowStage?: string;
  archiveExisting?: boolean;
}

function modelSelection(flags: RegisterGenerativeFlags): ModelSelection {
  if ((flags.model === undefined) === (flags.modelDir === undefined)) {
    throw new UsageError('register-generative needs exactly one of --model and --model-dir', {
      hint: 'use --model <hugging-face-id> --revision <sha> to register by reference, or --model-dir <folder> to upload a local model',
    });
  }
  if (flags.modelDir !== undefined) {
    if (flags.revision !== undefined || flags.modelClass !== undefined) {
      throw new UsageError('--revision and --model-class go with --model, not --model-dir', { hint: 'a folder is uploaded as it is; its config.json names the model class' });
    }
    return { kind: 'folder', dir: flags.modelDir };
  }
  return { kind: 'hub', modelId: flags.model as string, revision: flags.revision, modelClass: flags.modelClass };
}

function promotionsOf(flags: RegisterGenerativeFlags): Promotion[] {
  if (flags.archiveExisting && flags.mlflowStage === undefined) {
    throw new UsageError('--archive-existing needs --mlflow-stage', { hint: 'e.g. --mlflow-stage Production --archive-existing' });
  }
  return [
    ...(flags.mlflowAlias !== undefined ? [{ kind: 'alias' as const, alias: flags.mlflowAlias }] : []),
    ...(flags.mlflowStage !== undefined
      ? [{ kind: 'stage' as const, stage: canonicalStage(flags.mlflowStage, flags.archiveExisting === true), archiveExisting: flags.archiveExisting === true }]
      : []),
  ];
}

export function registerRegisterGenerative(program: Command): void {
  const command = program
    .command('register-generative')
    .description('Register a Hugging Face text-generation model in the MLflow Model Registry (by reference or from a local folder) and write its Model Card.')
    .option('--registered-name <name>', 'registered model name', DEFAULT_REGISTERED_NAME)
    .option('--model <hf-id>', 'a model on the Hugging Face Hub, registered by reference (no download), e.g. openai-community/gpt2')
    .option('--revision <sha>', 'with --model: the commit to pin (default: resolved from the Hub, which needs network)')
    .option('--model-class <class>', `with --model: the transformers class that loads it (default ${DEFAULT_MODEL_CLASS})`)
    .option('--model-dir <dir>', 'a local Hugging Face model folder (config.json, tokenizer files, *.safetensors), uploaded as the model');
  withMlflowOptions(command, DEFAULT_GENERATIVE_EXPERIMENT)
    .option('--mlflow-run-name <name>', 'run name (default: one MLflow makes up)')
    .option('--mlflow-tags <json>', 'extra run tags as a JSON object, e.g. \'{"team": "29"}\'')
    .option('--mlflow-alias <alias>', 'point this alias (e.g. champion) at the new version')
    .option('--mlflow-stage <stage>', 'move the new version to Staging, Production or Archived (stages are deprecated in MLflow; prefer --mlflow-alias)')
    .option('--archive-existing', 'with --mlflow-stage Staging or Production: archive the versions already there');
  withCardOptions(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'mlflow-mct register-generative --dry-run --model openai-community/gpt2',
        'mlflow-mct register-generative --model openai-community/gpt2 --revision 607a30d783dfa663caf39e06633721c8d4cfcd7e --mlflow-uri http://127.0.0.1:5000 --mlflow-alias champion',
        'mlflow-mct register-generative --model-dir ./my-gpt2 --registered-name my-gpt2 --metric perplexity=21.3 --lang es',
      ]),
    )
    .action(async (flags: RegisterGenerativeFlags & Record<string, unknown>) => {
      const started = Date.now();
      const options = globalOptionsOf(flags);
      const reporter = reporterFor(options);
      const model = modelSelection(flags);
      const promotions = promotionsOf(flags);
      const experimentName = mlflowConfigOf(flags).experimentName ?? DEFAULT_GENERATIVE_EXPERIMENT;
      const request: RegisterGenerativeRequest = {
        registeredName: flags.registeredName,
        model,
        experimentName,
        runName: flags.mlflowRunName ?? '',
        userTags: parseTags(flags.mlflowTags),
        license: flags.license,
        metrics: cardFromFlags(flags).quantitative_analysis?.performance_metrics ?? [],
        promotions,
        lang: flags.lang,
        outDir: options.outDir,
        composeCard: (defaults, facts) => composeCard(defaults, flags, facts),
      };
      if (promotions.some((promotion) => promotion.kind === 'stage')) reporter.warn(STAGES_DEPRECATED);
      const prepared = await prepareRegistration(request, { dryRun: options.dryRun });
      for (const warning of prepared.warnings) reporter.warn(warning);

      if (options.dryRun) {
        const outcome = await planOnly(prepared);
        const lines = ['Dry run: nothing was sent to MLflow or the Hugging Face Hub; a real run would record:', JSON.stringify(prepared.plan, null, 2)];
        if (prepared.revisionUnresolved) lines.push(`The revision of ${flags.model} is unresolved: a real run asks the Hugging Face Hub for it, or pass --revision <commit sha>`);
        reporter.result(
          {
            command: 'register-generative',
            dry_run: true,
            card: { name: outcome.card.model_details?.name },
            files: outcome.files,
            mlflow: { recorded: false, plan: prepared.plan, revision_unresolved: prepared.revisionUnresolved },
            duration_ms: Date.now() - started,
          },
          [...lines, ...cardFileLines(outcome.files)],
        );
        return;
      }

      const tracking = await openTracking(flags);
      try {
        const outcome = await registerGenerative(prepared, { client: tracking.client, location: tracking.target.kind === 'server' ? tracking.target.location : '' });
        const registered = outcome.registered;
        const lines: string[] = [];
        if (registered) {
          lines.push(`Registered ${registered.name} version ${registered.version} (models:/${registered.name}/${registered.version}) from run ${registered.runId}`);
          lines.push(registered.changes);
          for (const promotion of registered.promotions) {
            lines.push(
              promotion.kind === 'alias'
                ? `Alias @${promotion.alias} now points at version ${promotion.version}${promotion.previousAliasVersion ? ` (it pointed at version ${promotion.previousAliasVersion})` : ''}`
                : `Stage ${promotion.stage}${promotion.archived.length > 0 ? `; archived version(s) ${promotion.archived.join(', ')}` : ''}`,
            );
          }
          lines.push(...reportTracking(reporter, tracking, flags, registered.runId));
        }
        reporter.result(
          {
            command: 'register-generative',
            dry_run: false,
            card: { name: outcome.card.model_details?.name, version: outcome.card.model_details?.version?.name },
            files: outcome.files,
            mlflow: {
              recorded: true,
              tracking: tracking.target.location,
              fallback: tracking.target.fallback ?? null,
              experiment: experimentName,
              ...(registered ? { ...registered, previousVersion: registered.previousVersion ?? null, promotions: registered.promotions.map(promotionJson) } : {}),
            },
            duration_ms: Date.now() - started,
          },
          [...lines, ...cardFileLines(outcome.files)],
        );
      } finally {
        await tracking.client.close();
      }
    });
}
