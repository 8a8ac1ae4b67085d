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
  type RegisteredGenerative,
  type RegisterGenerativeRequest,
} from '../workflows/register-generative.js';
import { DEFAULT_MODEL_CLASS } from '../generative/mlmodel.js';
import { canonicalStage, STAGES_DEPRECATED, type Promotion } from '../registry/promote.js';
import { basename, resolve } from 'node:path';
import { cardOutputName, composeCard, type CardOptionValues } from './card-options.js';
import { cardFileLines } from './card-result.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { archiveExisting, CARD_FLAGS, described, dryRun, json, mlflowAlias, mlflowRegName, mlflowRunName, mlflowStage, mlflowTags, outDir, quiet, verbose } from './flags.js';
import { mlflowConfigOf, openTracking, recordingFlags, reportTracking, type MlflowOptionValues } from './mlflow-options.js';
import { promotionJson } from './models.js';
import { parseTags } from './train-penguins.js';

interface RegisterGenerativeFlags extends MlflowOptionValues, CardOptionValues {
  mlflowRegName: string;
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

/** The original script's model. */
const DEFAULT_MODEL = 'gpt2';

function modelSelection(flags: RegisterGenerativeFlags): ModelSelection {
  if (flags.model !== undefined && flags.modelDir !== undefined) {
    throw new UsageError('register-generative takes one of --model and --model-dir, not both', {
      hint: 'use --model <hugging-face-id> --revision <sha> to register by reference, or --model-dir <folder> to upload a local model',
    });
  }
  if (flags.modelDir !== undefined) {
    if (flags.revision !== undefined || flags.modelClass !== undefined) {
      throw new UsageError('--revision and --model-class go with --model, not --model-dir', { hint: 'a folder is uploaded as it is; its config.json names the model class' });
    }
    return { kind: 'folder', dir: flags.modelDir };
  }
  // As the original script: the Hub's gpt2 when no model is named.
  return { kind: 'hub', modelId: flags.model ?? DEFAULT_MODEL, revision: flags.revision, modelClass: flags.modelClass };
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

/** The run's facts, and the version under `registered_model` as every command names it. */
function registeredJson({ name, version, previousVersion, changes, promotions, ...run }: RegisteredGenerative): Record<string, unknown> {
  return { ...run, registered_model: { name, version, previous_version: previousVersion ?? null, changes, promotions: promotions.map(promotionJson) } };
}

/** The Hub id's last part, or the folder's name, that names the card's files. */
function modelNameOf(model: ModelSelection): string {
  return model.kind === 'hub' ? (model.modelId.split('/').pop() ?? model.modelId) : basename(resolve(model.dir));
}

export function registerRegisterGenerative(program: Command): void {
  defineCommand<RegisterGenerativeFlags>(
    program,
    {
      name: 'register-generative',
      description: 'Register a Hugging Face text-generation model in the MLflow Model Registry (by reference or from a local folder) and write its Model Card.',
      flags: [
        described(mlflowRegName, 'the registered model to add a version to', { default: DEFAULT_REGISTERED_NAME }),
        { flags: '--model <hf-id>', description: 'a model on the Hugging Face Hub, registered by reference (no download), e.g. openai-community/gpt2', defaultText: `${DEFAULT_MODEL}, unless --model-dir is given` },
        { flags: '--revision <sha>', description: 'with --model: the commit to pin', defaultText: 'resolved from the Hub, which needs network' },
        { flags: '--model-class <class>', description: 'with --model: the transformers class that loads it', defaultText: DEFAULT_MODEL_CLASS },
        { flags: '--model-dir <dir>', description: 'a local Hugging Face model folder (config.json, tokenizer files, *.safetensors), uploaded as the model', completes: 'directory' },
        ...recordingFlags(DEFAULT_GENERATIVE_EXPERIMENT),
        described(mlflowRunName, 'the run name', { defaultText: 'one MLflow makes up' }),
        mlflowTags,
        mlflowAlias,
        mlflowStage,
        described(archiveExisting, 'with --mlflow-stage Staging or Production: archive the versions already there'),
        ...CARD_FLAGS,
        outDir,
        dryRun('contacts neither MLflow nor the Hugging Face Hub, prints the plan, and still writes the card files in --out-dir'),
        json,
        quiet,
        verbose,
      ],
      examples: [
        'mlflow-mct register-generative --dry-run --model openai-community/gpt2',
        'mlflow-mct register-generative --model openai-community/gpt2 --revision 607a30d783dfa663caf39e06633721c8d4cfcd7e --mlflow-uri http://127.0.0.1:5000 --mlflow-alias champion',
        'mlflow-mct register-generative --model-dir ./my-gpt2 --mlflow-reg-name my-gpt2 --metric perplexity=21.3 --lang es',
      ],
      exitCodes: {
        1: 'MLflow failed, or did not answer and the run was recorded in ./mlruns instead (0 with --offline-ok)',
        2: 'bad flags, a model folder that cannot be read, or a --model revision that cannot be resolved',
      },
      environment: [...ENV.recording, 'HF_ENDPOINT', 'HF_TOKEN', 'HF_HUB_OFFLINE'],
    },
    async ({ flags, options, reporter }) => {
      const model = modelSelection(flags);
      const promotions = promotionsOf(flags);
      const config = mlflowConfigOf(flags);
      const experimentName = config.experimentName ?? (config.experimentId === undefined ? DEFAULT_GENERATIVE_EXPERIMENT : undefined);
      const request: RegisterGenerativeRequest = {
        registeredName: flags.mlflowRegName,
        model,
        experimentName,
        experimentId: config.experimentId,
        runName: flags.mlflowRunName ?? '',
        userTags: parseTags(flags.mlflowTags),
        license: flags.license,
        metrics: cardFromFlags(flags).quantitative_analysis?.performance_metrics ?? [],
        promotions,
        lang: flags.lang,
        outDir: options.outDir,
        cardName: cardOutputName(flags, options.outDir, flags.name ?? modelNameOf(model), 'generative_model_card'),
        inlineImages: flags.inlineImages === true,
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
            dry_run: true,
            card: { name: outcome.card.model_details?.name },
            files: outcome.files,
            mlflow: { recorded: false, plan: prepared.plan, revision_unresolved: prepared.revisionUnresolved },
          },
          [...lines, ...cardFileLines(outcome.files)],
        );
        return;
      }

      const tracking = await openTracking(flags, reporter);
      try {
        const outcome = await registerGenerative(prepared, tracking);
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
            dry_run: false,
            card: { name: outcome.card.model_details?.name, version: outcome.card.model_details?.version?.name },
            files: outcome.files,
            mlflow: {
              recorded: true,
              tracking: tracking.target.location,
              fallback: tracking.target.fallback ?? null,
              experiment: experimentName,
              ...(registered ? registeredJson(registered) : {}),
            },
          },
          [...lines, ...cardFileLines(outcome.files)],
        );
      } finally {
        await tracking.client.close();
      }
    },
  );
}
