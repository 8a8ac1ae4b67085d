import { describe, expect, it } from 'vitest';

import { InputError } from '../../src/errors.js';
import { INK, WHITE, sequentialColour } from '../../src/graphics/colour.js';
import { barChartPng, confusionMatrixPng, type ConfusionMatrixInput } from '../../src/graphics/index.js';
import { decodePng, type DecodedPng } from './png-decoder.js';
import { boundingBox, columnRuns, countPixels, is, isNot, luma, rowRuns, type Box } from './probe.js';

const penguins: ConfusionMatrixInput = {
  labels: ['Adelie', 'Chinstrap', 'Gentoo'],
  matrix: [
    [44, 1, 0],
    [2, 18, 0],
    [0, 0, 38],
  ],
  title: 'Confusion matrix (test set)',
};

interface Cells {
  /** cells[t][p]: the box of the cell for true class t, predicted class p. */
  cells: Box[][];
  matrix: Box;
}

/**
 * Finds the heatmap cells from the pixels alone: the darkest colour of the ramp marks the cell
 * with the largest count, and the cells are the non-white runs of that size in line with it.
 */
function findCells(png: DecodedPng, n: number): Cells {
  const darkest = boundingBox(png, is(sequentialColour(1)));
  if (!darkest) throw new Error('no cell in the darkest colour');
  const cellWidth = darkest.right - darkest.left;
  const cellHeight = darkest.bottom - darkest.top;
  const columns = rowRuns(png, darkest.top + 1, isNot(WHITE)).filter((run) => run.length === cellWidth);
  const rows = columnRuns(png, darkest.left + 1, isNot(WHITE)).filter((run) => run.length === cellHeight);
  expect(columns).toHaveLength(n);
  expect(rows).toHaveLength(n);
  const cells = rows.map((row) => columns.map((column) => ({ left: column.start, right: column.end, top: row.start, bottom: row.end })));
  const matrix = { left: columns[0]!.start, right: columns.at(-1)!.end, top: rows[0]!.start, bottom: rows.at(-1)!.end };
  return { cells, matrix };
}

const corner = (png: DecodedPng, cell: Box) => png.rgb(cell.left + 1, cell.top + 1);
const inside = (cell: Box): Box => ({ left: cell.left + 1, right: cell.right - 1, top: cell.top + 1, bottom: cell.bottom - 1 });

