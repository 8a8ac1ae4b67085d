/**
 * The chart typeface and the text measurement layout needs.
 *
 * Charts are drawn with Source Sans 3 (Adobe, SIL Open Font License 1.1), read from the
 * `source-sans` package this package depends on: nothing is read from the system, so a chart
 * looks the same on every machine, fonts installed or not. The rasteriser gets the same files.
 *
 * Layout needs each string's width before anything is drawn, so the advance widths are read
 * from the font's own tables (`cmap`, `hmtx`). Kerning is left out of the measure: it moves a
 * string by a pixel or two, which the layout's gaps absorb.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const FONT_FAMILY = 'Source Sans 3';

export type FontWeight = 'regular' | 'semibold';

const FILES: Record<FontWeight, string> = {
  regular: 'SourceSans3-Regular.ttf',
  semibold: 'SourceSans3-Semibold.ttf',
};

const require = createRequire(import.meta.url);

/** The directory holding the TTF files of the `source-sans` package. */
function fontDirectory(): string {
  return join(dirname(require.resolve('source-sans/package.json')), 'TTF');
}

/** Absolute paths of the font files the rasteriser loads. */
export function fontFiles(): string[] {
  const directory = fontDirectory();
  return Object.values(FILES).map((file) => join(directory, file));
}

/** Advance widths of a TrueType/OpenType font, in ems. */
class FontMetrics {
  private readonly unitsPerEm: number;
  private readonly advances: Uint16Array;
  private readonly glyphOf = new Map<number, number>();

  constructor(font: Buffer) {
    const tables = tableDirectory(font);
    const head = required(tables, 'head');
    const hhea = required(tables, 'hhea');
    const hmtx = required(tables, 'hmtx');
    this.unitsPerEm = font.readUInt16BE(head + 18);
    const metricCount = font.readUInt16BE(hhea + 34);
    this.advances = new Uint16Array(metricCount);
    for (let glyph = 0; glyph < metricCount; glyph += 1) this.advances[glyph] = font.readUInt16BE(hmtx + glyph * 4);
    readCmap(font, required(tables, 'cmap'), this.glyphOf);
  }

  /** The advance of one character in ems; characters without a glyph take the box glyph's. */
  advance(codePoint: number): number {
    const glyph = this.glyphOf.get(codePoint) ?? 0;
    const units = this.advances[Math.min(glyph, this.advances.length - 1)] ?? 0;
    return units / this.unitsPerEm;
  }

  /** The width of `text` at `size` pixels. */
  width(text: string, size: number): number {
    let ems = 0;
    for (const character of text) ems += this.advance(character.codePointAt(0) ?? 0);
    return ems * size;
  }
}

const loaded = new Map<FontWeight, FontMetrics>();

function fontMetrics(weight: FontWeight = 'regular'): FontMetrics {
  let metrics = loaded.get(weight);
  if (!metrics) {
    metrics = new FontMetrics(readFileSync(join(fontDirectory(), FILES[weight])));
    loaded.set(weight, metrics);
  }
  return metrics;
}

/** The width of `text` set at `size` pixels in the chart typeface. */
export function textWidth(text: string, size: number, weight: FontWeight = 'regular'): number {
  return fontMetrics(weight).width(text, size);
}

/**
 * Breaks `text` into lines no wider than `maxWidth`: at spaces or after `_`, `-` and `/`, and
 * inside a word only when a part of it is wider than a line. Nothing is dropped or truncated:
 * every character is on some line.
 */
export function wrapText(text: string, maxWidth: number, size: number, weight: FontWeight = 'regular'): string[] {
  const fits = (line: string) => textWidth(line, size, weight) <= maxWidth;
  const tokens: Array<{ text: string; space: boolean }> = [];
  for (const word of text.trim().split(/\s+/)) {
    word.split(/(?<=[_\-/])/).forEach((part, index) => {
      let piece = '';
      let first = index === 0;
      for (const character of part) {
        if (piece !== '' && !fits(piece + character)) {
          tokens.push({ text: piece, space: first });
          first = false;
          piece = '';
        }
        piece += character;
      }
      if (piece !== '') tokens.push({ text: piece, space: first });
    });
  }
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const joined = line === '' ? token.text : `${line}${token.space ? ' ' : ''}${token.text}`;
    if (line !== '' && !fits(joined)) {
      lines.push(line);
      line = token.text;
    } else {
      line = joined;
    }
  }
  lines.push(line);
  return lines;
}

function tableDirectory(font: Buffer): Map<string, number> {
  const count = font.readUInt16BE(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < count; i += 1) {
    const record = 12 + i * 16;
    tables.set(font.toString('latin1', record, record + 4), font.readUInt32BE(record + 8));
  }
  return tables;
}

function required(tables: Map<string, number>, tag: string): number {
  const offset = tables.get(tag);
  if (offset === undefined) throw new Error(`the chart font has no ${tag} table`);
  return offset;
}

/** Fills `into` from the Unicode subtable of `cmap`: format 12 (full Unicode) if present, else format 4 (BMP). */
function readCmap(font: Buffer, cmap: number, into: Map<number, number>): void {
  const count = font.readUInt16BE(cmap + 2);
  const subtables: Array<{ format: number; offset: number }> = [];
  for (let i = 0; i < count; i += 1) {
    const record = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    if (platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10))) subtables.push({ format: font.readUInt16BE(offset), offset });
  }
  const full = subtables.find((subtable) => subtable.format === 12);
  if (full) {
    const groups = font.readUInt32BE(full.offset + 12);
    for (let g = 0; g < groups; g += 1) {
      const group = full.offset + 16 + g * 12;
      const start = font.readUInt32BE(group);
      const end = font.readUInt32BE(group + 4);
      const glyph = font.readUInt32BE(group + 8);
      for (let c = start; c <= end; c += 1) into.set(c, glyph + c - start);
    }
    return;
  }
  const bmp = subtables.find((subtable) => subtable.format === 4);
  if (!bmp) throw new Error('the chart font has no Unicode character map');
  const base = bmp.offset;
  const segments = font.readUInt16BE(base + 6) / 2;
  const ends = base + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let s = 0; s < segments; s += 1) {
    const end = font.readUInt16BE(ends + s * 2);
    const start = font.readUInt16BE(starts + s * 2);
    const delta = font.readInt16BE(deltas + s * 2);
    const rangeOffset = font.readUInt16BE(rangeOffsets + s * 2);
    for (let c = start; c <= end && c !== 0xffff; c += 1) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
      else {
        const at = rangeOffsets + s * 2 + rangeOffset + (c - start) * 2;
        glyph = font.readUInt16BE(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) into.set(c, glyph);
    }
  }
}
