import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion as version, templatesDir } from '../paths.js';
import type { Lang } from './labels.js';
import { escapeMarkdownBlock, escapeMarkdownInline } from './markdown.js';
import type { ModelCard } from './schema.js';
import { toMctJson } from './serialize.js';
import { buildCardView, type TextEscaper } from './view.js';

export const CARD_FORMATS = ['html', 'md', 'json'] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];

export interface RenderOptions {
  lang?: Lang;
}

const GENERATOR = `mlflow-mct ${version}`;

// HTML escaping is Handlebars' own ({{ }} escapes & < > " ' ` =); the view passes text through.
const htmlText: TextEscaper = { block: (text) => text, inline: (text) => text };
const markdownText: TextEscaper = { block: escapeMarkdownBlock, inline: escapeMarkdownInline };

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function template(format: 'html' | 'md'): Handlebars.TemplateDelegate {
  let delegate = compiled.get(format);
  if (!delegate) {
    const source = readFileSync(join(templatesDir, format, 'model-card.' + format + '.hbs'), 'utf8');
    // Markdown text is escaped for Markdown in the view, so Handlebars must not HTML-escape it again.
    delegate = Handlebars.create().compile(source, { strict: false, noEscape: format === 'md', preventIndent: true });
    compiled.set(format, delegate);
  }
  return delegate;
}

/** Renders a card as self-contained HTML, Markdown, or MCT JSON. */
export function renderCard(card: ModelCard, format: CardFormat, options: RenderOptions = {}): string {
  if (format === 'json') return toMctJson(card);
  const lang = options.lang ?? 'en';
  const view = buildCardView(card, lang, format === 'html' ? htmlText : markdownText, GENERATOR);
  return template(format)(view);
}

/**
 * The card's Markdown for an MLflow description: the same text without embedded images, which
 * would fill MLflow's description limit with base64 (the images stay in the card files).
 */
export function renderDescription(card: ModelCard, options: RenderOptions = {}): string {
  const withoutImages = structuredClone(card);
  if (withoutImages.quantitative_analysis) delete withoutImages.quantitative_analysis.graphics;
  for (const dataset of withoutImages.model_parameters?.data ?? []) delete dataset.graphics;
  return renderCard(withoutImages, 'md', options);
}