describe('confusionMatrixPng', () => {
  it('writes a valid PNG sized for the card', () => {
    const png = decodePng(confusionMatrixPng(penguins));
    expect(png.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(png.colourType).toBe(2);
    expect(png.width).toBeGreaterThanOrEqual(400);
    expect(png.width).toBeLessThanOrEqual(640);
    expect(png.height).toBeGreaterThan(png.width * 0.6);
  });

  it('shades cells darker the larger their count, the largest darkest and zeros lightest', () => {
    const png = decodePng(confusionMatrixPng(penguins));
    const { cells } = findCells(png, 3);
    const shaded = penguins.matrix.flatMap((row, t) => row.map((count, p) => ({ count, colour: corner(png, cells[t]![p]!) })));
    for (const a of shaded) {
      for (const b of shaded) {
        if (a.count > b.count) expect(luma(a.colour), `${a.count} darker than ${b.count}`).toBeLessThan(luma(b.colour));
        if (a.count === b.count) expect(a.colour).toEqual(b.colour);
      }
    }
    expect(corner(png, cells[0]![0]!)).toEqual([...sequentialColour(1)]);
    expect(corner(png, cells[0]![2]!)).toEqual([...sequentialColour(0)]);
  });

  it('writes each count in a colour that contrasts with its cell', () => {
    const png = decodePng(confusionMatrixPng(penguins));
    const { cells } = findCells(png, 3);
    // 44 on the darkest blue is white; 0 on the palest blue is dark ink.
    expect(countPixels(png, inside(cells[0]![0]!), is(WHITE))).toBeGreaterThan(20);
    expect(countPixels(png, inside(cells[0]![0]!), is(INK))).toBe(0);
    expect(countPixels(png, inside(cells[0]![2]!), is(INK))).toBeGreaterThan(20);
    expect(countPixels(png, inside(cells[0]![2]!), is(WHITE))).toBe(0);
    // "44" has more ink than "1".
    expect(countPixels(png, inside(cells[0]![0]!), is(WHITE))).toBeGreaterThan(countPixels(png, inside(cells[0]![1]!), is(INK)));
  });

  it('labels both axes, every class on both sides, and the title', () => {
    const png = decodePng(confusionMatrixPng(penguins));
    const { cells, matrix } = findCells(png, 3);
    const ink = isNot(WHITE);
    expect(countPixels(png, { left: 0, right: png.width, top: 0, bottom: matrix.top }, ink), 'title').toBeGreaterThan(50);
    cells.forEach((row, t) => {
      const band = { left: 0, right: matrix.left, top: row[0]!.top, bottom: row[0]!.bottom };
      expect(countPixels(png, { ...band, left: 40 }, ink), `row label ${t}`).toBeGreaterThan(30);
    });
    cells[0]!.forEach((cell, p) => {
      const band = { left: cell.left, right: cell.right, top: matrix.bottom, bottom: matrix.bottom + 24 };
      expect(countPixels(png, band, ink), `column label ${p}`).toBeGreaterThan(30);
    });
    // "True label" reads upwards along the left edge; "Predicted label" sits under the column labels.
    const trueTitle = boundingBox(png, ink, { left: 0, right: 36, top: matrix.top, bottom: matrix.bottom });
    expect(trueTitle && trueTitle.bottom - trueTitle.top).toBeGreaterThan(trueTitle ? trueTitle.right - trueTitle.left : Infinity);
    expect(countPixels(png, { left: matrix.left, right: matrix.right, top: matrix.bottom + 24, bottom: png.height }, ink)).toBeGreaterThan(50);
  });

  it('draws Spanish axis titles and class names with their accents', () => {
    const render = (labels: string[], trueLabel: string) =>
      decodePng(confusionMatrixPng({ ...penguins, labels, axisLabels: { trueLabel, predictedLabel: 'Etiqueta predicha' } }));
    const accented = render(['Año', 'Niño', 'Pingüino'], 'Clase verdadera ¿sí?');
    const plain = render(['Ano', 'Nino', 'Pinguino'], 'Clase verdadera ?si?');
    const cellsAccented = findCells(accented, 3);
    const cellsPlain = findCells(plain, 3);
    expect([accented.width, accented.height]).toEqual([plain.width, plain.height]);
    cellsAccented.cells.forEach((row, t) => {
      const band = (png: DecodedPng, matrix: Box): Box => ({ left: 0, right: matrix.left, top: row[0]!.top, bottom: row[0]!.bottom });
      const inkAccented = countPixels(accented, band(accented, cellsAccented.matrix), isNot(WHITE));
      const inkPlain = countPixels(plain, band(plain, cellsPlain.matrix), isNot(WHITE));
      expect(inkAccented, `row ${t}: the accent adds ink`).toBeGreaterThan(inkPlain);
    });
  });

  it('turns long class names upright under the matrix and keeps them within bounds', () => {
    const long = {
      ...penguins,
      labels: ['negative sentiment', 'neutral sentiment', 'positive sentiment (a name far too long to print whole)'],
    };
    const png = decodePng(confusionMatrixPng(long));
    const { cells, matrix } = findCells(png, 3);
    cells[0]!.forEach((cell) => {
      const label = boundingBox(png, isNot(WHITE), { left: cell.left, right: cell.right, top: matrix.bottom + 1, bottom: png.height - 40 });
      expect(label).toBeDefined();
      expect(label!.bottom - label!.top, 'upright: taller than wide').toBeGreaterThan(3 * (label!.right - label!.left));
    });
    expect(png.width).toBeLessThanOrEqual(640);
    expect(png.height).toBeLessThan(700);
  });

  it('shrinks cells as classes are added and keeps large matrices on a card', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `class ${i}`);
    const matrix = ten.map((_, t) => ten.map((__, p) => (t === p ? 90 + t : (t + p) % 4)));
    const png = decodePng(confusionMatrixPng({ labels: ten, matrix, title: 'Ten classes' }));
    const { cells } = findCells(png, 10);
    const small = findCells(decodePng(confusionMatrixPng(penguins)), 3).cells;
    expect(cells[0]![0]!.right - cells[0]![0]!.left).toBeLessThan(small[0]![0]!.right - small[0]![0]!.left);
    expect(png.width).toBeLessThanOrEqual(640);
  });

  it('renders an all-zero matrix in the lightest colour', () => {
    const png = decodePng(confusionMatrixPng({ labels: ['a', 'b'], matrix: [[0, 0], [0, 0]], title: '' }));
    const lightest = boundingBox(png, is(sequentialColour(0)));
    expect(lightest).toBeDefined();
    expect(boundingBox(png, is(sequentialColour(1)), { left: 0, right: lightest!.right, top: 0, bottom: png.height })).toBeUndefined();
  });

  it('gives byte-identical output for identical input', () => {
    const first = confusionMatrixPng(penguins);
    barChartPng({ items: [{ label: 'x', value: 1 }], title: 'in between' });
    expect(confusionMatrixPng(structuredClone(penguins)).equals(first)).toBe(true);
  });

  describe('rejects bad input with an InputError that says where', () => {
    const cases: [string, ConfusionMatrixInput, RegExp][] = [
      ['no labels', { labels: [], matrix: [], title: 't' }, /labels is empty/],
      ['too few rows', { ...penguins, matrix: penguins.matrix.slice(0, 2) }, /matrix has 2 rows but there are 3 labels/],
      ['a short row', { ...penguins, matrix: [[1, 2, 3], [4, 5], [6, 7, 8]] }, /row 1 \("Chinstrap"\) has 2 counts but there are 3 labels/],
      ['a NaN count', { ...penguins, matrix: [[1, 2, 3], [4, Number.NaN, 6], [7, 8, 9]] }, /\[1\]\[1\] \(true "Chinstrap", predicted "Chinstrap"\): count is NaN/],
      ['a negative count', { ...penguins, matrix: [[1, 2, -3], [4, 5, 6], [7, 8, 9]] }, /\[0\]\[2\].*count is -3, expected a number ≥ 0/],
      ['an infinite count', { ...penguins, matrix: [[1, 2, 3], [4, 5, 6], [Infinity, 8, 9]] }, /count is Infinity/],
      ['a count that is not a number', { ...penguins, matrix: [[1, 2, 3], [4, '5' as unknown as number, 6], [7, 8, 9]] }, /count is the string "5"/],
      ['duplicate labels', { ...penguins, labels: ['Adelie', 'Adelie', 'Gentoo'] }, /label "Adelie" appears more than once/],
      ['too many classes', { labels: Array.from({ length: 51 }, (_, i) => `c${i}`), matrix: [], title: '' }, /51 classes are too many/],
    ];
    it.each(cases)('%s', (_name, input, message) => {
      let caught: unknown;
      try {
        confusionMatrixPng(input);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as InputError).exitCode).toBe(2);
      expect((caught as InputError).message).toMatch(/^confusion matrix/);
      expect((caught as InputError).message).toMatch(message);
    });
  });
});
