import { basename, join } from 'node:path';
import { ensureOutputDir, writeFilesAtomically } from '../io/atomic.js';
import type { Lang } from './labels.js';
import { parseCard } from './parse.js';
import { CARD_FORMATS, renderCard, type CardFormat } from './render.js';
import type { ModelCard } from './schema.js';

export interface CardFiles {
  html?: string;
  md?: string;
  json?: string;
  /** Extensions that Model Card Toolkit has no field for; absent when there are none. */
  sidecar?: string;
}

export interface WriteCardOptions {
  card: ModelCard;
  outDir: string;
  /** The HTML file name, e.g. penguin_model_card.html; the .md and .json files share its stem. */
  htmlName: string;
  lang: Lang;
  /** Data kept beside the card, never inside the MCT JSON (which only carries keys MCT knows). */
  extensions?: Record<string, unknown>;
  /** Which renderings to write; all three by default. */
  formats?: readonly CardFormat[];
}

export function cardFileNames(outDir: string, htmlName: string): Required<CardFiles> {
  const stem = basename(htmlName).replace(/\.html?$/i, '');
  return {
    html: join(outDir, `${stem}.html`),
    md: join(outDir, `${stem}.md`),
    json: join(outDir, `${stem}.json`),
    sidecar: join(outDir, `${stem}.mlflow-mct.json`),
  };
}

/**
 * Validates the card, renders it as HTML, Markdown and MCT JSON, and writes all of them or none.
 */
export async function writeCard(options: WriteCardOptions): Promise<{ files: CardFiles; card: ModelCard; markdown: string }> {
  const card = parseCard(options.card, 'the composed card');
  const names = cardFileNames(options.outDir, options.htmlName);
  const markdown = renderCard(card, 'md', { lang: options.lang });
  const formats = options.formats ?? CARD_FORMATS;
  const files: CardFiles = {};
  const pending = formats.map((format) => {
    files[format] = names[format];
    return { path: names[format], contents: format === 'md' ? markdown : renderCard(card, format, { lang: options.lang }) };
  });
  const hasExtensions = options.extensions !== undefined && Object.keys(options.extensions).length > 0;
  if (hasExtensions) {
    const sidecar = { card: basename(names.json), lang: options.lang, ...options.extensions };
    files.sidecar = names.sidecar;
    pending.push({ path: names.sidecar, contents: `${JSON.stringify(sidecar, null, 2)}\n` });
  }
  await ensureOutputDir(options.outDir);
  await writeFilesAtomically(pending);
  return { files, card, markdown };
}
