/**
 * Horizontal bar charts: one bar per category (feature importance, per-class F1) or a group of
 * bars per category, one per series (per-class precision, recall and F1), with a legend.
 *
 * Bars run horizontally so long category names sit on the left and stay readable. The value axis
 * starts at 0; each bar carries its value at its end, so the chart can be read without the axis.
 */

import { AXIS, GRID, INK, MUTED_INK, WHITE, seriesColour } from './colour.js';
import { textRun, type TextRun } from './font.js';
import { encodePng } from './png.js';
import { Raster } from './raster.js';
import { defaultValueFormat, zeroBasedScale } from './scale.js';
import { FONTS, drawAligned } from './typography.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireNonNegative, requireUniqueLabels } from './validate.js';
import { InputError } from '../errors.js';

export interface ValueAxisOptions {
  /** A fixed value axis, e.g. `[0, 1]` for scores; by default 0 to a round number at or above the largest value. */
  domain?: readonly [0, number];
  /** How a value is written at the end of its bar; by default integers as they are and other numbers as "0.412". */
  valueFormat?: (value: number) => string;
  /** A caption under the value axis, e.g. "Importance". */
  axisLabel?: string;
}

export interface BarItem {
  label: string;
  value: number;
}

export interface BarChartInput extends ValueAxisOptions {
  items: readonly BarItem[];
  title: string;
  /** `descending` puts the largest value on top (feature importance); by default the input order is kept. */
  sort?: 'descending' | 'input';
}

export interface BarSeries {
  /** Shown in the legend, e.g. "Precision". */
  name: string;
  /** One value per category, in the order of `categories`. */
  values: readonly number[];
}

export interface GroupedBarChartInput extends ValueAxisOptions {
  categories: readonly string[];
  series: readonly BarSeries[];
  title: string;
}

/** Bars beyond this make an image taller than any card shows comfortably. */
export const MAX_BARS = 200;

const PAD = 16;
const TITLE_GAP = 12;
const LEGEND_GAP = 10;
const LEGEND_SWATCH = 12;
const LEGEND_SWATCH_GAP = 6;
const LEGEND_ENTRY_GAP = 20;
const LEGEND_LINE_GAP = 4;
const LEGEND_LINE_HEIGHT = FONTS.label.height + LEGEND_LINE_GAP;
const LABEL_GAP = 10;
const VALUE_GAP = 5;
const PLOT_WIDTH = 320;
const PLOT_INSET = 6;
const TICK_LENGTH = 4;
const MAX_LABEL_WIDTH = 26 * FONTS.label.width;
const MAX_LEGEND_LABEL_WIDTH = 28 * FONTS.label.width;
const MAX_IMAGE_WIDTH = 640;

interface Group {
  label: string;
  values: readonly number[];
}

interface BarsSpec {
  title: string;
  groups: readonly Group[];
  /** Series names; a single-series chart has no legend. */
  legend: readonly string[] | undefined;
  options: ValueAxisOptions;
  location: string;
}

export function barChartPng(input: BarChartInput): Buffer {
  const location = 'bar chart';
  const items = requireNonEmpty(input.items, 'items', location);
  requireAtMost(items.length, MAX_BARS, 'bars', location, 'pass the top entries only, e.g. the 30 most important features');
  const groups = items.map((item, index) => ({
    label: requireLabel(item?.label, `${location} items[${index}].label`),
    values: [requireNonNegative(item?.value, 'value', `${location} items[${index}] ("${item?.label}")`)],
  }));
  if (input.sort === 'descending') groups.sort((a, b) => (b.values[0] ?? 0) - (a.values[0] ?? 0));
  return renderBars({ title: input.title, groups, legend: undefined, options: input, location });
}

