/**
 * api-card: a Model Card for a model used through an external API. Compute: the provider's
 * facts (endpoint, deprecation, retention, limits, cost) over the API defaults. Write: the card.
 * Record: the card attached to an existing run or version when asked (see `card-attachment.ts`).
 */
import type { Lang } from '../card/labels.js';
import { apiCardDefaults, type ApiModelFacts } from '../card/presets/api.js';
import { renderDescription } from '../card/render.js';
import type { ModelCard } from '../card/schema.js';
import { writeCard, type CardFiles } from '../card/write.js';
import type { CardAttachStep } from './card-attachment.js';

export interface ApiCardRequest {
  facts: ApiModelFacts;
  lang: Lang;
  outDir: string;
  htmlName: string;
  inlineImages: boolean;
  /** Lays the user's `--config` and card flags over the defaults. */
  composeCard: (defaults: ModelCard) => Promise<ModelCard>;
}

export interface ApiCardOutcome<T> {
  card: ModelCard;
  files: CardFiles;
  attached: T | undefined;
}

export async function apiCard<T>(request: ApiCardRequest, attach?: CardAttachStep<T>): Promise<ApiCardOutcome<T>> {
  const written = await writeCard({
    card: await request.composeCard(apiCardDefaults(request.lang, request.facts)),
    outDir: request.outDir,
    htmlName: request.htmlName,
    lang: request.lang,
    inlineImages: request.inlineImages,
    extensions: { external_api: request.facts },
  });
  const attached = attach ? await attach(written.files, renderDescription(written.card, { lang: request.lang })) : undefined;
  return { card: written.card, files: written.files, attached };
}
