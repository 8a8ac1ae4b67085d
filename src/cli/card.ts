import { printableName } from '../pickle/text.js';
import { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { formatWarnings } from '../card/checks.js';
import type { Lang } from '../card/labels.js';
import { describeIncompatibility } from '../card/loader-compat.js';
import { checkCard, readDocument } from '../card/parse.js';
import { CARD_FORMATS, type CardFormat } from '../card/render.js';
import { cardFileNames, writeCard } from '../card/write.js';
import { CardValidationError, UsageError } from '../errors.js';
import { readCardExtras } from '../card/sidecar.js';
import { addCardCheckCommand } from './card-check.js';
import { addCardExportCommand } from './card-export.js';
import { addCardFromMlflowCommands } from './card-from-mlflow.js';
import { cardOutputName, type CardFileOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { defineCommand, defineGroup } from './define.js';
import { ENV } from './environment.js';
import { CARD_FILE_FLAGS, described, json, lang, outDir, verbose } from './flags.js';

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
  const card = defineGroup(program, 'card', 'Validate and render Model Card Toolkit JSON or YAML cards, or build one from MLflow.');

  defineCommand<{ strict?: boolean }>(
    card,
    {
      name: 'validate <file>',
      description:
        'Check a card against MCT\'s published schema v0.0.2 (v0.0.1 cards are migrated first); exit 2 listing every problem. ' +
        'Fields the schema accepts but MCT\'s Python loader rejects (unknown nested fields, unknown schema_version) are warnings, errors with --strict. Writes nothing.',
      flags: [{ flags: '--strict', description: 'also refuse what MCT\'s Python loader would refuse (exit 2)' }, json, verbose],
      examples: ['mlflow-mct card validate model_card.json', 'mlflow-mct card validate card.yaml --json', 'mlflow-mct card validate card.json --strict'],
      exitCodes: { 2: 'the card is invalid (every problem is listed on stderr) or cannot be read; with --strict, also when MCT\'s loader would refuse it' },
      environment: ENV.local,
    },
    async ({ flags, options, reporter }, file) => {
      const check = checkCard(await readDocument(file as string));
      const loaderProblems = check.ok ? check.incompatibilities.map(describeIncompatibility) : [];
      const issues = !check.ok ? check.issues : flags.strict ? loaderProblems : [];
      if (!check.ok || issues.length > 0) {
        if (options.json) reporter.result({ file, valid: false, migrated_from: null, issues, warnings: [] }, []);
        else for (const issue of issues) process.stderr.write(`${printableName(`${file}: ${issue}`)}\n`);
        throw new CardValidationError(file as string, issues);
      }
      const warnings = [...loaderProblems, ...formatWarnings(check.card)];
      if (!options.json) for (const warning of warnings) reporter.warn(warning);
      const migrated = check.migratedFrom ? ` (migrated from v${check.migratedFrom})` : '';
      reporter.result({ file, valid: true, migrated_from: check.migratedFrom ?? null, issues: [], warnings }, [
        `${file}: valid Model Card (MCT schema v0.0.2)${migrated}`,
      ]);
    },
  );

  defineCommand<CardFileOptionValues & { format: string; lang: Lang }>(
    card,
    {
      name: 'render <file>',
      description: 'Render a card to self-contained HTML, Markdown and/or MCT JSON in --out-dir. Sends nothing anywhere.',
      flags: [
        outDir,
        { flags: '--format <list>', description: `comma-separated formats: ${CARD_FORMATS.join(',')}`, default: 'html,md,json' },
        described(lang, 'language of the section labels'),
        ...CARD_FILE_FLAGS,
        json,
        verbose,
      ],
      examples: ['mlflow-mct card render model_card.json', 'mlflow-mct card render card.yaml --format html --lang es --out-dir site'],
      exitCodes: { 2: 'the card is invalid or cannot be read, or --format names an unknown format' },
      environment: ENV.local,
    },
    async ({ flags, options, reporter }, file) => {
      const source = file as string;
      const formats = parseFormats(flags.format);
      const check = checkCard(await readDocument(source));
      if (!check.ok) throw new CardValidationError(source, check.issues);
      const stem = basename(source).replace(/\.(json|ya?ml|md)$/i, '');
      const targets = cardFileNames(options.outDir, flags.outputName ?? stem);
      if (formats.some((format) => targets[format] === resolve(source))) {
        throw new UsageError(`rendering ${source} into ${options.outDir} would overwrite it`, { hint: 'pass --out-dir with another directory' });
      }
      const htmlName = cardOutputName(flags, options.outDir, undefined, stem);
      for (const incompatibility of check.incompatibilities) reporter.warn(describeIncompatibility(incompatibility));
      const { extras } = await readCardExtras(source);
      const written = await writeCard({
        card: check.card, outDir: options.outDir, htmlName, lang: flags.lang, formats, extras, inlineImages: flags.inlineImages === true,
        otherFields: check.incompatibilities.filter((field) => field.path !== 'schema_version'),
      });
      reportCard(reporter, options, written.card, written.files);
    },
  );
  addCardCheckCommand(card);
  addCardExportCommand(card);
  addCardFromMlflowCommands(card);
}
