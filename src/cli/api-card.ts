import { Command } from 'commander';
import type { ApiModelFacts } from '../card/presets/api.js';
import { apiCard } from '../workflows/api-card.js';
import { attachCard, cardCommandFlags, checkAttachOptions, type AttachOptionValues } from './card-attach.js';
import { cardOutputName, composeCard, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { defineCommand } from './define.js';
import { ENV } from './environment.js';
import { CARD_FLAGS, described, httpUrl, isoDate, name } from './flags.js';

export const DEFAULT_API_MODEL = 'gpt-4-0613';

type ApiCardFlags = CardOptionValues & AttachOptionValues & Omit<ApiModelFacts, 'name'> & { name: string };

/** Today as YYYY-MM-DD (UTC), to compare with an ISO date. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function registerApiCard(program: Command): void {
  defineCommand<ApiCardFlags>(
    program,
    {
      name: 'api-card',
      description: 'Write a Model Card for a model used through an external API (e.g. gpt-4-0613).',
      flags: [
        { flags: '--provider <name>', description: 'who hosts the model, e.g. OpenAI' },
        { flags: '--endpoint <url>', description: 'the http(s) URL the model is called through', parse: httpUrl },
        { flags: '--deprecation <date>', description: 'when the provider retires this model version, as YYYY-MM-DD (a past date is a warning)', parse: isoDate },
        { flags: '--retention <text>', description: "the provider's data-retention terms for inputs and outputs" },
        { flags: '--rate-limits <text>', description: 'rate limits that apply, e.g. "10,000 tokens/min"' },
        { flags: '--cost <text>', description: 'what a call costs, e.g. "$0.03 / 1K input tokens"' },
        ...cardCommandFlags(CARD_FLAGS.map((flag) => (flag === name ? described(name, 'model name', { default: DEFAULT_API_MODEL }) : flag))),
      ],
      examples: [
        'mlflow-mct api-card',
        'mlflow-mct api-card --name gpt-4-0613 --provider OpenAI --endpoint https://api.openai.com/v1/chat/completions --lang es',
        'mlflow-mct api-card --name claude-x --deprecation 2027-01-31 --retention "30 days" --json',
      ],
      exitCodes: { 1: 'the card was written but could not be attached to MLflow' },
      environment: ENV.mlflow,
    },
    async ({ flags, options, reporter }) => {
      checkAttachOptions(flags);
      const htmlName = cardOutputName(flags, options.outDir, flags.name, 'api_model_card');
      if (flags.deprecation !== undefined && flags.deprecation < today()) {
        reporter.warn(`--deprecation ${flags.deprecation} is in the past: the provider has already retired ${flags.name}`);
      }
      const facts: ApiModelFacts = {
        name: flags.name,
        ...(flags.provider !== undefined ? { provider: flags.provider } : {}),
        ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
        ...(flags.deprecation !== undefined ? { deprecation: flags.deprecation } : {}),
        ...(flags.retention !== undefined ? { retention: flags.retention } : {}),
        ...(flags.rateLimits !== undefined ? { rateLimits: flags.rateLimits } : {}),
        ...(flags.cost !== undefined ? { cost: flags.cost } : {}),
      };
      const outcome = await apiCard(
        { facts, lang: flags.lang, outDir: options.outDir, htmlName, inlineImages: flags.inlineImages === true, composeCard: (defaults) => composeCard(defaults, flags) },
        (files, markdown) => attachCard(flags, options, reporter, files, markdown),
      );
      reportCard(reporter, options, outcome.card, outcome.files, outcome.attached ? { mlflow: outcome.attached } : {});
    },
  );
}
