import { Command } from 'commander';
import { mergeCards } from '../card/compose.js';
import type { Lang } from '../card/labels.js';
import { legacyCardDefaults } from '../card/presets/legacy.js';
import type { ModelCard } from '../card/schema.js';
import { renderDescription } from '../card/render.js';
import { writeCard } from '../card/write.js';
import { RuntimeFailure, UsageError } from '../errors.js';
import { inspectModelFile } from '../pickle/inspect.js';
import type { FileSummary } from '../pickle/report.js';
import { inspectionToCard } from '../pickle/to-card.js';
import { attachCard, cardCommandFlags, checkAttachOptions, type AttachOptionValues } from './card-attach.js';
import { basename } from 'node:path';
import { cardOutputName, composeCard, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { CARD_FLAGS, maxSizeMiB } from './flags.js';
import { MAX_SIZE_HELP, maxSizeLimits } from './inspect.js';

export const LEGACY_CARD_STEM = 'legacy_model_card';

/** What the card says about the model file itself; the file is inspected statically, never loaded. */
function modelFileCard(file: FileSummary, lang: Lang): ModelCard {
  const documentation =
    lang === 'es'
      ? `Archivo del modelo ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. El archivo no se cargó para generar esta ficha.`
      : `Model file ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. The file was not loaded to write this card.`;
  return { model_details: { documentation, path: file.name } };
}

/** Risks found in the file are added to the default pickle risk rather than replacing it. */
function afterDefaultRisks(card: ModelCard, defaults: ModelCard): ModelCard {
  const found = card.considerations?.ethical_considerations;
  if (!found) return card;
  const ethical_considerations = [...(defaults.considerations?.ethical_considerations ?? []), ...found];
  return { ...card, considerations: { ...card.considerations, ethical_considerations } };
}

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
      const inspection = flags.pkl === undefined ? undefined : await inspectModelFile(flags.pkl, maxSizeLimits(flags.maxSize), '--pkl');
      const file = inspection?.file;
      const fromModel = inspection ? inspectionToCard(inspection, flags.lang) : undefined;
      const defaults = legacyCardDefaults(flags.lang, { ...(file ? { fileName: file.name } : {}), ...(inspection?.model ? { className: inspection.model.className } : {}) });
      const facts = file && fromModel ? mergeCards(modelFileCard(file, flags.lang), afterDefaultRisks(fromModel.card, defaults)) : {};
      for (const warning of fromModel?.warnings ?? []) reporter.warn(warning);
      const card = await composeCard(defaults, flags, facts);
      const written = await writeCard({
        card,
        outDir: options.outDir,
        htmlName,
        lang: flags.lang,
        inlineImages: flags.inlineImages === true,
        ...(file ? { extensions: { model_file: { name: file.name, size_bytes: file.sizeBytes, sha256: file.sha256 } } } : {}),
      });
      const attached = await attachCard(flags, options, reporter, written.files, renderDescription(written.card, { lang: flags.lang }));
      reportCard(reporter, options, written.card, written.files, attached ? { mlflow: attached } : {});
      if (flags.strict && inspection && fromModel?.flagged) {
        throw new RuntimeFailure(`${inspection.file.name} is ${inspection.verdict} (--strict); the card was written with the findings as ethical considerations`, {
          hint: 'do not load the model file; see the warnings above',
        });
      }
    },
  );
}
