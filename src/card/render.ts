import type Handlebars from 'handlebars';
import { createRequire } from 'node:module';
import { packageVersion as version } from '../paths.js';
import type { Lang } from './labels.js';
import { escapeMarkdownBlock, escapeMarkdownInline } from './markdown.js';
import type { ModelCard } from './schema.js';
import { toMctJson } from './serialize.js';
import { foreignLanguage } from './language.js';
import type { CardExtras } from './extras.js';
import { frontMatter } from './hub.js';
import { buildHubView } from './hub-view.js';
import type { ImageFile } from './images.js';
import { buildCardView, type CardView, type OtherField, type TextEscaper } from './view.js';
import { TEMPLATE_SPECS } from './templates.generated.js';

export const CARD_FORMATS = ['html', 'md', 'json'] as const;
export type CardFormat = (typeof CARD_FORMATS)[number];

export interface RenderOptions {
  lang?: Lang;
  /** Markdown: show these image files (by bare file name) instead of `data:` URIs. */
  imageFiles?: readonly ImageFile[];
  /** Markdown: YAML front matter (Hugging Face Hub metadata) put at the top. */
  metadata?: Record<string, unknown>;
  /** Fields of the source file MCT's loader does not read, shown in their own section. */
  otherFields?: readonly OtherField[];
}

const GENERATOR = `mlflow-mct ${version}`;

// HTML escaping is Handlebars' own ({{ }} escapes & < > " ' ` =); the view passes text through.
const htmlText: TextEscaper = { block: (text) => text, inline: (text) => text };
const markdownText: TextEscaper = { block: escapeMarkdownBlock, inline: escapeMarkdownInline };

// Handlebars' runtime alone (its compiler is only needed to precompile the templates); the
// runtime's own type declarations are empty, it has the full package's API minus `compile`.
const runtime = createRequire(import.meta.url)('handlebars/runtime') as typeof Handlebars;

const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** The templates come precompiled from templates/*.hbs (scripts/precompile-templates.mjs). */
function template(kind: keyof typeof TEMPLATE_SPECS): Handlebars.TemplateDelegate {
  let delegate = compiled.get(kind);
  if (!delegate) {
    const handlebars = runtime.create();
    if (kind === 'html') registerHtmlHelpers(handlebars);
    delegate = handlebars.template(TEMPLATE_SPECS[kind]);
    compiled.set(kind, delegate);
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

/** Points the view's images at their files; an image without a file keeps its data: URI. */
function linkImageFiles(view: CardView, files: readonly ImageFile[]): void {
  const byUri = new Map(files.map((file) => [file.dataUri, file.file]));
  const collections = [...view.datasets.map((dataset) => dataset.graphics), view.quantitative?.graphics];
  for (const image of collections.flatMap((collection) => collection?.images ?? [])) {
    const file = image.src === undefined ? undefined : byUri.get(image.src);
    if (file) image.src = encodeURI(file);
  }
}

/** Renders a card as self-contained HTML, Markdown, or MCT JSON. */
export function renderCard(card: ModelCard, format: CardFormat, options: RenderOptions = {}): string {
  if (format === 'json') return toMctJson(card);
  const lang = options.lang ?? 'en';
  const view = buildCardView(card, lang, format === 'html' ? htmlText : markdownText, GENERATOR, options.otherFields);
  if (format === 'html') return template(format)(view);
  if (options.imageFiles) linkImageFiles(view, options.imageFiles);
  return frontMatter(options.metadata ?? {}) + template(format)(view);
}

/**
 * The card as a Hugging Face Hub README: front matter, then the Hub template's sections filled
 * from the card and its extras.
 */
export function renderHubReadme(card: ModelCard, extras: CardExtras, options: RenderOptions = {}): string {
  const view = buildCardView(card, options.lang ?? 'en', markdownText, GENERATOR);
  if (options.imageFiles) linkImageFiles(view, options.imageFiles);
  return frontMatter(options.metadata ?? {}) + template('hub')(buildHubView(view, card, extras, markdownText));
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
