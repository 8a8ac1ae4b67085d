/**
 * The confusion-matrix heatmap: true classes down the side, predicted classes along the bottom,
 * each cell shaded by its count (darker is more) and labelled with it. Cell size follows the
 * number of classes, so small matrices stay big enough to read and large ones stay on a card.
 * Axis captions wrap instead of being cut.
 */

import type { Chart } from './chart.js';
import { MUTED_INK, hex, sequentialColour, textColourOn } from './colour.js';
import { textWidth, wrapText } from './font.js';
import { LINE_HEIGHT, PAD, TYPE, rowLabel, titleBlock, wrapLabels } from './layout.js';
import { chartLocale, type ChartLang } from './locale.js';
import { baselineFor, lines, rect, svgDocument, text } from './svg.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireNonNegative, requireUniqueLabels } from './validate.js';
import { InputError } from '../errors.js';

export interface ConfusionMatrixInput {
  /** Class names, in the order of the matrix rows and columns. */
  labels: readonly string[];
  /** `matrix[t][p]` counts the examples of true class t predicted as class p. */
  matrix: readonly (readonly number[])[];
  title: string;
  lang: ChartLang;
  /** Axis captions, in the card's language. */
  axisLabels: { trueLabel: string; predictedLabel: string };
}

/** Past this many classes the cells get too small to carry their counts. */
const MAX_CLASSES = 50;

const GAP = 10;
const CELL_GAP = 2;
const MIN_WIDTH = 360;

export function confusionMatrix(input: ConfusionMatrixInput): Chart {
  const location = 'confusion matrix';
  const locale = chartLocale(input.lang);
  const labels = requireNonEmpty(input.labels, 'labels', location).map((label, index) => requireLabel(label, `${location} labels[${index}]`));
  requireUniqueLabels(labels, `${location} labels`);
  requireAtMost(labels.length, MAX_CLASSES, 'classes', location, 'group rare classes together before charting');
  const counts = validateMatrix(input.matrix, labels, location);
  const n = labels.length;
  const largest = Math.max(...counts.flat());
  const countText = (count: number) => (Number.isInteger(count) ? String(count) : locale.number(count, 3));
  const countSize = n <= 4 ? 18 : TYPE.label;
  const widestCount = Math.max(...counts.flat().map((count) => textWidth(countText(count), countSize, 'semibold')));
  const cell = Math.max(widestCount + 14, n <= 4 ? 64 : Math.max(30, Math.floor(360 / n)));
  const side = n * cell;

  const rowLabels = wrapLabels(labels);
  const columnsFlat = labels.every((label) => textWidth(label, TYPE.label) <= cell - 6);
  const columnHeight = columnsFlat ? TYPE.label * LINE_HEIGHT : Math.max(...labels.map((label) => textWidth(label, TYPE.label))) + 4;

  // The true-class caption reads upwards beside the row labels, in as many lines as the matrix height needs.
  const trueLines = wrapText(input.axisLabels.trueLabel, side, TYPE.label);
  const trueColumn = trueLines.length * TYPE.label * LINE_HEIGHT;
  const matrixLeft = PAD + trueColumn + GAP + rowLabels.width + GAP;
  const contentWidth = matrixLeft + side + PAD;
  const predictedFits = textWidth(input.axisLabels.predictedLabel, TYPE.label) <= side;
  const width = Math.max(contentWidth, MIN_WIDTH, predictedFits ? 0 : Math.min(textWidth(input.axisLabels.predictedLabel, TYPE.label) + 2 * PAD, 600));
  const title = titleBlock(input.title, width);
  const predictedLines = predictedFits ? [input.axisLabels.predictedLabel] : wrapText(input.axisLabels.predictedLabel, width - 2 * PAD, TYPE.label);

  const top = title.height;
  let marks = '';
  counts.forEach((row, t) => {
    const y = top + t * cell;
    marks += rowLabel(rowLabels.lines[t] ?? [], matrixLeft - GAP, y + cell / 2);
    row.forEach((count, p) => {
      const x = matrixLeft + p * cell;
      const shade = sequentialColour(largest > 0 ? count / largest : 0);
      marks += rect(x + CELL_GAP / 2, y + CELL_GAP / 2, cell - CELL_GAP, cell - CELL_GAP, hex(shade));
      marks += text(x + cell / 2, baselineFor(y + cell / 2, countSize), countText(count), { size: countSize, weight: 'semibold', anchor: 'middle', fill: hex(textColourOn(shade)) });
    });
  });
  const bottom = top + side;
  labels.forEach((label, p) => {
    const centre = matrixLeft + p * cell + cell / 2;
    marks += columnsFlat
      ? text(centre, bottom + 4 + TYPE.label, label, { size: TYPE.label, anchor: 'middle' })
      : text(centre + TYPE.label * 0.33, bottom + 6, label, { size: TYPE.label, anchor: 'end', rotate: -90 });
  });
  const captionTop = bottom + 6 + columnHeight + 6;
  const predictedCentre = predictedFits ? matrixLeft + side / 2 : width / 2;
  marks += lines(predictedCentre, captionTop + TYPE.label, predictedLines, { size: TYPE.label, anchor: 'middle', fill: hex(MUTED_INK) }, TYPE.label * LINE_HEIGHT);
  trueLines.forEach((entry, index) => {
    const x = PAD + (index + 0.8) * TYPE.label * LINE_HEIGHT;
    marks += text(x, top + side / 2, entry, { size: TYPE.label, anchor: 'middle', rotate: -90, fill: hex(MUTED_INK) });
  });
  const height = captionTop + predictedLines.length * TYPE.label * LINE_HEIGHT + PAD;

  const rowsDescription = labels.map((label, t) => `${label}: ${labels.map((predicted, p) => `${predicted} ${countText(counts[t]![p]!)}`).join(', ')}`).join('; ');
  return {
    title: input.title,
    svg: svgDocument(width, height, input.title, title.svg + marks),
    width: Math.ceil(width),
    height: Math.ceil(height),
    lang: input.lang,
    description: `${locale.words.heatmap}: ${input.title}. ${locale.words.rows}: ${input.axisLabels.trueLabel}; ${locale.words.columns}: ${input.axisLabels.predictedLabel}. ${rowsDescription}.`,
    table: {
      columns: [`${input.axisLabels.trueLabel} \\ ${input.axisLabels.predictedLabel}`, ...labels],
      rows: labels.map((label, t) => [label, ...counts[t]!.map(countText)]),
    },
  };
}

function validateMatrix(matrix: ConfusionMatrixInput['matrix'], labels: readonly string[], location: string): number[][] {
  if (!Array.isArray(matrix) || matrix.length !== labels.length) {
    throw new InputError(`matrix has ${Array.isArray(matrix) ? matrix.length : 'no'} rows but there are ${labels.length} labels`, {
      location,
      hint: 'pass one row per true class, in the order of the labels',
    });
  }
  return matrix.map((row, t) => {
    if (!Array.isArray(row) || row.length !== labels.length) {
      throw new InputError(`row ${t} ("${labels[t]}") has ${Array.isArray(row) ? row.length : 'no'} counts but there are ${labels.length} labels`, {
        location: `${location}[${t}]`,
        hint: 'pass one count per predicted class, in the order of the labels',
      });
    }
    return row.map((count: unknown, p) =>
      requireNonNegative(count, 'count', `${location}[${t}][${p}] (true "${labels[t]}", predicted "${labels[p]}")`),
    );
  });
}
