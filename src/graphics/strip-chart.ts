/**
 * The spread of repeated scores (cross-validation): every fit's score as a dot, dots of equal
 * scores stacked instead of hidden behind each other, the mean as a line across the row and
 * ± 1 standard deviation as a band. Mean ± std is written beside each row.
 */

import type { Chart } from './chart.js';
import { BAND, INK, MUTED_INK, hex, seriesColour } from './colour.js';
import { textWidth } from './font.js';
import { CHART_WIDTH, LINE_HEIGHT, PAD, TYPE, rowLabel, titleBlock, valueAxis, wrapLabels } from './layout.js';
import { chartLocale, type ChartLang } from './locale.js';
import { linearScale } from './scale.js';
import { baselineFor, line, px, rect, svgDocument, text } from './svg.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireNonNegative } from './validate.js';

export interface StripRow {
  label: string;
  values: readonly number[];
}

export interface StripChartInput {
  title: string;
  lang: ChartLang;
  rows: readonly StripRow[];
  /** Heading of the label column in the data table, e.g. "Metric". */
  labelHeading: string;
  axisLabel?: string;
  ceiling?: number;
  decimals?: number;
}

const RADIUS = 4.5;
const GAP = 10;
const ROW_PAD = 8;

export function stripChart(input: StripChartInput): Chart {
  const location = 'strip chart';
  const locale = chartLocale(input.lang);
  const decimals = input.decimals ?? 3;
  const rows = requireNonEmpty(input.rows, 'rows', location).map((row, r) => ({
    label: requireLabel(row?.label, `${location} rows[${r}].label`),
    values: requireNonEmpty(row?.values, 'values', `${location} rows[${r}] ("${row?.label}")`).map((value, i) =>
      requireNonNegative(value, 'value', `${location} rows[${r}] ("${row?.label}") values[${i}]`),
    ),
  }));
  requireAtMost(rows.length, 50, 'rows', location, 'chart fewer metrics');
  const stats = rows.map((row) => {
    const mean = row.values.reduce((a, b) => a + b, 0) / row.values.length;
    const std = Math.sqrt(row.values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / row.values.length);
    return { mean, std, min: Math.min(...row.values), max: Math.max(...row.values) };
  });
  const meanStd = (r: number) => `${locale.number(stats[r]!.mean, decimals)} ± ${locale.number(stats[r]!.std, decimals)}`;

  const width = CHART_WIDTH;
  const title = titleBlock(input.title, width);
  const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const legend = legendBlock(locale.words.foldScores, capital(locale.words.mean), `± 1 ${locale.words.std}`, title.height, width);
  const labels = wrapLabels(rows.map((row) => row.label));
  const rightTexts = rows.map((_, r) => meanStd(r));
  const rightColumn = Math.max(...rightTexts.map((entry) => textWidth(entry, TYPE.label)));
  const plotLeft = PAD + labels.width + GAP;
  const plotWidth = width - plotLeft - GAP - rightColumn - PAD;
  const low = Math.min(...stats.map((s) => Math.min(s.min, s.mean - s.std)));
  const high = Math.max(...stats.map((s) => Math.max(s.max, s.mean + s.std)));
  const scale = linearScale(Math.max(0, low), high, input.ceiling !== undefined ? { ceiling: input.ceiling } : {});
  const at = (value: number) => scale.at(Math.min(scale.max, Math.max(scale.min, value)), plotLeft, plotWidth);

  const swarms = rows.map((row) => swarm(row.values.map(at)));
  const lineHeight = TYPE.label * LINE_HEIGHT;
  const rowHeights = swarms.map((dots, r) => {
    const levels = Math.max(0, ...dots.map((dot) => Math.abs(dot.level)));
    return Math.max((2 * levels + 1) * RADIUS * 2 + ROW_PAD * 2, (labels.lines[r]?.length ?? 1) * lineHeight + ROW_PAD);
  });
  const plotTop = title.height + legend.height;
  const plotBottom = plotTop + rowHeights.reduce((a, b) => a + b, 0);
  const axis = valueAxis(scale, locale, { left: plotLeft, width: plotWidth, top: plotTop, bottom: plotBottom }, input.axisLabel, width);

  let marks = '';
  let y = plotTop;
  rows.forEach((row, r) => {
    const height = rowHeights[r] ?? 0;
    const middle = y + height / 2;
    const s = stats[r]!;
    marks += rowLabel(labels.lines[r] ?? [], plotLeft - GAP, middle);
    marks += rect(at(s.mean - s.std), y + 3, at(s.mean + s.std) - at(s.mean - s.std), height - 6, hex(BAND));
    for (const dot of swarms[r] ?? []) marks += dotMark(dot.x, middle + dot.level * RADIUS * 2);
    marks += line(at(s.mean), y + 3, at(s.mean), y + height - 3, hex(INK), 2);
    marks += text(width - PAD, baselineFor(middle, TYPE.label), rightTexts[r] ?? '', { size: TYPE.label, anchor: 'end' });
    y += height;
  });
  const height = plotBottom + axis.height + PAD;

  const list = (values: readonly number[]) => values.map((value) => locale.number(value, decimals)).join(locale.lang === 'es' ? '; ' : ', ');
  return {
    title: input.title,
    svg: svgDocument(width, height, input.title, title.svg + legend.svg + axis.grid + marks + axis.axis),
    width,
    height: Math.ceil(height),
    lang: input.lang,
    description: `${locale.words.stripChart}: ${input.title}. ${rows
      .map((row, r) => `${row.label}: ${locale.words.mean} ${meanStd(r)} (${list(row.values)})`)
      .join('; ')}.`,
    table: {
      columns: [input.labelHeading, locale.words.meanStd, locale.words.min, locale.words.max, locale.words.foldScores],
      rows: rows.map((row, r) => [row.label, meanStd(r), locale.number(stats[r]!.min, decimals), locale.number(stats[r]!.max, decimals), list(row.values)]),
    },
  };
}