export function groupedBarChartPng(input: GroupedBarChartInput): Buffer {
  const location = 'grouped bar chart';
  const categories = requireNonEmpty(input.categories, 'categories', location).map((label, index) =>
    requireLabel(label, `${location} categories[${index}]`),
  );
  requireUniqueLabels(categories, `${location} categories`);
  const series = requireNonEmpty(input.series, 'series', location);
  requireAtMost(categories.length * series.length, MAX_BARS, 'bars', location, 'chart fewer categories or series');
  series.forEach((entry, s) => {
    requireLabel(entry?.name, `${location} series[${s}].name`);
    if (!Array.isArray(entry.values) || entry.values.length !== categories.length) {
      throw new InputError(
        `series "${entry.name}" has ${Array.isArray(entry.values) ? entry.values.length : 'no'} values but there are ${categories.length} categories`,
        { location: `${location} series[${s}]`, hint: 'give every series one value per category, in the same order' },
      );
    }
  });
  const groups = categories.map((label, c) => ({
    label,
    values: series.map((entry, s) =>
      requireNonNegative(entry.values[c], 'value', `${location} series[${s}] ("${entry.name}") for "${label}"`),
    ),
  }));
  return renderBars({ title: input.title, groups, legend: series.map((entry) => entry.name), options: input, location });
}

