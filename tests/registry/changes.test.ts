import { describe, expect, it } from 'vitest';
import { describeVersionChanges } from '../../src/card/version-changes.js';
import { performanceMetrics } from '../../src/card/run-metrics.js';

describe('what changed since the previous version', () => {
  const previous = { version: '2', values: { version: '2', params: { n_estimators: '100', seed: '42', old: 'x' }, metrics: { accuracy: 0.97, f1: 0.5, gone: 1 } } };
  const current = { params: { n_estimators: '200', seed: '42', added: 'y' }, metrics: { accuracy: 0.985, f1: 0.5, fresh: 0.25 } };

  it('lists parameter changes and metric deltas, and nothing that stayed the same', () => {
    expect(describeVersionChanges('penguins', current, previous, 'en')).toBe(
      'Since version 2: new parameter added = y; parameter n_estimators 100 → 200; removed parameter old (x); ' +
        'metric accuracy 0.97 → 0.985 (+0.015); new metric fresh = 0.25; removed metric gone (1)',
    );
  });

  it('says so when it is the first version, nothing changed, or there is nothing to compare with; in Spanish too', () => {
    expect(describeVersionChanges('penguins', current, undefined, 'en')).toBe('First version of penguins.');
    expect(describeVersionChanges('penguins', current, { version: '4', values: { version: '4', ...current } }, 'en')).toBe('Since version 4: no parameter or metric changed.');
    expect(describeVersionChanges('penguins', current, { version: '1', values: undefined }, 'en')).toBe('Version 1 has no run or logged model to compare with.');
    expect(describeVersionChanges('pingüinos', current, previous, 'es')).toMatch(/^Desde la versión 2: parámetro nuevo added = y; parámetro n_estimators 100 → 200;/);
    expect(describeVersionChanges('pingüinos', current, undefined, 'es')).toBe('Primera versión de pingüinos.');
  });

  it('reports a decrease with its sign and NaN values without inventing a delta', () => {
    const text = describeVersionChanges('m', { params: {}, metrics: { loss: 0.2, odd: Number.NaN } }, { version: '1', values: { version: '1', params: {}, metrics: { loss: 0.3, odd: Number.NaN } } }, 'en');
    expect(text).toBe('Since version 1: metric loss 0.3 → 0.2 (-0.1)');
  });
});

describe('performance metrics from run metrics', () => {
  it('rounds to four decimals, folds <m>_ci_lower/_ci_upper into <m> and turns per-class keys into slices', () => {
    const metrics = {
      accuracy: 0.9850746268656716,
      accuracy_ci_lower: 0.9201813768022187,
      accuracy_ci_upper: 0.997,
      f1: 1,
      f1_Adelie: 0.98765,
      f1_macro: 0.97,
      f1_weighted_cv_mean: 0.9712,
      recall_Chinstrap: 0.95,
      lonely_ci_lower: 0.1,
      tiny: 0.00001234,
      broken: Number.NaN,
    };
    expect(performanceMetrics(metrics)).toEqual([
      { type: 'accuracy', value: '0.9851', confidence_interval: { lower_bound: '0.9202', upper_bound: '0.9970' } },
      { type: 'broken', value: 'NaN' },
      { type: 'f1', value: '1' },
      { type: 'f1', value: '0.9877', slice: 'Adelie' },
      { type: 'f1_macro', value: '0.9700' },
      { type: 'f1_weighted_cv_mean', value: '0.9712' },
      { type: 'lonely_ci_lower', value: '0.1000' },
      { type: 'recall', value: '0.9500', slice: 'Chinstrap' },
      { type: 'tiny', value: '0.00001234' },
    ]);
  });
});
