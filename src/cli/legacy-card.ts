import { basename } from 'node:path';
import { Command } from 'commander';
import { RuntimeFailure, UsageError } from '../errors.js';
import { legacyCard } from '../workflows/legacy-card.js';
import { attachCard, cardCommandFlags, checkAttachOptions, type AttachOptionValues } from './card-attach.js';
import { cardOutputName, composeCard, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { CARD_FLAGS, maxSizeMiB } from './flags.js';
import { MAX_SIZE_HELP, maxSizeLimits } from './inspect.js';

export const LEGACY_CARD_STEM = 'legacy_model_card';

type LegacyCardFlags = CardOptionValues & AttachOptionValues & { pkl?: string; strict?: boolean; maxSize: number };

export function registerLegacyCard(program: Command): void {
  defineCommand<LegacyCardFlags>(
    program,
    {
      name: 'legacy-card',
      description: 'Write a Model Card for an existing model file (e.g. a pickle) that was never tracked in MLflow.',
      flags: [
        { flags: '--pkl <path>', description: 'the model file (pickle or joblib): inspected statically, never loaded, to fill in the model details and parameters', completes: 'file' },
        { flags: '--strict', description: 'with --pkl: exit 1, after writing the card, when the file has a suspicious or dangerous import or cannot be inspected' },
        { flags: '--max-size <MiB>', description: `with --pkl: ${MAX_SIZE_HELP}`, default: 1024, parse: maxSizeMiB },
        ...cardCommandFlags(CARD_FLAGS),
      ],
      examples: [
        'mlflow-mct legacy-card --out-dir cards',
        'mlflow-mct legacy-card --pkl model.pkl --lang es --owner "Ana Pérez <ana@example.com>"',
        'mlflow-mct legacy-card --config card.yaml --metric accuracy=0.98 --metric f1=0.97@Adelie',
      ],
      exitCodes: {
        1: 'with --strict: the model file is suspicious or dangerous (the card is written); or the card could not be attached to MLflow',
        2: 'bad flags, or --pkl is missing, truncated or not a pickle (nothing is written)',
      },
      environment: ENV.mlflow,
    },
    async ({ flags, options, reporter }) => {
      checkAttachOptions(flags);
      const fileName = flags.pkl === undefined ? undefined : basename(flags.pkl);
      const htmlName = cardOutputName(flags, options.outDir, flags.name ?? fileName?.replace(/\.[^.]+$/, ''), LEGACY_CARD_STEM);
      if (flags.strict && flags.pkl === undefined) throw new UsageError('--strict needs --pkl', { hint: 'pass --pkl <model file>, or leave out --strict' });
      const outcome = await legacyCard(
        {
          modelFile: flags.pkl,
          modelFileLabel: '--pkl',
          limits: maxSizeLimits(flags.maxSize),
          lang: flags.lang,
          outDir: options.outDir,
          htmlName,
          inlineImages: flags.inlineImages === true,
          composeCard: (defaults, facts) => composeCard(defaults, flags, facts),
          onWarning: (message) => reporter.warn(message),
        },
        (files, markdown) => attachCard(flags, options, reporter, files, markdown),
      );
      reportCard(reporter, options, outcome.card, outcome.files, outcome.attached ? { mlflow: outcome.attached } : {});
      if (flags.strict && outcome.inspection && outcome.flagged) {
        throw new RuntimeFailure(`${outcome.inspection.file.name} is ${outcome.inspection.verdict} (--strict); the card was written with the findings as ethical considerations`, {
          hint: 'do not load the model file; see the warnings above',
        });
      }
    },
  );
}
