/**
 * Text and density metadata in PNG files (ISO/IEC 15948 `iTXt`, `tEXt`, `zTXt` and `pHYs`).
 *
 * A chart's PNG carries what a reader needs when the picture cannot be seen: its description
 * (the standard `Description` keyword, the alt text) and its data as a table, so any card that
 * holds the image, MCT JSON included, can show the numbers as text. `pHYs` records that the
 * picture was drawn at 2 pixels per CSS pixel, so it is shown at its natural size.
 */

import { deflateSync, inflateSync } from 'node:zlib';
import { PNG_SIGNATURE, pngChunk } from './png.js';

/** 96 dots per inch, the CSS pixel, in pixels per metre. */
const CSS_PIXELS_PER_METRE = 3780;
/** Text chunks larger than this are ignored when reading a card's image. */
const MAX_TEXT_BYTES = 256 * 1024;

export const DESCRIPTION_KEYWORD = 'Description';
export const TABLE_KEYWORD = 'mlflow-mct.table';

/** An `iTXt` chunk: UTF-8 text, deflated when `compress`, tagged with its language. */
function internationalText(keyword: string, text: string, language: string, compress: boolean): Buffer {
  const body = Buffer.from(text, 'utf8');
  return pngChunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(`${keyword}\0`, 'latin1'),
      Buffer.from([compress ? 1 : 0, 0]),
      Buffer.from(`${language}\0\0`, 'latin1'),
      compress ? deflateSync(body, { level: 9 }) : body,
    ]),
  );
}

function physicalDimensions(pixelRatio: number): Buffer {
  const data = Buffer.alloc(9);
  const perMetre = Math.round(CSS_PIXELS_PER_METRE * pixelRatio);
  data.writeUInt32BE(perMetre, 0);
  data.writeUInt32BE(perMetre, 4);
  data[8] = 1; // unit: metre
  return pngChunk('pHYs', data);
}

export interface PngAnnotation {
  description: string;
  /** JSON-serialisable data, stored deflated under `mlflow-mct.table`. */
  table: unknown;
  /** BCP 47 tag of the texts. */
  language: string;
  pixelRatio: number;
}

/** The chunks that carry an annotation: density, description, then the data table (deflated). */
export function pngAnnotationChunks(annotation: PngAnnotation): Buffer[] {
  return [
    physicalDimensions(annotation.pixelRatio),
    internationalText(DESCRIPTION_KEYWORD, annotation.description, annotation.language, false),
    internationalText(TABLE_KEYWORD, JSON.stringify(annotation.table), annotation.language, true),
  ];
}

export interface PngInfo {
  width: number;
  height: number;
  /** Image pixels per CSS pixel, from pHYs; 1 when absent. */
  pixelRatio: number;
  /** Texts by keyword, from tEXt, zTXt and iTXt chunks. */
  texts: Map<string, { text: string; language?: string }>;
}

/** What a PNG says about itself, or undefined when the bytes are not a well-formed PNG. */
export function readPngInfo(png: Buffer): PngInfo | undefined {
  let chunks: Chunk[];
  try {
    chunks = readChunks(png);
  } catch {
    return undefined;
  }
  const header = chunks.find((entry) => entry.type === 'IHDR');
  if (!header || header.end - header.start < 25) return undefined;
  const info: PngInfo = { width: png.readUInt32BE(header.start + 8), height: png.readUInt32BE(header.start + 12), pixelRatio: 1, texts: new Map() };
  for (const entry of chunks) {
    const data = png.subarray(entry.start + 8, entry.end - 4);
    if (entry.type === 'pHYs' && data.length === 9 && data[8] === 1) {
      const perMetre = data.readUInt32BE(0);
      const ratio = perMetre / CSS_PIXELS_PER_METRE;
      if (perMetre === data.readUInt32BE(4) && ratio >= 1 && ratio <= 8) info.pixelRatio = Math.round(ratio * 100) / 100;
    }
    if (entry.type === 'tEXt' || entry.type === 'zTXt' || entry.type === 'iTXt') {
      const parsed = parseText(entry.type, data);
      if (parsed && !info.texts.has(parsed.keyword)) info.texts.set(parsed.keyword, parsed.language ? { text: parsed.text, language: parsed.language } : { text: parsed.text });
    }
  }
  return info;
}

function parseText(type: string, data: Buffer): { keyword: string; text: string; language?: string } | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1 || keywordEnd > 79) return undefined;
  const keyword = data.toString('latin1', 0, keywordEnd);
  try {
    if (type === 'tEXt') return { keyword, text: data.toString('latin1', keywordEnd + 1) };
    if (type === 'zTXt') return { keyword, text: inflateSync(data.subarray(keywordEnd + 2), { maxOutputLength: MAX_TEXT_BYTES }).toString('latin1') };
    const compressed = data[keywordEnd + 1] === 1;
    const languageEnd = data.indexOf(0, keywordEnd + 3);
    const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
    if (translatedEnd < 0) return undefined;
    const language = data.toString('latin1', keywordEnd + 3, languageEnd);
    const body = data.subarray(translatedEnd + 1);
    const text = (compressed ? inflateSync(body, { maxOutputLength: MAX_TEXT_BYTES }) : body).toString('utf8');
    return language ? { keyword, text, language } : { keyword, text };
  } catch {
    return undefined;
  }
}

interface Chunk {
  type: string;
  /** Offsets of the whole chunk (length field to CRC) in the file. */
  start: number;
  end: number;
}

function readChunks(png: Buffer): Chunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG signature');
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error('truncated PNG chunk');
    const type = png.toString('latin1', offset + 4, offset + 8);
    chunks.push({ type, start: offset, end });
    offset = end;
    if (type === 'IEND') break;
  }
  return chunks;
}
