import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MlflowValidationError } from '../../src/mlflow/errors.js';
import { toWireMetric } from '../../src/mlflow/wire.js';
import { MLFLOW_LIMITS } from '../../src/mlflow/store/limits.js';
import type { Metric, Param, RunTag } from '../../src/mlflow/types.js';
import { packBatches, validateAlias, validateBatch, validateKey } from '../../src/mlflow/validation.js';

describe('keys and aliases, checked as the server checks them', () => {
  it('accepts what MLflow accepts, Unicode letters included', () => {
    for (const key of ['accuracy', 'loss/train', 'a.b-c_d e:f', 'precisión', 'año/métrica', '数据', 'x'.repeat(250)]) {
      expect(() => validateKey('k', key, MLFLOW_LIMITS), key).not.toThrow();
    }
  });

  it('refuses what MLflow refuses, with the entity named', () => {
    for (const key of ['', 'a//b', 'a/', '/a', './a', 'a/./b', '..', 'a/../b', 'bad#', 'tab\tkey', 'x'.repeat(251), 'emoji😀']) {
      expect(() => validateKey(`params["${key}"]`, key, MLFLOW_LIMITS), key).toThrow(MlflowValidationError);
    }
    expect(() => validateKey('metrics["a//b"]', 'a//b', MLFLOW_LIMITS)).toThrow(/^metrics\["a\/\/b"\]: the key must be a normalized path/);
  });

  it('refuses reserved and malformed aliases', () => {
    expect(() => validateAlias('champion', MLFLOW_LIMITS)).not.toThrow();
    expect(() => validateAlias('prod-2024_b', MLFLOW_LIMITS)).not.toThrow();
    for (const alias of ['latest', 'LATEST', 'v1', 'V22', 'with space', 'a.b', '', 'x'.repeat(256)]) {
      expect(() => validateAlias(alias, MLFLOW_LIMITS), alias).toThrow(MlflowValidationError);
    }
  });

  it('drops repeated identical params and refuses a param given two values', () => {
    const batch = validateBatch(
      { metrics: [], params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }, { key: 'b', value: '2' }], tags: [] },
      MLFLOW_LIMITS,
    );
    expect(batch.params).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    expect(() => validateBatch({ metrics: [], params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }], tags: [] }, MLFLOW_LIMITS)).toThrow(
      /given twice with different values/,
    );
  });

  it('refuses over-long values instead of letting the server cut them', () => {
    expect(() => validateBatch({ metrics: [], params: [{ key: 'p', value: 'x'.repeat(6001) }], tags: [] }, MLFLOW_LIMITS)).toThrow(
      /param value is 6001 characters long; MLflow keeps at most 6000/,
    );
    expect(() => validateBatch({ metrics: [], params: [], tags: [{ key: 't', value: 'x'.repeat(8001) }] }, MLFLOW_LIMITS)).toThrow(/8000/);
  });
});

const keyArb = fc.stringMatching(/^[a-z][a-z0-9_]{0,40}$/);
const metricArb: fc.Arbitrary<Metric> = fc.record({
  key: keyArb,
  value: fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY)),
  timestamp: fc.nat(),
  step: fc.integer({ min: -1000, max: 1_000_000 }),
});
const paramArb: fc.Arbitrary<Param> = fc.record({ key: keyArb, value: fc.string({ maxLength: 6000 }) });
const tagArb: fc.Arbitrary<RunTag> = fc.record({ key: keyArb, value: fc.string({ maxLength: 8000 }) });

describe('packing a batch into requests', () => {
  it('keeps every entity, in order, within every server limit', () => {
    fc.assert(
      fc.property(
        fc.array(metricArb, { maxLength: 2500 }),
        fc.array(paramArb, { maxLength: 250 }),
        fc.array(tagArb, { maxLength: 250 }),
        (metrics, params, tags) => {
          const requests = packBatches({ metrics, params, tags }, MLFLOW_LIMITS);
          expect(requests.flatMap((request) => request.metrics)).toEqual(metrics);
          expect(requests.flatMap((request) => request.params)).toEqual(params);
          expect(requests.flatMap((request) => request.tags)).toEqual(tags);
          for (const request of requests) {
            expect(request.metrics.length).toBeLessThanOrEqual(1000);
            expect(request.params.length).toBeLessThanOrEqual(100);
            expect(request.tags.length).toBeLessThanOrEqual(100);
            expect(request.metrics.length + request.params.length + request.tags.length).toBeLessThanOrEqual(1000);
            const body = JSON.stringify({ run_id: 'f'.repeat(32), metrics: request.metrics.map(toWireMetric), params: request.params, tags: request.tags });
            expect(Buffer.byteLength(body)).toBeLessThan(1_000_000);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('needs as few requests as the counts allow when values are small', () => {
    const metrics = Array.from({ length: 100_000 }, (_, index) => ({ key: 'loss', value: index, timestamp: index, step: index }));
    expect(packBatches({ metrics, params: [], tags: [] }, MLFLOW_LIMITS)).toHaveLength(100);
    const params = Array.from({ length: 150 }, (_, index) => ({ key: `p${index}`, value: 'v' }));
    const tags = Array.from({ length: 50 }, (_, index) => ({ key: `t${index}`, value: 'v' }));
    const packed = packBatches({ metrics: metrics.slice(0, 1500), params, tags }, MLFLOW_LIMITS);
    expect(packed.map((request) => [request.params.length, request.tags.length, request.metrics.length])).toEqual([
      [100, 50, 850],
      [50, 0, 650],
    ]);
  });
});
