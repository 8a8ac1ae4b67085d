import { imageDataUri } from './view.js';
import type { Graphic, ModelCard } from './schema.js';

/**
 * The card's images as files beside its Markdown: GitHub and the Hugging Face Hub do not show
 * `data:` images, and 20 KB of base64 in a README is unreadable as text. The Markdown links
 * each image by its bare file name, so the card and its images move together.
 */
export interface ImageFile {
  /** The `data:` URI the card's view shows for the graphic; the Markdown swaps it for `file`. */
  dataUri: string;
  /** A bare file name, e.g. penguin_model_card.confusion-matrix.png. */
  file: string;
  bytes: Buffer;
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' };

/** ASCII file-name part of a graphic's name: "Matriz de confusión" -> "matriz-de-confusion". */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

/** Every graphic of a card, in the order the card shows them. */
export function cardGraphics(card: ModelCard): Graphic[] {
  return [
    ...(card.model_parameters?.data ?? []).flatMap((dataset) => dataset.graphics?.collection ?? []),
    ...(card.quantitative_analysis?.graphics?.collection ?? []),
  ];
}

/** The image files of a card, one per distinct image; graphics that are not images get none. */
export function imageFiles(card: ModelCard, stem: string): ImageFile[] {
  const files: ImageFile[] = [];
  const used = new Set<string>();
  for (const [index, graphic] of cardGraphics(card).entries()) {
    const dataUri = imageDataUri(graphic.image);
    if (!dataUri || files.some((file) => file.dataUri === dataUri)) continue;
    const type = dataUri.slice(5, dataUri.indexOf(';'));
    let base = `${stem}.${slug(graphic.name ?? '') || `image-${index + 1}`}`;
    if (used.has(base)) base = `${base}-${index + 1}`;
    used.add(base);
    files.push({ dataUri, file: `${base}.${EXTENSIONS[type] ?? 'img'}`, bytes: Buffer.from(dataUri.slice(dataUri.indexOf(',') + 1), 'base64') });
  }
  return files;
}
