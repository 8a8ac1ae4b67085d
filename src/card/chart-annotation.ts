/**
 * What an image in a card says about itself: the charts this package draws store their alt text,
 * their data table, their language and their pixel density inside the PNG (see
 * src/graphics/png-metadata.ts), so a card shows every number as text wherever the image goes,
 * MCT JSON included. Images from elsewhere simply have no annotation.
 */

import { DESCRIPTION_KEYWORD, TABLE_KEYWORD, readPngInfo } from '../graphics/png-metadata.js';

export interface ChartAnnotation {
  /** The alt text: what the chart shows, with its data. */
  description?: string;
  table?: { columns: string[]; rows: string[][] };
  /** BCP 47 tag of the chart's texts, when it says. */
  lang?: string;
  /** Natural size in CSS pixels (image pixels over the density the PNG records). */
  width: number;
  height: number;
}

const MAX_CELLS = 5000;
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The annotation of a `data:image/png;base64,` URI, or undefined for other images and unreadable PNGs. */
export function chartAnnotation(src: string, escape: (text: string) => string): ChartAnnotation | undefined {
  const prefix = 'data:image/png;base64,';
  if (!src.startsWith(prefix)) return undefined;
  const info = readPngInfo(Buffer.from(src.slice(prefix.length), 'base64'));
  if (!info || info.width === 0 || info.height === 0) return undefined;
  const annotation: ChartAnnotation = {
    width: Math.round(info.width / info.pixelRatio),
    height: Math.round(info.height / info.pixelRatio),
  };
  const description = info.texts.get(DESCRIPTION_KEYWORD);
  if (description && description.text.trim() !== '') {
    annotation.description = escape(description.text.trim());
    if (description.language && LANGUAGE_TAG.test(description.language)) annotation.lang = description.language;
  }
  const table = parseTable(info.texts.get(TABLE_KEYWORD)?.text);
  if (table) annotation.table = { columns: table.columns.map(escape), rows: table.rows.map((row) => row.map(escape)) };
  return annotation;
}

/** A table only when it is exactly {columns: string[], rows: string[][]} with rows as wide as the columns. */
function parseTable(json: string | undefined): { columns: string[]; rows: string[][] } | undefined {
  if (!json) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const { columns, rows } = value as { columns?: unknown; rows?: unknown };
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (!strings(columns) || columns.length === 0 || !Array.isArray(rows)) return undefined;
  if (!rows.every((row) => strings(row) && row.length === columns.length)) return undefined;
  if ((rows.length + 1) * columns.length > MAX_CELLS) return undefined;
  return { columns, rows: rows as string[][] };
}
