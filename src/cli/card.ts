import { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { formatWarnings } from '../card/checks.js';
import { LANGUAGES, type Lang } from '../card/labels.js';
import { checkCard, readDocument } from '../card/parse.js';
import { CARD_FORMATS, type CardFormat } from '../card/render.js';
import { cardFileNames, writeCard } from '../card/write.js';
import { CardValidationError, UsageError } from '../errors.js';
import { addCardFromMlflowCommands } from './card-from-mlflow.js';
import { reportCard } from './card-result.js';
import { choiceOption, examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';

function parseFormats(text: string): CardFormat[] {
  const formats = text.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean);
  const unknown = formats.filter((format) => !(CARD_FORMATS as readonly string[]).includes(format));
  if (formats.length === 0 || unknown.length > 0) {
    throw new UsageError(`--format ${JSON.stringify(text)} names ${unknown.length ? `unknown format ${unknown.join(', ')}` : 'no format'}`, {
      hint: `use a comma-separated list of ${CARD_FORMATS.join(', ')}`,
    });
  }
  return [...new Set(formats as CardFormat[])];
}

export function registerCard(program: Command): void {
  const card = program.command('card').description('Validate and render Model Card Toolkit JSON or YAML cards.');

  withCommonOptions(card.command('validate <file>'))
    .description('Check a card against MCT schema v0.0.2 (v0.0.1 cards are migrated first); exit 2 listing every problem.')
    .addHelpText('after', examples(['mlflow-mct card validate model_card.json', 'mlflow-mct card validate card.yaml --json']))
    .action(async (file: string, raw: Record<string, unknown>) => {
      const options = globalOptionsOf(raw);
      const reporter = reporterFor(options);
      const check = checkCard(await readDocument(file));
      if (!check.ok) {
        if (options.json) reporter.result({ file, valid: false, issues: check.issues }, []);
        else for (const issue of check.issues) process.stderr.write(`${file}: ${issue}\n`);
        throw new CardValidationError(file, check.issues);
      }
      const warnings = formatWarnings(check.card);
      if (!options.json) for (const warning of warnings) reporter.warn(warning);
      const migrated = check.migratedFrom ? ` (migrated from v${check.migratedFrom})` : '';
      reporter.result({ file, valid: true, migrated_from: check.migratedFrom ?? null, warnings }, [
        `${file}: valid Model Card (MCT schema v0.0.2)${migrated}`,
      ]);
    });

  withCommonOptions(card.command('render <file>'))
    .description('Render a card to self-contained HTML, Markdown and/or MCT JSON in --out-dir.')
    .option('--format <list>', `comma-separated formats: ${CARD_FORMATS.join(',')}`, 'html,md,json')
    .addOption(choiceOption('--lang <lang>', 'language of the section labels', LANGUAGES, 'en'))
    .addHelpText('after', examples(['mlflow-mct card render model_card.json', 'mlflow-mct card render card.yaml --format html --lang es --out-dir site']))
    .action(async (file: string, raw: Record<string, unknown> & { format: string; lang: Lang }) => {
      const options = globalOptionsOf(raw);
      const formats = parseFormats(raw.format);
      const document = await readDocument(file);
      const check = checkCard(document);
      if (!check.ok) throw new CardValidationError(file, check.issues);
      const htmlName = `${basename(file).replace(/\.(json|ya?ml)$/i, '')}.html`;
      const targets = cardFileNames(options.outDir, htmlName);
      if (formats.some((format) => targets[format] === resolve(file))) {
        throw new UsageError(`rendering ${file} into ${options.outDir} would overwrite it`, { hint: 'pass --out-dir with another directory' });
      }
      const written = await writeCard({
        card: check.card,
        outDir: options.outDir,
        htmlName,
        lang: raw.lang,
        formats,
      });
      reportCard(reporterFor(options), options, 'card render', written.card, written.files);
    });
  addCardFromMlflowCommands(card);
}
