import { mergeCards, cardFromFlags, type CardFlags } from '../card/compose.js';
import type { Lang } from '../card/labels.js';
import { parseCard, readDocument } from '../card/parse.js';
import type { ModelCard } from '../card/schema.js';

/** The values of the card flags (`CARD_FLAGS`). */
export interface CardOptionValues extends CardFlags {
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
  return mergeCards(defaults, facts, configContent, cardFromFlags(options));
}