function dotMark(x: number, y: number): string {
  const colour = hex(seriesColour(0));
  return `<circle cx="${px(x)}" cy="${px(y)}" r="${RADIUS}" fill="${colour}" fill-opacity="0.55" stroke="${colour}" stroke-width="1.2"/>`;
}

/** Places dots on levels 0, -1, 1, -2, 2... so no two overlap: equal scores stack instead of hiding. */
function swarm(xs: readonly number[]): Array<{ x: number; level: number }> {
  const placed: Array<{ x: number; level: number }> = [];
  for (const x of [...xs].sort((a, b) => a - b)) {
    for (let k = 0; ; k += 1) {
      const level = k % 2 === 0 ? k / 2 : -(k + 1) / 2;
      if (!placed.some((dot) => dot.level === level && Math.abs(dot.x - x) < RADIUS * 2)) {
        placed.push({ x, level });
        break;
      }
    }
  }
  return placed;
}

function legendBlock(dots: string, mean: string, band: string, top: number, width: number): { svg: string; height: number } {
  const size = TYPE.tick;
  const middle = top + size / 2 + 2;
  const entries: Array<{ draw: (x: number) => string; label: string }> = [
    { draw: (x) => dotMark(x + RADIUS, middle), label: dots },
    { draw: (x) => line(x + 4, middle - 7, x + 4, middle + 7, hex(INK), 2), label: mean },
    { draw: (x) => rect(x, middle - 7, 16, 14, hex(BAND)), label: band },
  ];
  let x = PAD;
  let row = 0;
  let svg = '';
  for (const entry of entries) {
    const entryWidth = 16 + 6 + textWidth(entry.label, size);
    if (x > PAD && x + entryWidth > width - PAD) {
      x = PAD;
      row += 1;
    }
    const shift = row * size * LINE_HEIGHT * 1.3;
    svg += `<g transform="translate(0 ${px(shift)})">${entry.draw(x)}${text(x + 22, baselineFor(middle, size), entry.label, { size, fill: hex(MUTED_INK) })}</g>`;
    x += entryWidth + 18;
  }
  return { svg, height: (row + 1) * size * LINE_HEIGHT * 1.3 + 8 };
}
