import { join } from 'node:path';
import { ensureOutputDir, writeFilesAtomically } from '../io/atomic.js';
import { embedCard } from './embedded.js';
import type { CardExtras } from './extras.js';
import { hubMetadata } from './hub.js';
import { imageFiles } from './images.js';
import type { Lang } from './labels.js';
import { renderHubReadme } from './render.js';
import type { ModelCard } from './schema.js';

export const HUB_README = 'README.md';

export interface HubExportOptions {
  card: ModelCard;
  extras: CardExtras;
  lang: Lang;
  outDir: string;
  inlineImages?: boolean;
}

/**
 * Writes the card as a Hugging Face Hub README.md (with its images beside it), all files or
 * none. The README carries the MCT card in its front matter, so it can be read back as a card.
 */
export async function exportHubReadme(options: HubExportOptions): Promise<{ readme: string; images: string[] }> {
  const images = options.inlineImages ? [] : imageFiles(options.card, 'README');
  const metadata = { ...hubMetadata(options.card, options.extras), ...embedCard(options.card, images) };
  const markdown = renderHubReadme(options.card, options.extras, { lang: options.lang, imageFiles: images, metadata });
  const readme = join(options.outDir, HUB_README);
  const imagePaths = images.map((image) => join(options.outDir, image.file));
  await ensureOutputDir(options.outDir);
  await writeFilesAtomically([{ path: readme, contents: markdown }, ...images.map((image, index) => ({ path: imagePaths[index] as string, contents: image.bytes }))]);
  return { readme, images: imagePaths };
}
