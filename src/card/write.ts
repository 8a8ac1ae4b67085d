import { basename, join } from 'node:path';
import { ensureOutputDir, writeFilesAtomically, type PendingFile } from '../io/atomic.js';
import type { CardExtras } from './extras.js';
import { hubMetadata } from './hub.js';
import { imageFiles } from './images.js';
import type { Lang } from './labels.js';
import { parseCard } from './parse.js';
import { CARD_FORMATS, renderCard, type CardFormat } from './render.js';
import type { ModelCard } from './schema.js';
import type { OtherField } from './view.js';

export interface CardFiles {
  html?: string;
  md?: string;
  json?: string;
  /** Extensions and extras that Model Card Toolkit has no field for; absent when there are none. */
  sidecar?: string;
  /** The Markdown's images, written beside it (absent with inline images or without graphics). */
  images?: string[];
}

export interface WriteCardOptions {
  card: ModelCard;
  outDir: string;
  /** The HTML file name, e.g. penguin_model_card.html; the other files share its stem. */
  htmlName: string;
  lang: Lang;
  /** Data kept beside the card, never inside the MCT JSON (which only carries keys MCT knows). */
  extensions?: Record<string, unknown>;
  /** Publication facts MCT has no field for (Hub metadata, out-of-scope uses...): sidecar and front matter. */
  extras?: CardExtras;
  /** Which renderings to write; all three by default. */
  formats?: readonly CardFormat[];
  /** Markdown images as base64 `data:` URIs instead of files beside the Markdown. */
  inlineImages?: boolean;
  /** Fields of the source file MCT's loader does not read: shown in the HTML and Markdown, left out of the MCT JSON. */
  otherFields?: readonly OtherField[];
}

export function cardFileNames(outDir: string, htmlName: string): Required<Omit<CardFiles, 'images'>> {
  const stem = cardStem(htmlName);
  return {
    html: join(outDir, `${stem}.html`),
    md: join(outDir, `${stem}.md`),
    json: join(outDir, `${stem}.json`),
    sidecar: join(outDir, `${stem}.mlflow-mct.json`),
  };
}

export function cardStem(name: string): string {
  return basename(name).replace(/\.(html?|md|json)$/i, '');
}

/** Every file a card was written to, for logging them as artifacts together. */
export function cardFileList(files: CardFiles): string[] {
  return [files.html, files.md, files.json, files.sidecar, ...(files.images ?? [])].filter((file): file is string => file !== undefined);
}

/** The sidecar document: extensions and extras beside the card, or nothing when there are none. */
function sidecarOf(options: WriteCardOptions, jsonName: string): Record<string, unknown> | undefined {
  const content = { ...(options.extensions ?? {}), ...(options.extras ?? {}) };
  return Object.keys(content).length > 0 ? { card: jsonName, lang: options.lang, ...content } : undefined;
}

/**
 * Validates the card, renders it as HTML, Markdown (with Hub front matter, images as files beside
 * it) and MCT JSON, and writes all of them or none.
 */
export async function writeCard(options: WriteCardOptions): Promise<{ files: CardFiles; card: ModelCard; markdown: string }> {
  const card = parseCard(options.card, 'the composed card');
  const names = cardFileNames(options.outDir, options.htmlName);
  const formats = options.formats ?? CARD_FORMATS;
  const images = formats.includes('md') && !options.inlineImages ? imageFiles(card, cardStem(options.htmlName)) : [];
  const markdown = renderCard(card, 'md', { lang: options.lang, imageFiles: images, metadata: hubMetadata(card, options.extras ?? {}), otherFields: options.otherFields });
  const files: CardFiles = {};
  const pending: PendingFile[] = formats.map((format) => {
    files[format] = names[format];
    return { path: names[format], contents: format === 'md' ? markdown : renderCard(card, format, { lang: options.lang, otherFields: options.otherFields }) };
  });
  if (images.length > 0) {
    files.images = images.map((image) => join(options.outDir, image.file));
    pending.push(...images.map((image) => ({ path: join(options.outDir, image.file), contents: image.bytes })));
  }
  const sidecar = sidecarOf(options, basename(names.json));
  if (sidecar) {
    files.sidecar = names.sidecar;
    pending.push({ path: names.sidecar, contents: `${JSON.stringify(sidecar, null, 2)}\n` });
  }
  await ensureOutputDir(options.outDir);
  await writeFilesAtomically(pending);
  return { files, card, markdown };
}
