import { describe, expect, it } from 'vitest';
import { classIntervals } from '../../src/train/class-intervals.js';

describe('classIntervals', () => {
  const confusion = {
    labels: ['Adelie', 'Chinstrap', 'Gentoo'],
    matrix: [
      [31, 0, 0],
      [1, 17, 0],
      [0, 0, 18],
    ],
  };

  it('brackets each point estimate, without collapsing for a perfectly predicted class', () => {
    const intervals = classIntervals(confusion);
    const gentoo = intervals[2]!;
    for (const metric of ['precision', 'recall', 'f1'] as const) {
      expect(gentoo[metric].upper).toBeGreaterThan(0.999);
      expect(gentoo[metric].lower).toBeGreaterThan(0.8);
      expect(gentoo[metric].lower).toBeLessThan(0.95);
    }
    // Chinstrap: precision 17/17, recall 17/18.
    expect(intervals[1]!.recall.lower).toBeLessThan(17 / 18);
    expect(intervals[1]!.recall.upper).toBeGreaterThan(17 / 18);
  });

  it("gives precision and recall Jeffreys intervals: Beta(x + 1/2, n - x + 1/2) quantiles", () => {
    // Recall of Chinstrap, 17 of 18: the Jeffreys 95% interval is about (0.768, 0.994).
    const { recall } = classIntervals(confusion, 20000)[1]!;
    expect(recall.lower).toBeCloseTo(0.768, 2);
    expect(recall.upper).toBeCloseTo(0.994, 2);
  });

  it('is the same every time for the same matrix', () => {
    expect(classIntervals(confusion)).toEqual(classIntervals(structuredClone(confusion)));
  });
});
