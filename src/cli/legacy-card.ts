import { Command } from 'commander';
import type { Lang } from '../card/labels.js';
import { legacyCardDefaults } from '../card/presets/legacy.js';
import type { ModelCard } from '../card/schema.js';
import { writeCard } from '../card/write.js';
import { fileFacts, type FileFacts } from '../io/file-facts.js';
import { composeCard, withCardOptions, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';

export const LEGACY_CARD_HTML = 'penguin_model_card_legacy.html';

/** What the card says about the model file itself; the file is hashed, never loaded. */
function modelFileCard(file: FileFacts, lang: Lang): ModelCard {
  const documentation =
    lang === 'es'
      ? `Archivo del modelo ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. El archivo no se cargó para generar esta ficha.`
      : `Model file ${file.name}: ${file.sizeBytes} bytes, sha256 ${file.sha256}. The file was not loaded to write this card.`;
  return { model_details: { documentation, path: file.path } };
}

export function registerLegacyCard(program: Command): void {
  const command = program
    .command('legacy-card')
    .description('Write a Model Card for an existing model file (e.g. a pickle) that was never tracked in MLflow.')
    .option('--pkl <path>', 'the model file; its name, size and sha256 go into the card (it is never loaded)');
  withCardOptions(withCommonOptions(command))
    .addHelpText(
      'after',
      examples([
        'mlflow-mct legacy-card --out-dir cards',
        'mlflow-mct legacy-card --pkl model.pkl --lang es --owner "Ana Pérez <ana@example.com>"',
        'mlflow-mct legacy-card --config card.yaml --metric accuracy=0.98 --metric f1=0.97@Adelie',
      ]),
    )
    .action(async (raw: CardOptionValues & { pkl?: string } & Record<string, unknown>) => {
      const options = globalOptionsOf(raw);
      const reporter = reporterFor(options);
      const file = raw.pkl === undefined ? undefined : await fileFacts(raw.pkl, '--pkl');
      const card = await composeCard(legacyCardDefaults(raw.lang), raw, file ? modelFileCard(file, raw.lang) : {});
      const written = await writeCard({
        card,
        outDir: options.outDir,
        htmlName: LEGACY_CARD_HTML,
        lang: raw.lang,
        ...(file ? { extensions: { model_file: { name: file.name, path: file.path, size_bytes: file.sizeBytes, sha256: file.sha256 } } } : {}),
      });
      reportCard(reporter, options, 'legacy-card', written.card, written.files);
    });
}
