import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../errors.js';
import { extrasOf, type CardExtras } from './extras.js';
import { splitFrontMatter } from './front-matter.js';
import { LANGUAGES, type Lang } from './labels.js';

/** The sidecar of a card file: `<stem>.mlflow-mct.json` beside it. */
export function sidecarPath(cardPath: string): string {
  return join(dirname(cardPath), `${basename(cardPath).replace(/\.(json|ya?ml|md)$/i, '')}.mlflow-mct.json`);
}

const GENERATED_TAGS = new Set(['model-card', 'mlflow-mct']);

/**
 * What is known about a card beyond MCT's fields: its sidecar's extras and language, or for a
 * Hub README the metadata in its front matter. A card without either has none.
 */
export async function readCardExtras(cardPath: string): Promise<{ extras: CardExtras; lang?: Lang; source?: string }> {
  if (extname(cardPath).toLowerCase() === '.md') {
    const { frontMatter } = splitFrontMatter(await readFile(cardPath, 'utf8'));
    const tags = Array.isArray(frontMatter.tags) ? frontMatter.tags.filter((tag) => !GENERATED_TAGS.has(String(tag))) : undefined;
    return { extras: extrasOf({ hub: { ...frontMatter, tags } }), source: cardPath };
  }
  const path = sidecarPath(cardPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { extras: {} };
  }
  try {
    const document = JSON.parse(text) as { lang?: unknown };
    const lang = LANGUAGES.find((candidate) => candidate === document.lang);
    return { extras: extrasOf(document), ...(lang ? { lang } : {}), source: path };
  } catch (error) {
    throw new InputError('the card sidecar is not valid JSON', { location: path, hint: 'fix the file or remove it', cause: error });
  }
}
