import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, wilsonInterval } from '../../src/train/evaluate.js';
import { parity } from './parity-fixture.js';

describe('wilsonInterval', () => {
  // Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no continuity correction).
  const published: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ];
  for (const [successes, trials, lower, upper] of published) {
    it(`gives Newcombe's ${lower}-${upper} for ${successes}/${trials}`, () => {
      const interval = wilsonInterval(successes, trials);
      expect(interval.lower).toBeCloseTo(lower, 4);
      expect(interval.upper).toBeCloseTo(upper, 4);
      expect(interval).toMatchObject({ level: 0.95, method: 'wilson' });
    });
  }

  it('brackets the seed recipe accuracy 66/67 with 0.9202-0.9974', () => {
    const interval = wilsonInterval(66, 67);
    expect(interval.lower).toBeCloseTo(0.9202, 4);
    expect(interval.upper).toBeCloseTo(0.9974, 4);
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
  });
});

describe('classificationReport', () => {
  for (const [n, expected] of parity.reports.entries()) {
    it(`matches scikit-learn's precision_recall_fscore_support and confusion_matrix (case ${n + 1})`, () => {
      const report = classificationReport(expected.truth, expected.predicted, expected.labels);
      expect(report.accuracy).toBeCloseTo(expected.accuracy, 12);
      expect(report.confusionMatrix).toEqual({ labels: expected.labels, matrix: expected.confusion });
      expect(report.perClass.map((c) => c.label)).toEqual(expected.labels);
      report.perClass.forEach((metrics, k) => {
        expect(metrics.precision).toBeCloseTo(expected.precision[k]!, 12);
        expect(metrics.recall).toBeCloseTo(expected.recall[k]!, 12);
        expect(metrics.f1).toBeCloseTo(expected.f1[k]!, 12);
        expect(metrics.support).toBe(expected.support[k]);
      });
      expect([report.macro.precision, report.macro.recall, report.macro.f1].map((v) => v.toFixed(12))).toEqual(
        expected.macro.map((v) => v.toFixed(12)),
      );
      expect([report.weighted.precision, report.weighted.recall, report.weighted.f1].map((v) => v.toFixed(12))).toEqual(
        expected.weighted.map((v) => v.toFixed(12)),
      );
    });
  }

  it('averages macro metrics only over classes that occur, like scikit-learn', () => {
    const withAbsent = classificationReport(['a', 'a', 'b'], ['a', 'b', 'b'], ['a', 'b', 'z']);
    const without = classificationReport(['a', 'a', 'b'], ['a', 'b', 'b'], ['a', 'b']);
    expect(withAbsent.macro).toEqual(without.macro);
    expect(withAbsent.perClass[2]).toEqual({ label: 'z', precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('counts correct rows and puts the accuracy inside its interval', () => {
    const report = classificationReport(['a', 'b', 'b', 'a'], ['a', 'b', 'a', 'a'], ['a', 'b']);
    expect(report).toMatchObject({ correct: 3, total: 4, accuracy: 0.75 });
    expect(report.accuracyInterval.lower).toBeLessThan(0.75);
    expect(report.accuracyInterval.upper).toBeGreaterThan(0.75);
  });

  it('rejects labels outside the label list and mismatched lengths', () => {
    expect(() => confusionMatrix(['a'], ['c'], ['a', 'b'])).toThrow(/"c" is not one of a, b/);
    expect(() => confusionMatrix(['a', 'b'], ['a'], ['a', 'b'])).toThrow(RangeError);
  });
});
