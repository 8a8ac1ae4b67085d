/**
 * Point estimates with their intervals, several series per category (per-class precision, recall
 * and F1 with 95% intervals). Each series has its own colour and marker shape, so the chart reads
 * in greyscale; each value and interval is written beside its row, clear of the grid.
 */

import type { Chart } from './chart.js';
import { GRID, INK, hex, seriesColour } from './colour.js';
import { textWidth } from './font.js';
import { CHART_WIDTH, LINE_HEIGHT, PAD, TYPE, rowLabel, titleBlock, valueAxis, wrapLabels } from './layout.js';
import { chartLocale, type ChartLang } from './locale.js';
import { linearScale } from './scale.js';
import { MARKERS, baselineFor, line, marker, svgDocument, text } from './svg.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireUniqueLabels } from './validate.js';
import { InputError } from '../errors.js';

export interface Estimate {
  value: number;
  lower: number;
  upper: number;
}

export interface IntervalSeries {
  /** E.g. "Precision". */
  name: string;
  /** One estimate per category, in the order of `categories`. */
  estimates: readonly Estimate[];
}

export interface IntervalChartInput {
  title: string;
  lang: ChartLang;
  categories: readonly string[];
  /** Heading of the category column in the data table, e.g. "Species". */
  categoryHeading: string;
  series: readonly IntervalSeries[];
  /** More columns for the data table only, e.g. the support of each class. */
  extraColumns?: ReadonlyArray<{ heading: string; values: readonly string[] }>;
  axisLabel?: string;
  /** The axis never goes past this (1 for scores). */
  ceiling?: number;
  decimals?: number;
}

const ROW = 22;
const GROUP_GAP = 12;
const GAP = 10;
const MARKER = 10;

export function intervalChart(input: IntervalChartInput): Chart {
  const location = 'interval chart';
  const locale = chartLocale(input.lang);
  const decimals = input.decimals ?? 3;
  const categories = requireNonEmpty(input.categories, 'categories', location).map((label, index) => requireLabel(label, `${location} categories[${index}]`));
  requireUniqueLabels(categories, `${location} categories`);
  const series = requireNonEmpty(input.series, 'series', location);
  requireAtMost(categories.length * series.length, 200, 'rows', location, 'chart fewer categories or series');
  series.forEach((entry, s) => {
    requireLabel(entry?.name, `${location} series[${s}].name`);
    if (!Array.isArray(entry.estimates) || entry.estimates.length !== categories.length) {
      throw new InputError(`series "${entry.name}" has ${Array.isArray(entry.estimates) ? entry.estimates.length : 'no'} estimates but there are ${categories.length} categories`, {
        location: `${location} series[${s}]`,
      });
    }
    entry.estimates.forEach((estimate, c) => {
      const where = `${location} series[${s}] ("${entry.name}") for "${categories[c]}"`;
      const numbers = [estimate?.lower, estimate?.value, estimate?.upper];
      if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) || !(estimate.lower <= estimate.value && estimate.value <= estimate.upper)) {
        throw new InputError(`estimate ${JSON.stringify(estimate)} is not a finite value inside its interval (lower <= value <= upper)`, { location: where });
      }
    });
  });

  const format = (estimate: Estimate) => `${locale.number(estimate.value, decimals)} (${locale.range(estimate.lower, estimate.upper, decimals)})`;
  const width = CHART_WIDTH;
  const title = titleBlock(input.title, width);
  const labels = wrapLabels(categories);
  const rightTexts = categories.map((_, c) => series.map((entry) => `${entry.name} ${format(entry.estimates[c]!)}`));
  const rightColumn = MARKER + 6 + Math.max(...rightTexts.flat().map((entry) => textWidth(entry, TYPE.tick)));
  const plotLeft = PAD + labels.width + GAP;
  const plotWidth = width - plotLeft - GAP - rightColumn - PAD;
  const all = series.flatMap((entry) => entry.estimates);
  const scale = linearScale(Math.min(...all.map((e) => e.lower)), Math.max(...all.map((e) => e.upper)), input.ceiling !== undefined ? { ceiling: input.ceiling } : {});

  const lineHeight = TYPE.label * LINE_HEIGHT;
  const groupHeights = labels.lines.map((entry) => Math.max(series.length * ROW, entry.length * lineHeight));
  const plotTop = title.height;
  const plotBottom = plotTop + GROUP_GAP / 2 + groupHeights.reduce((a, b) => a + b + GROUP_GAP, 0);
  const axis = valueAxis(scale, locale, { left: plotLeft, width: plotWidth, top: plotTop, bottom: plotBottom }, input.axisLabel, width);

  let marks = '';
  let y = plotTop + GROUP_GAP / 2;
  categories.forEach((_, c) => {
    const height = groupHeights[c] ?? 0;
    if (c > 0) marks += line(PAD, y - GROUP_GAP / 2, width - PAD, y - GROUP_GAP / 2, hex(GRID));
    marks += rowLabel(labels.lines[c] ?? [], plotLeft - GAP, y + height / 2);
    const first = y + (height - series.length * ROW) / 2;
    series.forEach((entry, s) => {
      const estimate = entry.estimates[c]!;
      const middle = first + s * ROW + ROW / 2;
      const colour = hex(seriesColour(s));
      const shape = MARKERS[s % MARKERS.length] ?? 'circle';
      const from = scale.at(estimate.lower, plotLeft, plotWidth);
      const to = scale.at(estimate.upper, plotLeft, plotWidth);
      marks += line(from, middle, to, middle, colour, 2);
      marks += line(from, middle - 5, from, middle + 5, colour, 2) + line(to, middle - 5, to, middle + 5, colour, 2);
      marks += marker(shape, scale.at(estimate.value, plotLeft, plotWidth), middle, MARKER, colour);
      const right = width - PAD - rightColumn;
      marks += marker(shape, right + MARKER / 2, middle, MARKER, colour);
      marks += text(right + MARKER + 6, baselineFor(middle, TYPE.tick), rightTexts[c]?.[s] ?? '', { size: TYPE.tick, fill: hex(INK) });
    });
    y += height + GROUP_GAP;
  });
  const height = plotBottom + axis.height + PAD;

  const extra = input.extraColumns ?? [];
  const heading = (name: string) => `${name} (${locale.words.interval95})`;
  return {
    title: input.title,
    svg: svgDocument(width, height, input.title, title.svg + axis.grid + marks + axis.axis),
    width,
    height: Math.ceil(height),
    lang: input.lang,
    description: `${locale.words.intervalChart}: ${input.title}. ${categories
      .map((category, c) => `${category}: ${series.map((entry) => `${entry.name} ${format(entry.estimates[c]!)}`).join(', ')}`)
      .join('; ')}.`,
    table: {
      columns: [input.categoryHeading, ...series.map((entry) => heading(entry.name)), ...extra.map((column) => column.heading)],
      rows: categories.map((category, c) => [category, ...series.map((entry) => format(entry.estimates[c]!)), ...extra.map((column) => column.values[c] ?? '')]),
    },
  };
}
