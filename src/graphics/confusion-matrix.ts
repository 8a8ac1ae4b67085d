/**
 * The confusion-matrix heatmap: true classes down the side, predicted classes along the bottom,
 * each cell shaded by its count (darker is more) and labelled with it, and a colour bar for the
 * scale. Cell size follows the number of classes so small matrices stay big enough to read and
 * large ones stay within a card.
 */

import { AXIS, INK, MUTED_INK, WHITE, sequentialColour, textColourOn } from './colour.js';
import { textRun, type TextRun } from './font.js';
import { encodePng } from './png.js';
import { Raster } from './raster.js';
import { defaultValueFormat } from './scale.js';
import { FONTS, drawAligned } from './typography.js';
import { requireAtMost, requireLabel, requireNonEmpty, requireNonNegative, requireUniqueLabels } from './validate.js';
import { InputError } from '../errors.js';

export interface ConfusionMatrixInput {
  /** Class names, in the order of the matrix rows and columns. */
  labels: readonly string[];
  /** `matrix[t][p]` counts the examples of true class t predicted as class p. */
  matrix: readonly (readonly number[])[];
  title: string;
  /** Axis captions, already in the reader's language; English by default. */
  axisLabels?: { trueLabel: string; predictedLabel: string };
  /** How a cell's count is written; by default integers as they are and other numbers as "0.412". */
  valueFormat?: (value: number) => string;
}

/** Past this many classes the cells get too small to carry their counts. */
export const MAX_CLASSES = 50;

const PAD = 16;
const TITLE_GAP = 14;
const LABEL_GAP = 8;
const AXIS_TITLE_GAP = 10;
const MATRIX_SIDE = 360;
const MAX_CELL = 96;
const MIN_CELL = 24;
const CELL_GAP = 2;
const COLOUR_BAR_GAP = 16;
const COLOUR_BAR_WIDTH = 12;
const MAX_LABEL_WIDTH = 20 * FONTS.label.width;
const MAX_IMAGE_WIDTH = 640;

