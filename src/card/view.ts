import type { Graphic, GraphicsCollection, ModelCard } from './schema.js';
import { CARD_LABELS, type CardLabels, type Lang } from './labels.js';
import { chartAnnotation, type ChartAnnotation } from './chart-annotation.js';
import { metricTables, type MetricTables } from './metric-tables.js';
import { metricRows } from './metric-names.js';

/**
 * The data the templates see: the card reshaped for display, with every piece of text passed
 * through the output format's escaper. Templates stay free of logic and of escaping decisions;
 * links and images are only ever built here, from values that are checked first.
 */

export interface TextEscaper {
  /** Text that may span lines (paragraphs). */
  block(text: string): string;
  /** Text that must stay on one line (table cells, headings, list items). */
  inline(text: string): string;
}

export interface LinkView {
  text: string;
  /** Set only for http(s) URLs, the only links a card creates. */
  href?: string;
}

export interface ImageView {
  name: string;
  /** A data: URI built from validated base64 of a sniffed image type; absent when the data is not an image. */
  src?: string;
  /** The image's own description of its data (alt text), its data table, language and natural size, when it carries them (our charts do). */
  chart?: ChartAnnotation;
}

export interface GraphicsView {
  description?: string;
  images: ImageView[];
}

export interface CardView {
  lang: Lang;
  labels: CardLabels;
  title: string;
  details: {
    overview?: string;
    documentation?: string;
    version?: { name?: string; date?: string; diff?: string };
    owners: Array<{ text: string }>;
    licenses: string[];
    references: LinkView[];
    citations: Array<{ citation: string; style?: string }>;
    path?: string;
  };
  parameters?: {
    architecture?: string;
    inputFormat?: string;
    inputMap: Array<{ key: string; value: string }>;
    outputFormat?: string;
    outputMap: Array<{ key: string; value: string }>;
  };
  considerations?: {
    users: string[];
    useCases: string[];
    limitations: string[];
    tradeoffs: string[];
    risks: Array<{ name: string; mitigation: string }>;
  };
  datasets: Array<{
    name?: string;
    description?: string;
    link?: LinkView;
    sensitive: string[];
    graphics?: GraphicsView;
  }>;
  quantitative?: {
    metrics: Array<{ name: string; value: string }>;
    /** The same metrics grouped for reading: overall, per slice (slices x metrics) and cross-validation (mean ± std). */
    tables: MetricTables;
    graphics?: GraphicsView;
  };
  /** Fields outside what MCT's loader reads, by path, with their value as JSON text. */
  otherFields: Array<{ path: string; value: string }>;
  generator: string;
}

/** A field of the card file that is shown as found, outside MCT's sections. */
export interface OtherField {
  path: string;
  value: unknown;
}

const BASE64 = /^[A-Za-z0-9+/]+$/;

function sniffImageType(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  return undefined;
}

/** A data: URI for base64 image data, or undefined when it is not valid base64 of a known image type. */
export function imageDataUri(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  // Forgiving base64, as browsers decode data: URIs: whitespace and missing padding are accepted
  // (MCT's own cats_vs_dogs example has an unpadded image).
  const unpadded = base64.replace(/\s+/g, '').replace(/=+$/, '');
  if (unpadded.length % 4 === 1 || !BASE64.test(unpadded)) return undefined;
  const compact = unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, '=');
  const type = sniffImageType(Buffer.from(compact.slice(0, 16), 'base64'));
  return type ? `data:${type};base64,${compact}` : undefined;
}

