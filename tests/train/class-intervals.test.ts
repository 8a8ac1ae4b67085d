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

  it('gives exact Jeffreys intervals for precision and recall and the matching F1 interval (scipy.stats.beta.ppf)', () => {
    const chinstrap = classIntervals(confusion)[1]!;
    // Precision 17 of 17: Beta(17.5, 0.5); recall 17 of 18: Beta(17.5, 1.5).
    expect(chinstrap.precision.lower).toBeCloseTo(0.86452156, 7);
    expect(chinstrap.precision.upper).toBeCloseTo(0.99997154, 7);
    expect(chinstrap.recall.lower).toBeCloseTo(0.76838819, 7);
    expect(chinstrap.recall.upper).toBeCloseTo(0.99393866, 7);
    // F1 = 2u / (1 + u), u ~ Beta(17.5, 0.5 + 1.5); a 2,000,000-draw Dirichlet sample gives (0.84645, 0.99327).
    expect(chinstrap.f1.lower).toBeCloseTo(0.84628942, 7);
    expect(chinstrap.f1.upper).toBeCloseTo(0.99326926, 7);
  });

  it('is the same every time for the same matrix, and computed once per matrix (the card and its charts both ask)', () => {
    expect(classIntervals(confusion)).toEqual(classIntervals(structuredClone(confusion)));
    expect(classIntervals(confusion)).toBe(classIntervals(confusion));
  });
});