export function confusionMatrixPng(input: ConfusionMatrixInput): Buffer {
  const location = 'confusion matrix';
  const labels = requireNonEmpty(input.labels, 'labels', location).map((label, index) =>
    requireLabel(label, `${location} labels[${index}]`),
  );
  requireUniqueLabels(labels, `${location} labels`);
  requireAtMost(labels.length, MAX_CLASSES, 'classes', location, 'group rare classes together before charting');
  const counts = validateMatrix(input.matrix, labels, location);
  const n = labels.length;

  const format = input.valueFormat ?? defaultValueFormat(counts.flat());
  const countTexts = counts.map((row) => row.map(format));
  const widestCount = Math.max(...countTexts.flat().map((text) => textRun(text, FONTS.label).width));
  const cell = Math.max(widestCount + 10, Math.min(MAX_CELL, Math.max(Math.floor(MATRIX_SIDE / n), MIN_CELL)));
  // Large cells carry their counts in the larger bold font so a 2x2 or 3x3 matrix reads at a glance.
  const countFont = cell >= 56 && cell >= (widestCount / FONTS.label.width) * FONTS.title.width + 16 ? FONTS.title : FONTS.label;
  const countRuns = countTexts.map((row) => row.map((text) => textRun(text, countFont)));
  const matrixSide = n * cell;

  const rowRuns = labels.map((label) => textRun(label, FONTS.label, { maxWidth: MAX_LABEL_WIDTH, truncate: 'middle' }));
  const columnsFlat = labels.every((label) => textRun(label, FONTS.label).width <= cell - 6);
  const columnRuns = columnsFlat
    ? labels.map((label) => textRun(label, FONTS.label))
    : labels.map((label) => textRun(label, FONTS.label, { maxWidth: MAX_LABEL_WIDTH, truncate: 'middle' }));
  const columnBand = columnsFlat ? FONTS.label.height : Math.max(...columnRuns.map((run) => run.width));
  const axisLabels = input.axisLabels ?? { trueLabel: 'True label', predictedLabel: 'Predicted label' };
  const trueTitle = textRun(axisLabels.trueLabel, FONTS.bold, { maxWidth: matrixSide });
  const predictedTitle = textRun(axisLabels.predictedLabel, FONTS.bold, { maxWidth: matrixSide });

  const maxCount = Math.max(...counts.flat());
  const scaleRuns = [textRun(format(maxCount), FONTS.label), textRun(format(0), FONTS.label)] as const;

  const matrixLeft = PAD + FONTS.bold.height + AXIS_TITLE_GAP + Math.max(...rowRuns.map((run) => run.width)) + LABEL_GAP;
  const colourBarLeft = matrixLeft + matrixSide + COLOUR_BAR_GAP;
  const chartWidth = colourBarLeft + COLOUR_BAR_WIDTH + 6 + Math.max(...scaleRuns.map((run) => run.width)) + PAD;
  const titleNeeds = PAD + textRun(input.title, FONTS.title).width + PAD;
  const width = Math.min(Math.max(chartWidth, titleNeeds), Math.max(chartWidth, MAX_IMAGE_WIDTH));
  const title = textRun(input.title, FONTS.title, { maxWidth: width - 2 * PAD });

  const matrixTop = PAD + (title.width > 0 ? title.height + TITLE_GAP : 0);
  const matrixBottom = matrixTop + matrixSide;
  const columnBandTop = matrixBottom + LABEL_GAP;
  const predictedMiddle = columnBandTop + columnBand + AXIS_TITLE_GAP + FONTS.bold.height / 2;
  const height = predictedMiddle + FONTS.bold.height / 2 + PAD;

  const raster = new Raster(width, Math.ceil(height), WHITE);
  if (title.width > 0) raster.drawText(title, PAD, PAD, INK);

  counts.forEach((row, t) => {
    const top = matrixTop + t * cell;
    const rowRun = rowRuns[t];
    if (rowRun) drawAligned(raster, rowRun, matrixLeft - LABEL_GAP, top + cell / 2, INK, 'right');
    row.forEach((count, p) => {
      const left = matrixLeft + p * cell;
      const fill = sequentialColour(maxCount > 0 ? count / maxCount : 0);
      raster.fillRect(left + CELL_GAP / 2, top + CELL_GAP / 2, cell - CELL_GAP, cell - CELL_GAP, fill);
      const countRun = countRuns[t]?.[p];
      if (countRun) drawAligned(raster, countRun, left + cell / 2, top + cell / 2, textColourOn(fill), 'center');
    });
  });

  columnRuns.forEach((run, p) => {
    const middle = matrixLeft + p * cell + cell / 2;
    if (columnsFlat) drawAligned(raster, run, middle, columnBandTop + run.height / 2, INK, 'center');
    else raster.drawText(run, Math.round(middle - run.height / 2), columnBandTop, INK, 'up');
  });
  drawAligned(raster, predictedTitle, matrixLeft + matrixSide / 2, predictedMiddle, INK, 'center');
  drawAligned(raster, trueTitle, PAD, matrixTop + matrixSide / 2, INK, 'left', 'up');

  drawColourBar(raster, colourBarLeft, matrixTop, matrixSide, scaleRuns);
  return encodePng(raster);
}

function validateMatrix(matrix: unknown, labels: readonly string[], location: string): number[][] {
  const n = labels.length;
  if (!Array.isArray(matrix) || matrix.length !== n) {
    throw new InputError(
      `matrix has ${Array.isArray(matrix) ? matrix.length : 'no'} rows but there are ${n} labels`,
      { location, hint: 'pass one row per true class and one column per predicted class, in label order' },
    );
  }
  return matrix.map((row: unknown, t) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new InputError(`row ${t} ("${labels[t]}") has ${Array.isArray(row) ? row.length : 'no'} counts but there are ${n} labels`, {
        location,
        hint: 'the matrix must be square, one column per predicted class',
      });
    }
    return row.map((count: unknown, p) =>
      requireNonNegative(count, 'count', `${location}[${t}][${p}] (true "${labels[t]}", predicted "${labels[p]}")`),
    );
  });
}

/** A vertical ramp from the lightest colour (0, bottom) to the darkest (the largest count, top). */
function drawColourBar(raster: Raster, left: number, top: number, height: number, [maxRun, zeroRun]: readonly [TextRun, TextRun]): void {
  for (let row = 0; row < height; row += 1) {
    raster.fillRect(left, top + row, COLOUR_BAR_WIDTH, 1, sequentialColour(1 - row / Math.max(1, height - 1)));
  }
  raster.strokeRect(left, top, COLOUR_BAR_WIDTH, height, AXIS);
  drawAligned(raster, maxRun, left + COLOUR_BAR_WIDTH + 6, top + maxRun.height / 2, MUTED_INK, 'left');
  drawAligned(raster, zeroRun, left + COLOUR_BAR_WIDTH + 6, top + height - zeroRun.height / 2, MUTED_INK, 'left');
}
