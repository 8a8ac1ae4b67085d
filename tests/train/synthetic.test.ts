import { describe, expect, it } from 'vitest';
import { countClasses, loadPenguins, parsePenguinsCsv } from '../../src/train/data.js';
import { syntheticPenguinsCsv } from '../../src/train/synthetic.js';
import { buildTrainingMatrix, MAX_BINS } from '../../src/train/matrix.js';

const basis = await loadPenguins();

describe('syntheticPenguinsCsv', () => {
  it('writes a valid penguins CSV of the size asked for, the same for the same seed', () => {
    const text = syntheticPenguinsCsv(basis, 2000, 7);
    expect(syntheticPenguinsCsv(basis, 2000, 7)).toBe(text);
    expect(syntheticPenguinsCsv(basis, 2000, 8)).not.toBe(text);
    const data = parsePenguinsCsv(text, 'synthetic.csv');
    expect(data.rowsTotal).toBe(2000);
    expect(data.rowsDropped).toBe(0);
    expect(data.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('keeps the real data\'s species mix, islands and measurement scale', () => {
    const data = parsePenguinsCsv(syntheticPenguinsCsv(basis, 5000, 1), 'synthetic.csv');
    const counts = countClasses(data.y, data.classes);
    expect(counts.Adelie! / 5000).toBeCloseTo(146 / 333, 1);
    expect(counts.Chinstrap! / 5000).toBeCloseTo(68 / 333, 1);
    // Gentoo live only on Biscoe, Chinstrap only on Dream.
    data.X.forEach((row, i) => {
      if (data.y[i] === 'Gentoo') expect(row.slice(5, 7)).toEqual([0, 0]);
      if (data.y[i] === 'Chinstrap') expect(row.slice(5, 7)).toEqual([1, 0]);
    });
    const meanMass = (name: string) => {
      const rows = data.X.filter((_, i) => data.y[i] === name);
      return rows.reduce((sum, row) => sum + row[3]!, 0) / rows.length;
    };
    expect(meanMass('Gentoo')).toBeGreaterThan(meanMass('Adelie') + 800);
  });

  it('has more distinct values than a bin holds, so big data exercises quantile binning', () => {
    const data = parsePenguinsCsv(syntheticPenguinsCsv(basis, 5000, 1), 'synthetic.csv');
    const matrix = buildTrainingMatrix(data.X, data.y.map(() => 0), 1);
    expect(matrix.exact).toContain(false);
    expect(Math.max(...matrix.binValues.map((values) => values.length))).toBe(MAX_BINS);
    expect(Math.max(...matrix.codes)).toBe(MAX_BINS - 1);
  });
});
