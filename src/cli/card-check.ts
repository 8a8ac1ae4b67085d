import { InvalidArgumentError, type Command } from 'commander';
import { assessCompleteness, type CheckedItem } from '../card/completeness/assess.js';
import { PROFILE_IDS, type ProfileId } from '../card/completeness/profiles.js';
import { describeIncompatibility } from '../card/loader-compat.js';
import { checkCard, readDocument } from '../card/parse.js';
import { readCardExtras, sidecarPath } from '../card/sidecar.js';
import { CardValidationError, RuntimeFailure } from '../errors.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { integer, json, verbose } from './flags.js';

function score(text: string): number {
  const value = integer(0)(text);
  if (value > 100) throw new InvalidArgumentError('expected a whole number from 0 to 100.');
  return value;
}

function itemLine(item: CheckedItem): string {
  const where = item.location === 'sidecar' ? `sidecar ${item.path}` : item.path;
  const detail = item.detail ? ` (${item.detail})` : '';
  return `  ${item.status.padEnd(7)} ${where} [${item.section}]: ${item.why}${detail}`;
}

/** `card check`: how complete a card is for a documentation framework, item by item, with a score. */
export function addCardCheckCommand(card: Command): void {
  defineCommand<{ profile: ProfileId; minScore?: number }>(
    card,
    {
      name: 'check <file>',
      description:
        'Check how complete a card is for a documentation framework: Mitchell et al. 2019\'s sections (mitchell2019), the Hugging Face Hub template and metadata (hf), ' +
        'or the EU AI Act\'s Annex IV technical documentation (eu-ai-act). Lists each missing or weak item with its field path and why it matters, and scores the card 0-100. ' +
        'Items MCT has no field for (out-of-scope uses, Hub metadata, Annex IV items) are read from the card\'s sidecar <card>.mlflow-mct.json. Writes nothing.',
      flags: [
        { flags: '--profile <profile>', description: 'the framework to check against', choices: PROFILE_IDS, default: 'mitchell2019' },
        { flags: '--min-score <n>', description: 'exit 1 when the score is below n (0-100)', parse: score },
        json,
        verbose,
      ],
      examples: [
        'mlflow-mct card check penguin_model_card.json',
        'mlflow-mct card check penguin_model_card.json --profile eu-ai-act --min-score 60',
        'mlflow-mct card check hub/README.md --profile hf --json',
      ],
      exitCodes: { 1: 'the score is below --min-score (the report is printed first)', 2: 'the card is invalid or cannot be read, or a flag value is wrong' },
      environment: ENV.local,
    },
    async ({ flags, reporter }, file) => {
      const source = file as string;
      const check = checkCard(await readDocument(source));
      if (!check.ok) throw new CardValidationError(source, check.issues);
      for (const incompatibility of check.incompatibilities) reporter.warn(describeIncompatibility(incompatibility));
      const { extras, source: extrasSource } = await readCardExtras(source);
      const report = assessCompleteness(check.card, extras, flags.profile);
      const minScore = flags.minScore ?? null;
      const passed = minScore === null || report.score >= minScore;
      const gaps = report.items.filter((item) => item.status !== 'ok');
      const sidecarNote = gaps.some((item) => item.location === 'sidecar')
        ? [`Items marked "sidecar" live in ${extrasSource ?? sidecarPath(source)} (keys MCT has no field for), never in the MCT JSON.`]
        : [];
      reporter.result(
        { file: source, profile: report.profile, title: report.title, score: report.score, min_score: minScore, passed, sidecar: extrasSource ?? null, items: report.items },
        [
          `${source}: ${report.score}/100 for ${report.profile} (${report.title}); ${gaps.length} of ${report.items.length} items missing or weak`,
          ...gaps.map(itemLine),
          ...sidecarNote,
        ],
      );
      if (!passed) {
        throw new RuntimeFailure(`${source} scores ${report.score}, below --min-score ${minScore}`, { hint: 'fill the missing and weak items listed above' });
      }
    },
  );
}
