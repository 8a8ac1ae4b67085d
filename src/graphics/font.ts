/**
 * Character-cell bitmap fonts and the text preparation that makes any string drawable with them.
 *
 * Charts must render the same way on every machine, including a CI box with no fonts installed, so
 * the glyphs are data in `font-data.ts`. Each font covers printable ASCII, Latin-1, Latin
 * Extended-A and common typographic punctuation, so Spanish (and most European) labels render
 * with their accents. Anything else is folded to a drawable form (compatibility decomposition with
 * the combining marks removed: "ạ" → "a", "ﬁ" → "fi") and, failing that, drawn as U+FFFD so a
 * missing glyph is visible instead of silently dropped.
 */

export interface BitmapFontData {
  readonly width: number;
  readonly height: number;
  /** Rows from the top of the cell down to the baseline. */
  readonly ascent: number;
  /** Base64 of every glyph in `GLYPH_RANGES` order: `height` rows each, MSB-first, `ceil(width / 8)` bytes a row. */
  readonly bitmap: string;
}

export type GlyphRanges = readonly (readonly [first: number, last: number])[];

const REPLACEMENT = 0xfffd;
const ELLIPSIS = 0x2026;
const SPACE = 0x20;
const COMBINING_MARK = /\p{M}/gu;
const SPACING = /\s/u;
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

export class BitmapFont {
  readonly width: number;
  readonly height: number;
  readonly ascent: number;
  private readonly bytesPerRow: number;
  private readonly bitmap: Uint8Array;
  private readonly glyphIndex = new Map<number, number>();

  constructor(data: BitmapFontData, ranges: GlyphRanges) {
    this.width = data.width;
    this.height = data.height;
    this.ascent = data.ascent;
    this.bytesPerRow = Math.ceil(data.width / 8);
    this.bitmap = Buffer.from(data.bitmap, 'base64');
    let index = 0;
    for (const [first, last] of ranges) {
      for (let codePoint = first; codePoint <= last; codePoint += 1) this.glyphIndex.set(codePoint, index++);
    }
    const expected = index * data.height * this.bytesPerRow;
    if (this.bitmap.length !== expected) {
      throw new Error(`font bitmap has ${this.bitmap.length} bytes, expected ${expected} for ${index} glyphs`);
    }
  }

  has(codePoint: number): boolean {
    return this.glyphIndex.has(codePoint);
  }

  /** Whether the glyph has ink at (column, row) of its cell; unknown code points draw as U+FFFD. */
  ink(codePoint: number, column: number, row: number): boolean {
    const index = this.glyphIndex.get(codePoint) ?? this.glyphIndex.get(REPLACEMENT) ?? 0;
    const offset = (index * this.height + row) * this.bytesPerRow + (column >> 3);
    return ((this.bitmap[offset] ?? 0) & (0x80 >> (column & 7))) !== 0;
  }

  /**
   * The code points to draw for `text`: every character this font has, folded forms of the
   * ones it lacks, U+FFFD for what cannot be folded, and a plain space for line breaks, tabs and
   * other spacing so a label stays on one line.
   */
  drawable(text: string): number[] {
    const out: number[] = [];
    for (const char of text.normalize('NFC')) {
      const codePoint = char.codePointAt(0) ?? REPLACEMENT;
      if (SPACING.test(char)) out.push(SPACE);
      else if (INVISIBLE.test(char)) continue;
      else if (this.has(codePoint)) out.push(codePoint);
      else out.push(...this.fold(char));
    }
    return out;
  }

  private fold(char: string): number[] {
    const base = char.normalize('NFKD').replace(COMBINING_MARK, '');
    const codePoints = [...base].map((c) => c.codePointAt(0) ?? REPLACEMENT);
    if (codePoints.length > 0 && codePoints.every((c) => this.has(c))) return codePoints;
    return [REPLACEMENT];
  }
}

/** A single line of text prepared for drawing at an integer scale. */
export interface TextRun {
  readonly font: BitmapFont;
  readonly scale: number;
  readonly codePoints: readonly number[];
  /** Pixels along the reading direction. */
  readonly width: number;
  /** Pixels across the reading direction (the font's cell height times the scale). */
  readonly height: number;
  /** Whether the text was shortened to fit and ends in an ellipsis. */
  readonly truncated: boolean;
}

/** Where a too-long text loses characters: at its end, or in its middle (keeping both ends). */
export type Truncation = 'end' | 'middle';

/**
 * Prepares `text` for drawing. When it is wider than `maxWidth` it is shortened with "…" so the
 * reader can tell: at the end for titles, in the middle for names that share a prefix and
 * differ at the end (`island_Biscoe`, `island_Dream`).
 */
export function textRun(
  text: string,
  font: BitmapFont,
  options: { scale?: number; maxWidth?: number; truncate?: Truncation } = {},
): TextRun {
  const scale = options.scale ?? 1;
  const advance = font.width * scale;
  let codePoints = font.drawable(text);
  let truncated = false;
  if (options.maxWidth !== undefined && codePoints.length * advance > options.maxWidth) {
    const room = Math.floor(options.maxWidth / advance) - 1;
    codePoints = room < 0 ? [] : shorten(codePoints, room, options.truncate ?? 'end');
    truncated = true;
  }
  return { font, scale, codePoints, width: codePoints.length * advance, height: font.height * scale, truncated };
}

/** Keeps `room` characters of `codePoints` plus an ellipsis, trimming spaces next to it. */
function shorten(codePoints: readonly number[], room: number, truncate: Truncation): number[] {
  const headLength = truncate === 'end' ? room : Math.ceil(room / 2);
  const head = codePoints.slice(0, headLength);
  const tail = codePoints.slice(codePoints.length - (room - headLength));
  while (head.at(-1) === SPACE) head.pop();
  while (tail[0] === SPACE) tail.shift();
  return [...head, ELLIPSIS, ...tail];
}
