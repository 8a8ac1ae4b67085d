/**
 * A card carried inside a Hugging Face README, so that exporting and importing loses nothing:
 * the MCT card sits in the front matter (the Hub keeps unknown keys and shows none of them),
 * without its image data; the images are the files beside the README, listed in the order of
 * the card's graphics.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { splitFrontMatter } from './front-matter.js';
import { cardGraphics, type ImageFile } from './images.js';
import type { ModelCard } from './schema.js';
import { toMctObject } from './serialize.js';
import { imageDataUri } from './view.js';

const CARD_KEY = 'mct_model_card';
const IMAGES_KEY = 'mct_model_card_images';

/** The front matter keys that carry the card; `images` are the files its graphics were written to. */
export function embedCard(card: ModelCard, images: readonly ImageFile[]): Record<string, unknown> {
  const copy = structuredClone(card);
  const files = cardGraphics(copy).map((graphic) => {
    const dataUri = imageDataUri(graphic.image);
    const file = images.find((image) => image.dataUri === dataUri)?.file ?? null;
    if (file) delete graphic.image;
    return file;
  });
  return { [CARD_KEY]: toMctObject(copy), ...(files.some((file) => file !== null) ? { [IMAGES_KEY]: files } : {}) };
}

/** The card a README carries, with its images read back from the files beside it. */
export async function cardFromMarkdown(text: string, path: string): Promise<unknown> {
  const { frontMatter } = splitFrontMatter(text);
  const card = frontMatter[CARD_KEY];
  if (card === null || typeof card !== 'object' || Array.isArray(card)) {
    throw new InputError(`the front matter has no ${CARD_KEY}`, { location: path, hint: 'read a README written by `mlflow-mct card export --format hf`, or the card JSON' });
  }
  const files = Array.isArray(frontMatter[IMAGES_KEY]) ? (frontMatter[IMAGES_KEY] as unknown[]) : [];
  let graphics: ReturnType<typeof cardGraphics>;
  try {
    graphics = cardGraphics(card as ModelCard);
  } catch {
    graphics = []; // not a card's shape: validation names the problem
  }
  for (const [index, file] of files.entries()) {
    const graphic = graphics[index];
    if (!graphic || typeof file !== 'string' || /[\\/]/.test(file)) continue;
    const bytes = await readFile(join(dirname(path), file)).catch((error: unknown) => {
      throw new InputError(`cannot read the image ${file}`, { location: path, hint: 'keep the images the export wrote beside the README', cause: error });
    });
    graphic.image = bytes.toString('base64');
  }
  return card;
}
