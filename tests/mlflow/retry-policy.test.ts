import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src/mlflow/config.js';
import { backoffDelayMs, buildQuery, parseRetryAfter } from '../../src/mlflow/rest/http.js';

describe('retry timing, as urllib3 computes it for MLflow', () => {
  it('waits 0, 4, 8, 16, 32, 64, 120 s with the defaults (no jitter)', () => {
    const waits = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0) / 1000);
    expect(waits).toEqual([0, 4, 8, 16, 32, 64, 120]);
  });

  it('adds up to the jitter, never past the cap', () => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => 0.5)).toBe(4500);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 9, () => 0.99)).toBe(120_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('0.5')).toBe(0.5);
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('sends repeated keys for lists and true/false for booleans in query strings', () => {
    expect(buildQuery({ experiment_ids: ['1', '2'], flag: true, skip: undefined, n: 5 })).toBe('?experiment_ids=1&experiment_ids=2&flag=true&n=5');
    expect(buildQuery({})).toBe('');
  });
});
