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
import { attachCard, checkAttachOptions, withAttachOptions, type AttachOptionValues } from './card-attach.js';
import { composeCard, withCardOptions, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';

export const LEGACY_CARD_HTML = 'penguin_model_card_legacy.html';

/** What the card says about the model file itself; the file is inspected statically, never loaded. */
function modelFileCard(file: FileSummary, lang: Lang): ModelCard {
  const documentation =
    lang === 'es'
      ? `Archivo del modelo ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. El archivo no se cargó para generar esta ficha.`
      : `Model file ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. The file was not loaded to write this card.`;
  return { model_details: { documentation, ...(file.path ? { path: file.path } : {}) } };
}

/** Risks found in the file are added to the default pickle risk rather than replacing it. */
function afterDefaultRisks(card: ModelCard, defaults: ModelCard): ModelCard {
  const found = card.considerations?.ethical_considerations;
  if (!found) return card;
  const ethical_considerations = [...(defaults.considerations?.ethical_considerations ?? []), ...found];
  return { ...card, considerations: { ...card.considerations, ethical_considerations } };
}

export function registerLegacyCard(program: Command): void {
  const command = program
    .command('legacy-card')
    .description('Write a Model Card for an existing model file (e.g. a pickle) that was never tracked in MLflow.')
    .option('--pkl <path>', 'the model file (pickle or joblib): inspected statically, never loaded, to fill in the model details and parameters')
    .option('--strict', 'with --pkl: exit 1, after writing the card, when the file has a suspicious or dangerous import or cannot be inspected');
  withCardOptions(withCommonOptions(withAttachOptions(command)))
    .addHelpText(
      'after',
      examples([
        'mlflow-mct legacy-card --out-dir cards',
        'mlflow-mct legacy-card --pkl model.pkl --lang es --owner "Ana Pérez <ana@example.com>"',
        'mlflow-mct legacy-card --config card.yaml --metric accuracy=0.98 --metric f1=0.97@Adelie',
      ]),
    )
    .action(async (raw: CardOptionValues & AttachOptionValues & { pkl?: string; strict?: boolean } & Record<string, unknown>) => {
      const options = globalOptionsOf(raw);
      checkAttachOptions(raw);
      const reporter = reporterFor(options);
      if (raw.strict && raw.pkl === undefined) throw new UsageError('--strict needs --pkl', { hint: 'pass --pkl <model file>, or leave out --strict' });
      const inspection = raw.pkl === undefined ? undefined : await inspectModelFile(raw.pkl, {}, '--pkl');
      const file = inspection?.file;
      const fromModel = inspection ? inspectionToCard(inspection, raw.lang) : undefined;
      const defaults = legacyCardDefaults(raw.lang);
      const facts = file && fromModel ? mergeCards(modelFileCard(file, raw.lang), afterDefaultRisks(fromModel.card, defaults)) : {};
      for (const warning of fromModel?.warnings ?? []) reporter.warn(warning);
      const card = await composeCard(defaults, raw, facts);
      const written = await writeCard({
        card,
        outDir: options.outDir,
        htmlName: LEGACY_CARD_HTML,
        lang: raw.lang,
        ...(file ? { extensions: { model_file: { name: file.name, path: file.path, size_bytes: file.sizeBytes, sha256: file.sha256 } } } : {}),
      });
      const attached = await attachCard(raw, options, reporter, written.files, renderDescription(written.card, { lang: raw.lang }));
      reportCard(reporter, options, 'legacy-card', written.card, written.files, attached ? { mlflow: attached } : {});
      if (raw.strict && inspection && fromModel?.flagged) {
        throw new RuntimeFailure(`${inspection.file.name} is ${inspection.verdict} (--strict); the card was written with the findings as ethical considerations`, {
          hint: 'do not load the model file; see the warnings above',
        });
      }
    });
}
