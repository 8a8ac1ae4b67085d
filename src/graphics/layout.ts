/** Layout every chart shares: type sizes, the title block and the value axis. */

import { AXIS, GRID, MUTED_INK, hex } from './colour.js';
import { textWidth, wrapText } from './font.js';
import type { ChartLocale } from './locale.js';
import type { LinearScale } from './scale.js';
import { baselineFor, line, lines, text } from './svg.js';

export const PAD = 16;
export const TYPE = { title: 17, label: 14, tick: 13 } as const;
export const LINE_HEIGHT = 1.3;
/** The width charts are laid out for, in CSS pixels: it fits a card's column on a desktop. */
export const CHART_WIDTH = 600;
/** Row labels wrap past this, so the plot keeps most of the width. */
const MAX_LABEL_WIDTH = 190;

export interface Block {
  svg: string;
  height: number;
}

/** The title, wrapped to the chart's width. */
export function titleBlock(title: string, width: number): Block {
  if (title.trim() === '') return { svg: '', height: 0 };
  const wrapped = wrapText(title, width - 2 * PAD, TYPE.title, 'semibold');
  const lineHeight = TYPE.title * LINE_HEIGHT;
  return {
    svg: lines(PAD, PAD + TYPE.title, wrapped, { size: TYPE.title, weight: 'semibold' }, lineHeight),
    height: PAD + wrapped.length * lineHeight + 10,
  };
}

/** Row labels wrapped to at most MAX_LABEL_WIDTH, and the width of the widest line. */
export function wrapLabels(labels: readonly string[], size: number = TYPE.label): { lines: string[][]; width: number } {
  const wrapped = labels.map((label) => wrapText(label, MAX_LABEL_WIDTH, size));
  return { lines: wrapped, width: Math.max(...wrapped.flat().map((entry) => textWidth(entry, size))) };
}

/** Right-aligned label lines, vertically centred on `middle`. */
export function rowLabel(content: readonly string[], right: number, middle: number, size: number = TYPE.label): string {
  const lineHeight = size * LINE_HEIGHT;
  const first = baselineFor(middle - ((content.length - 1) * lineHeight) / 2, size);
  return lines(right, first, content, { size, anchor: 'end' }, lineHeight);
}

export interface ValueAxis {
  /** Grid lines, drawn first so marks cover them. */
  grid: string;
  /** Axis line, ticks, tick labels and caption. */
  axis: string;
  /** Height taken below the plot. */
  height: number;
}

/** A horizontal value axis under a plot spanning `left`..`left + width` and `top`..`bottom`. */
export function valueAxis(scale: LinearScale, locale: ChartLocale, box: { left: number; width: number; top: number; bottom: number }, caption: string | undefined, chartWidth: number): ValueAxis {
  const { left, width, top, bottom } = box;
  let grid = '';
  let axis = line(left, bottom + 0.5, left + width, bottom + 0.5, hex(AXIS));
  for (const tick of scale.ticks) {
    const x = Math.round(scale.at(tick, left, width)) + 0.5;
    grid += line(x, top, x, bottom, hex(GRID));
    axis += line(x, bottom, x, bottom + 5, hex(AXIS));
    axis += text(x, bottom + 6 + TYPE.tick, locale.number(tick, scale.decimals), { size: TYPE.tick, anchor: 'middle', fill: hex(MUTED_INK) });
  }
  let height = 6 + TYPE.tick * LINE_HEIGHT + 4;
  if (caption) {
    // Centred under the plot when it fits there, else wrapped to the whole chart width: never cut.
    const fitsUnderPlot = textWidth(caption, TYPE.label) <= width;
    const wrapped = fitsUnderPlot ? [caption] : wrapText(caption, chartWidth - 2 * PAD, TYPE.label);
    const centre = fitsUnderPlot ? left + width / 2 : chartWidth / 2;
    axis += lines(centre, bottom + height + TYPE.label, wrapped, { size: TYPE.label, anchor: 'middle', fill: hex(MUTED_INK) }, TYPE.label * LINE_HEIGHT);
    height += wrapped.length * TYPE.label * LINE_HEIGHT + 4;
  }
  return { grid, axis, height };
}
