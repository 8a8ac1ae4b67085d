/** The chart fonts and the text placement every chart shares. */

import { BitmapFont, type TextRun } from './font.js';
import { GLYPH_RANGES, LABEL_BOLD_FONT, LABEL_FONT, TITLE_FONT } from './font-data.js';
import type { Raster, Rgb, TextDirection } from './raster.js';

export const FONTS = {
  label: new BitmapFont(LABEL_FONT, GLYPH_RANGES),
  bold: new BitmapFont(LABEL_BOLD_FONT, GLYPH_RANGES),
  title: new BitmapFont(TITLE_FONT, GLYPH_RANGES),
} as const;

export type HorizontalAlign = 'left' | 'center' | 'right';

/**
 * Draws `run` so that its box is aligned on (x, y): horizontally as `align` says, vertically
 * centred on y. For upward text the box is `run.height` wide and `run.width` tall, and `align`
 * places it along the x axis the same way.
 */
export function drawAligned(
  raster: Raster,
  run: TextRun,
  x: number,
  y: number,
  colour: Rgb,
  align: HorizontalAlign,
  direction: TextDirection = 'right',
): void {
  const boxWidth = direction === 'right' ? run.width : run.height;
  const boxHeight = direction === 'right' ? run.height : run.width;
  const left = align === 'left' ? x : align === 'center' ? x - boxWidth / 2 : x - boxWidth;
  raster.drawText(run, Math.round(left), Math.round(y - boxHeight / 2), colour, direction);
}
