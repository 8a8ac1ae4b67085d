/**
 * A horizontal bar chart, one bar per category (feature importance). Bars run horizontally so long
 * names sit on the left and stay readable; the value axis starts at 0; each value is written in
 * a column right of the plot, clear of bars and grid lines.
 */

import type { Chart } from './chart.js';
import { INK, SERIES_COLOURS, hex } from './colour.js';
import { textWidth } from './font.js';
import { CHART_WIDTH, LINE_HEIGHT, PAD, TYPE, rowLabel, titleBlock, valueAxis, wrapLabels } from './layout.js';
import { chartLocale, type ChartLang } from './locale.js';
import { linearScale } from './scale.js';
import { baselineFor, rect, svgDocument, text } from './svg.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireNonNegative } from './validate.js';

export interface BarItem {
  label: string;
  value: number;
}

export interface BarChartInput {
  title: string;
  items: readonly BarItem[];
  lang: ChartLang;
  /** Heading of the label column in the data table, e.g. "Feature". */
  labelHeading: string;
  /** Heading of the value column and caption of the value axis, e.g. "Importance". */
  valueHeading: string;
  /** A longer axis caption; `valueHeading` by default. */
  axisLabel?: string;
  /** Decimals of the values (3 by default). */
  decimals?: number;
  /** `descending` puts the largest value on top (feature importance); by default the input order is kept. */
  sort?: 'descending' | 'input';
}

/** Bars beyond this make an image taller than any card shows comfortably. */
const MAX_BARS = 200;

const BAR = 18;
const ROW_GAP = 10;
const GAP = 10;

export function barChart(input: BarChartInput): Chart {
  const location = 'bar chart';
  const locale = chartLocale(input.lang);
  const decimals = input.decimals ?? 3;
  const items = requireNonEmpty(input.items, 'items', location).map((item, index) => ({
    label: requireLabel(item?.label, `${location} items[${index}].label`),
    value: requireNonNegative(item?.value, 'value', `${location} items[${index}] ("${item?.label}")`),
  }));
  requireAtMost(items.length, MAX_BARS, 'bars', location, 'pass the top entries only, e.g. the 30 most important features');
  if (input.sort === 'descending') items.sort((a, b) => b.value - a.value);

  const width = CHART_WIDTH;
  const title = titleBlock(input.title, width);
  const labels = wrapLabels(items.map((item) => item.label));
  const values = items.map((item) => locale.number(item.value, decimals));
  const valueColumn = Math.max(...values.map((value) => textWidth(value, TYPE.label)));
  const plotLeft = PAD + labels.width + GAP;
  const plotWidth = width - plotLeft - GAP - valueColumn - PAD;
  const scale = linearScale(0, Math.max(...items.map((item) => item.value)));

  const lineHeight = TYPE.label * LINE_HEIGHT;
  const rowHeights = labels.lines.map((entry) => Math.max(BAR, entry.length * lineHeight) + ROW_GAP);
  const plotTop = title.height;
  const plotBottom = plotTop + ROW_GAP / 2 + rowHeights.reduce((a, b) => a + b, 0);
  const axis = valueAxis(scale, locale, { left: plotLeft, width: plotWidth, top: plotTop, bottom: plotBottom }, input.axisLabel ?? input.valueHeading, width);

  let marks = '';
  let y = plotTop + ROW_GAP / 2;
  items.forEach((item, index) => {
    const middle = y + (rowHeights[index] ?? 0) / 2;
    marks += rowLabel(labels.lines[index] ?? [], plotLeft - GAP, middle);
    marks += rect(plotLeft, middle - BAR / 2, scale.at(item.value, plotLeft, plotWidth) - plotLeft, BAR, hex(SERIES_COLOURS[0] ?? INK));
    marks += text(width - PAD, baselineFor(middle, TYPE.label), values[index] ?? '', { size: TYPE.label, anchor: 'end' });
    y += rowHeights[index] ?? 0;
  });
  const height = plotBottom + axis.height + PAD;

  return {
    title: input.title,
    svg: svgDocument(width, height, input.title, title.svg + axis.grid + marks + axis.axis),
    width,
    height: Math.ceil(height),
    lang: input.lang,
    description: `${locale.words.barChart}: ${input.title}. ${items.map((item, index) => `${item.label} ${values[index]}`).join('; ')}.`,
    table: { columns: [input.labelHeading, input.valueHeading], rows: items.map((item, index) => [item.label, values[index] ?? '']) },
  };
}
