import { Command } from 'commander';
import { apiCardDefaults, type ApiModelFacts } from '../card/presets/api.js';
import { renderDescription } from '../card/render.js';
import { writeCard } from '../card/write.js';
import { attachCard, checkAttachOptions, withAttachOptions, type AttachOptionValues } from './card-attach.js';
import { composeCard, withCardOptions, type CardOptionValues } from './card-options.js';
import { reportCard } from './card-result.js';
import { examples, globalOptionsOf, reporterFor, withCommonOptions } from './common.js';

export const API_CARD_HTML = 'generative_api_model_card.html';
export const DEFAULT_API_MODEL = 'gpt-4-0613';

type ApiCardOptions = CardOptionValues & AttachOptionValues & Omit<ApiModelFacts, 'name'> & { name: string } & Record<string, unknown>;

export function registerApiCard(program: Command): void {
  const command = program
    .command('api-card')
    .description('Write a Model Card for a model used through an external API (e.g. gpt-4-0613).')
    .option('--provider <name>', 'who hosts the model, e.g. OpenAI')
    .option('--endpoint <url>', 'the API endpoint the model is called through')
    .option('--deprecation <date>', 'when the provider retires this model version')
    .option('--retention <text>', "the provider's data-retention terms for inputs and outputs")
    .option('--rate-limits <text>', 'rate limits that apply, e.g. "10,000 tokens/min"')
    .option('--cost <text>', 'what a call costs, e.g. "$0.03 / 1K input tokens"');
  withCardOptions(withCommonOptions(withAttachOptions(command)), DEFAULT_API_MODEL)
    .addHelpText(
      'after',
      examples([
        'mlflow-mct api-card',
        'mlflow-mct api-card --name gpt-4-0613 --provider OpenAI --endpoint https://api.openai.com/v1/chat/completions --lang es',
        'mlflow-mct api-card --name claude-x --deprecation 2027-01-31 --retention "30 days" --json',
      ]),
    )
    .action(async (raw: ApiCardOptions) => {
      const options = globalOptionsOf(raw);
      checkAttachOptions(raw);
      const reporter = reporterFor(options);
      const facts: ApiModelFacts = {
        name: raw.name,
        ...(raw.provider !== undefined ? { provider: raw.provider } : {}),
        ...(raw.endpoint !== undefined ? { endpoint: raw.endpoint } : {}),
        ...(raw.deprecation !== undefined ? { deprecation: raw.deprecation } : {}),
        ...(raw.retention !== undefined ? { retention: raw.retention } : {}),
        ...(raw.rateLimits !== undefined ? { rateLimits: raw.rateLimits } : {}),
        ...(raw.cost !== undefined ? { cost: raw.cost } : {}),
      };
      const card = await composeCard(apiCardDefaults(raw.lang, facts), raw);
      const written = await writeCard({ card, outDir: options.outDir, htmlName: API_CARD_HTML, lang: raw.lang, extensions: { external_api: facts } });
      const attached = await attachCard(raw, options, reporter, written.files, renderDescription(written.card, { lang: raw.lang }));
      reportCard(reporter, options, 'api-card', written.card, written.files, attached ? { mlflow: attached } : {});
    });
}
