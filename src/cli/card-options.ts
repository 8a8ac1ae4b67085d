import { existsSync } from 'node:fs';
import { mergeCards, cardFromFlags, datedToday, type CardFlags } from '../card/compose.js';
import { slug } from '../card/images.js';
import { cardFileNames, cardStem } from '../card/write.js';
import { UsageError } from '../errors.js';
import type { Lang } from '../card/labels.js';
import { parseCard, readDocument } from '../card/parse.js';
import type { ModelCard } from '../card/schema.js';

/** The values of the card flags (`CARD_FLAGS`). */
/** The values of the card file flags (`CARD_FILE_FLAGS`). */
export interface CardFileOptionValues {
  outputName?: string;
  force?: boolean;
  inlineImages?: boolean;
}

/**
 * The card's HTML file name: --output-name, else one made from the model's name, else the
 * command's default. Checked before any work, so an existing card stops the command before
 * anything is trained or recorded.
 */
export function cardOutputName(flags: CardFileOptionValues, outDir: string, modelName: string | undefined, fallbackStem: string): string {
  const wanted = flags.outputName?.trim();
  if (wanted !== undefined && (wanted === '' || /[\\/]/.test(wanted) || wanted.startsWith('.'))) {
    throw new UsageError(`--output-name "${flags.outputName}" is not a file name`, { hint: 'give a bare name such as my_model_card; use --out-dir for the folder' });
  }
  const fromModel = modelName ? slug(modelName) : '';
  const stem = wanted ? cardStem(wanted) : fromModel ? `${fromModel}_model_card` : fallbackStem;
  if (!flags.force) {
    const existing = Object.values(cardFileNames(outDir, stem)).find((file) => existsSync(file));
    if (existing) {
      throw new UsageError(`${existing} already exists`, { hint: 'pass --force to overwrite it, or --output-name to write the card under another name' });
    }
  }
  return `${stem}.html`;
}

export interface CardOptionValues extends CardFlags, CardFileOptionValues {
  config?: string;
  lang: Lang;
}

/**
 * The card a command writes: its defaults, then the `--config` card, then the flags. The config
 * is validated on its own first, so an error names the user's file rather than the result.
 */
export async function composeCard(defaults: ModelCard, options: CardOptionValues, facts: ModelCard = {}): Promise<ModelCard> {
  const config = options.config === undefined ? {} : parseCard(await readDocument(options.config), options.config);
  const { schema_version: _version, ...configContent } = config;
  return mergeCards(datedToday(), defaults, facts, configContent, cardFromFlags(options));
}