/** Only absolute http(s) URLs become links; anything else (javascript:, data:, relative) stays text. */
function safeHref(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(text: string | undefined): text is string {
  return text !== undefined && text !== '';
}

export function buildCardView(card: ModelCard, lang: Lang, escape: TextEscaper, generator: string, otherFields: readonly OtherField[] = []): CardView {
  const labels = CARD_LABELS[lang];
  const block = (text: string | undefined) => (nonEmpty(text) ? escape.block(text) : undefined);
  const inline = (text: string | undefined) => (nonEmpty(text) ? escape.inline(text) : undefined);
  const inlineList = (items: Array<{ description?: string }> | undefined) =>
    (items ?? []).map((item) => inline(item.description)).filter(nonEmpty);
  const link = (text: string | undefined): LinkView | undefined => {
    if (!nonEmpty(text)) return undefined;
    const href = safeHref(text);
    // URL.href percent-encodes spaces, quotes and angle brackets, so it is safe in an attribute and in <autolink>.
    return { text: escape.inline(text), ...(href ? { href } : {}) };
  };
  const graphics = (collection: GraphicsCollection | undefined): GraphicsView | undefined => {
    const images = (collection?.collection ?? []).map((graphic: Graphic) => {
      const src = imageDataUri(graphic.image);
      const chart = src ? chartAnnotation(src, escape.inline) : undefined;
      return { name: escape.inline(graphic.name ?? ''), ...(src ? { src } : {}), ...(chart ? { chart } : {}) };
    });
    const description = block(collection?.description);
    return images.length > 0 || description ? { images, ...(description ? { description } : {}) } : undefined;
  };

  const details = card.model_details ?? {};
  const version = details.version;
  const parameters = card.model_parameters ?? {};
  const considerations = card.considerations ?? {};
  const analysis = card.quantitative_analysis ?? {};
  const keyValues = (items: Array<{ key?: string; value?: string }> | undefined) =>
    (items ?? []).map((item) => ({ key: escape.inline(item.key ?? ''), value: escape.inline(item.value ?? '') }));

  const parametersView = {
    architecture: block(parameters.model_architecture),
    inputFormat: block(parameters.input_format),
    inputMap: keyValues(parameters.input_format_map),
    outputFormat: block(parameters.output_format),
    outputMap: keyValues(parameters.output_format_map),
  };
  const considerationsView = {
    users: inlineList(considerations.users),
    useCases: inlineList(considerations.use_cases),
    limitations: inlineList(considerations.limitations),
    tradeoffs: inlineList(considerations.tradeoffs),
    risks: (considerations.ethical_considerations ?? []).map((risk) => ({
      name: escape.inline(risk.name ?? ''),
      mitigation: escape.inline(risk.mitigation_strategy ?? ''),
    })),
  };
  const metrics = metricRows(analysis.performance_metrics ?? [], lang).map((row) => ({ name: escape.inline(row.name), value: escape.inline(row.value) }));
  const analysisGraphics = graphics(analysis.graphics);

  return {
    lang,
    labels,
    title: nonEmpty(details.name) ? escape.inline(`${labels.modelCardFor} ${details.name}`) : labels.modelCard,
    details: {
      overview: block(details.overview),
      documentation: block(details.documentation),
      ...(version && (version.name || version.date || version.diff)
        ? { version: { name: inline(version.name), date: inline(version.date), diff: block(version.diff) } }
        : {}),
      owners: (details.owners ?? [])
        .map((owner) => [owner.name, owner.contact].filter(nonEmpty).join(', '))
        .filter(nonEmpty)
        .map((text) => ({ text: escape.inline(text) })),
      licenses: (details.licenses ?? []).map((license) => license.identifier ?? license.custom_text ?? '').filter(nonEmpty).map(escape.inline),
      references: (details.references ?? []).map((reference) => link(reference.reference)).filter((item): item is LinkView => item !== undefined),
      citations: (details.citations ?? [])
        .filter((citation) => nonEmpty(citation.citation))
        .map((citation) => ({ citation: escape.block(citation.citation ?? ''), ...(citation.style ? { style: escape.inline(citation.style) } : {}) })),
      path: inline(details.path),
    },
    ...(Object.values(parametersView).some((value) => (Array.isArray(value) ? value.length > 0 : value !== undefined))
      ? { parameters: parametersView }
      : {}),
    ...(Object.values(considerationsView).some((list) => list.length > 0) ? { considerations: considerationsView } : {}),
    datasets: (parameters.data ?? []).map((dataset) => {
      const datasetGraphics = graphics(dataset.graphics);
      const datasetLink = link(dataset.link);
      return {
        name: inline(dataset.name),
        description: block(dataset.description),
        ...(datasetLink ? { link: datasetLink } : {}),
        sensitive: (dataset.sensitive?.sensitive_data ?? []).filter(nonEmpty).map(escape.inline),
        ...(datasetGraphics ? { graphics: datasetGraphics } : {}),
      };
    }),
    ...(metrics.length > 0 || analysisGraphics
      ? { quantitative: { metrics, tables: metricTables(analysis.performance_metrics ?? [], escape.inline, lang), ...(analysisGraphics ? { graphics: analysisGraphics } : {}) } }
      : {}),
    otherFields: otherFields.map((field) => ({
      path: escape.inline(field.path),
      value: escape.inline(typeof field.value === 'string' ? field.value : JSON.stringify(field.value) ?? String(field.value)),
    })),
    generator: escape.inline(generator),
  };
}
