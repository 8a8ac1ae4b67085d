import { describe, expect, it } from 'vitest';
import { RandomState, MAX_INT32_SEED } from '../../src/train/random.js';
import { parity } from './parity-fixture.js';

describe('RandomState (NumPy legacy MT19937)', () => {
  it('starts seed 5489 with the reference MT19937 output', () => {
    // Matsumoto & Nishimura's reference: the first output for init_genrand(5489) is 3499211612.
    expect(new RandomState(5489).nextUint32()).toBe(3499211612);
  });

  for (const [seed, stream] of Object.entries(parity.streams)) {
    it(`reproduces NumPy's raw 32-bit stream for seed ${seed} across two state refills`, () => {
      const rng = new RandomState(Number(seed));
      expect(Array.from({ length: stream.uint32.length }, () => rng.nextUint32())).toEqual(stream.uint32);
    });

    it(`reproduces random_sample, permutation and randint for seed ${seed}`, () => {
      const doubles = new RandomState(Number(seed));
      expect(Array.from({ length: 5 }, () => doubles.nextDouble())).toEqual(stream.random_sample);
      expect(new RandomState(Number(seed)).permutation(10)).toEqual(stream.permutation_10);
      const ints = new RandomState(Number(seed));
      expect(Array.from({ length: 20 }, () => ints.randint(0, 7))).toEqual(stream.randint_0_7_x20);
    });
  }

  it('draws the tree seeds and bootstrap rows RandomForestClassifier(random_state=42) uses', () => {
    const rng = new RandomState(parity.forest.seed);
    const treeSeeds = parity.forest.treeSeeds.map(() => rng.interval(MAX_INT32_SEED));
    expect(treeSeeds).toEqual(parity.forest.treeSeeds);
    const n = parity.forest.nSamples;
    const bootstraps = treeSeeds.map((seed) => {
      const tree = new RandomState(seed);
      return Array.from({ length: n }, () => tree.randint(0, n));
    });
    expect(bootstraps).toEqual(parity.forest.bootstraps);
  });

  it('rejects seeds NumPy rejects', () => {
    expect(() => new RandomState(-1)).toThrow(RangeError);
    expect(() => new RandomState(2 ** 32)).toThrow(RangeError);
    expect(() => new RandomState(1.5)).toThrow(RangeError);
  });

  it('keeps interval draws within bounds, including 0 and 2**32 - 1', () => {
    const rng = new RandomState(7);
    expect(rng.interval(0)).toBe(0);
    for (const max of [1, 2, 3, 5, 100, 2 ** 31, 2 ** 32 - 1]) {
      for (let i = 0; i < 200; i++) {
        const value = rng.interval(max);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
  });
});
