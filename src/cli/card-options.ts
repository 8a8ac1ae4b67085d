import { Command, Option } from 'commander';
import { mergeCards, cardFromFlags, type CardFlags } from '../card/compose.js';
import { LANGUAGES, type Lang } from '../card/labels.js';
import { parseCard, readDocument } from '../card/parse.js';
import type { ModelCard } from '../card/schema.js';
import { collect } from './common.js';

/** The flags shared by every command that writes a card. */
export function withCardOptions(command: Command, nameDefault?: string): Command {
  return command
    .option('--config <file>', 'a partial Model Card (YAML or JSON, MCT schema v0.0.2) merged over the defaults')
    .option('--name <name>', 'model name', nameDefault)
    .option('--version <version>', 'model version name')
    .option('--overview <text>', 'one-line description of the model')
    .option('--owner <"Name <contact>">', 'an owner (repeatable)', collect)
    .option('--license <spdx-or-text>', 'licence: an SPDX identifier such as Apache-2.0, or the licence text')
    .option('--metric <type=value[@slice]>', 'a performance metric (repeatable), e.g. accuracy=0.98 or f1=0.97@Adelie', collect)
    .option('--use-case <text>', 'an intended use case (repeatable; replaces the defaults)', collect)
    .option('--user <text>', 'an intended user (repeatable; replaces the defaults)', collect)
    .option('--limitation <text>', 'a known limitation (repeatable; replaces the defaults)', collect)
    .addOption(new Option('--lang <lang>', 'language of the default texts and labels').choices(LANGUAGES).default('en'));
}

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
