import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageVersion as version, templatesDir } from '../paths.js';
import type { Lang } from './labels.js';
import { escapeMarkdownBlock, escapeMarkdownInline } from './markdown.js';
import type { ModelCard } from './schema.js';
import { toMctJson } from './serialize.js';
import { buildCardView, type TextEscaper } from './view.js';
import { foreignLanguage } from './language.js';

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
    const handlebars = Handlebars.create();
    if (format === 'html') registerHtmlHelpers(handlebars);
    // Markdown text is escaped for Markdown in the view, so Handlebars must not HTML-escape it again.
    delegate = handlebars.compile(source, { strict: false, noEscape: format === 'md', preventIndent: true });
    compiled.set(format, delegate);
  }
  return delegate;
}

/**
 * `{{langOf text}}` writes ` lang="xx"` on the element holding `text` when the text is clearly in
 * another card language than the page; `{{langTag tag}}` does the same for a known tag (a chart's).
 */
function registerHtmlHelpers(handlebars: typeof Handlebars): void {
  const attribute = (lang: string | undefined, page: string) =>
    new handlebars.SafeString(lang && lang !== page && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) ? ` lang="${lang}"` : '');
  handlebars.registerHelper('langOf', function (text: unknown, options: Handlebars.HelperOptions) {
    const page = options.data.root.lang as Lang;
    return attribute(typeof text === 'string' ? foreignLanguage(text, page) : undefined, page);
  });
  handlebars.registerHelper('langTag', function (tag: unknown, options: Handlebars.HelperOptions) {
    return attribute(typeof tag === 'string' ? tag : undefined, options.data.root.lang as string);
  });
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