function renderBars(spec: BarsSpec): Buffer {
  const { groups, legend, options, location } = spec;
  const seriesCount = groups[0]?.values.length ?? 1;
  const allValues = groups.flatMap((group) => group.values);
  const scale = zeroBasedScale(Math.max(...allValues), fixedMax(options.domain, location));
  const outside = allValues.find((value) => value > scale.max);
  if (outside !== undefined) {
    throw new InputError(`value ${outside} lies outside the axis 0..${scale.max}`, {
      location,
      hint: 'widen the domain or leave it out to fit the data',
    });
  }
  const format = options.valueFormat ?? defaultValueFormat(allValues);

  const barThickness = seriesCount === 1 ? 18 : 14;
  const seriesGap = seriesCount === 1 ? 0 : 1;
  const groupGap = seriesCount === 1 ? 8 : 12;
  const groupHeight = seriesCount * barThickness + (seriesCount - 1) * seriesGap;

  const labelRuns = groups.map((group) => textRun(group.label, FONTS.label, { maxWidth: MAX_LABEL_WIDTH, truncate: 'middle' }));
  const valueRuns = groups.map((group) => group.values.map((value) => textRun(format(value), FONTS.label)));
  const tickRuns = scale.ticks.map((tick) => textRun(scale.formatTick(tick), FONTS.label));
  const labelColumn = Math.max(...labelRuns.map((run) => run.width));
  const valueColumn = Math.max(...valueRuns.flat().map((run) => run.width), Math.ceil((tickRuns.at(-1)?.width ?? 0) / 2));
  const legendRuns = legend?.map((name) => textRun(name, FONTS.label, { maxWidth: MAX_LEGEND_LABEL_WIDTH })) ?? [];
  const legendWidth = legendRuns.reduce((sum, run) => sum + legendEntryWidth(run), 0) + LEGEND_ENTRY_GAP * Math.max(0, legendRuns.length - 1);

  const plotLeft = PAD + labelColumn + LABEL_GAP;
  const chartWidth = plotLeft + PLOT_WIDTH + VALUE_GAP + valueColumn + PAD;
  const titleNeeds = PAD + textRun(spec.title, FONTS.title).width + PAD;
  const width = Math.min(Math.max(chartWidth, titleNeeds, plotLeft + legendWidth + PAD), Math.max(chartWidth, MAX_IMAGE_WIDTH));
  const title = textRun(spec.title, FONTS.title, { maxWidth: width - 2 * PAD });
  const axisLabel = options.axisLabel ? textRun(options.axisLabel, FONTS.label, { maxWidth: PLOT_WIDTH }) : undefined;

  const legendEntries = layoutLegend(legendRuns, plotLeft, width - PAD);
  const legendLines = Math.max(0, ...legendEntries.map((entry) => entry.line + 1));

  let y = PAD;
  const titleTop = y;
  if (title.width > 0) y += title.height + TITLE_GAP;
  const legendTop = y;
  if (legendLines > 0) y += legendLines * LEGEND_LINE_HEIGHT - LEGEND_LINE_GAP + LEGEND_GAP;
  const plotTop = y;
  const plotBottom = plotTop + 2 * PLOT_INSET + groups.length * groupHeight + (groups.length - 1) * groupGap;
  y = plotBottom + TICK_LENGTH + 3 + FONTS.label.height;
  const axisLabelMiddle = y + 6 + FONTS.label.height / 2;
  if (axisLabel) y += 6 + FONTS.label.height;
  const height = y + PAD;

  const raster = new Raster(width, height, WHITE);
  if (title.width > 0) raster.drawText(title, PAD, titleTop, INK);
  legendEntries.forEach(({ run, x, line }, s) => {
    const middle = legendTop + line * LEGEND_LINE_HEIGHT + FONTS.label.height / 2;
    raster.fillRect(x, Math.round(middle - LEGEND_SWATCH / 2), LEGEND_SWATCH, LEGEND_SWATCH, seriesColour(s));
    drawAligned(raster, run, x + LEGEND_SWATCH + LEGEND_SWATCH_GAP, middle, INK, 'left');
  });

  // A bar of value v is barLength(v) pixels long from plotLeft; its last column is v's grid line.
  const barLength = (value: number): number => Math.round((value / scale.max) * PLOT_WIDTH);
  scale.ticks.forEach((tick, index) => {
    const x = plotLeft + barLength(tick) - 1;
    raster.fillRect(x, plotTop, 1, plotBottom - plotTop, index === 0 ? AXIS : GRID);
    raster.fillRect(x, plotBottom, 1, TICK_LENGTH, AXIS);
    const run = tickRuns[index];
    if (run) drawAligned(raster, run, x, plotBottom + TICK_LENGTH + 3 + run.height / 2, MUTED_INK, 'center');
  });
  raster.fillRect(plotLeft - 1, plotBottom, PLOT_WIDTH + 1, 1, AXIS);
  if (axisLabel) drawAligned(raster, axisLabel, plotLeft + PLOT_WIDTH / 2, axisLabelMiddle, MUTED_INK, 'center');

  groups.forEach((group, g) => {
    const groupTop = plotTop + PLOT_INSET + g * (groupHeight + groupGap);
    const labelRun = labelRuns[g];
    if (labelRun) drawAligned(raster, labelRun, plotLeft - LABEL_GAP, groupTop + groupHeight / 2, INK, 'right');
    group.values.forEach((value, s) => {
      const top = groupTop + s * (barThickness + seriesGap);
      const length = barLength(value);
      raster.fillRect(plotLeft, top, length, barThickness, seriesColour(s));
      const valueRun = valueRuns[g]?.[s];
      if (valueRun) drawAligned(raster, valueRun, plotLeft + length + VALUE_GAP, top + barThickness / 2, INK, 'left');
    });
  });
  return encodePng(raster);
}

interface LegendEntry {
  run: TextRun;
  x: number;
  line: number;
}

/** Entries left to right from `left`, starting a new line where the next would pass `right`. */
function layoutLegend(runs: readonly TextRun[], left: number, right: number): LegendEntry[] {
  let x = left;
  let line = 0;
  return runs.map((run) => {
    if (x > left && x + legendEntryWidth(run) > right) {
      x = left;
      line += 1;
    }
    const entry = { run, x, line };
    x += legendEntryWidth(run) + LEGEND_ENTRY_GAP;
    return entry;
  });
}

function legendEntryWidth(run: TextRun): number {
  return LEGEND_SWATCH + LEGEND_SWATCH_GAP + run.width;
}

function fixedMax(domain: ValueAxisOptions['domain'], location: string): number | undefined {
  if (domain === undefined) return undefined;
  const [min, max] = domain;
  if (min !== 0 || typeof max !== 'number' || !Number.isFinite(max) || max <= 0) {
    throw new InputError(`domain [${String(min)}, ${String(max)}] is not a range from 0 to a positive number`, {
      location,
      hint: 'bars start at 0: pass e.g. [0, 1] for scores',
    });
  }
  return max;
}
