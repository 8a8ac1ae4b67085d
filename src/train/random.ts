/**
 * NumPy's legacy random stream (`numpy.random.RandomState`), bit for bit.
 *
 * scikit-learn draws every split, fold and bootstrap sample from a `RandomState`, so reproducing
 * its 32-bit Mersenne Twister and the handful of legacy algorithms on top of it lets a seed mean
 * the same thing here as in the seed scripts: `RandomState(42).permutation(333)` gives the same
 * order, hence the same 67 test rows as `train_test_split(..., random_state=42)`.
 *
 * Only what the training code needs is implemented: 32-bit draws, bounded integers by masked
 * rejection (`random_interval`, which `shuffle`, `permutation` and `randint` use for ranges
 * below 2^32) and 53-bit doubles.
 */

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MAX_UINT32 = 0xffffffff;

/** The largest value `randint(2**31 - 1)` can return; scikit-learn seeds each tree with one. */
export const MAX_INT32_SEED = 0x7ffffffe;

export class RandomState {
  private readonly state = new Uint32Array(STATE_SIZE);
  private position = STATE_SIZE;

  /** Seeds like `RandomState(seed)` with an integer seed (MT19937 `init_genrand`). */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Starts over as `RandomState(seed)` would, reusing this stream's memory (one stream serves every tree of a forest). */
  reseed(seed: number): this {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_UINT32) {
      throw new RangeError(`a seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    let value = seed >>> 0;
    for (let i = 0; i < STATE_SIZE; i++) {
      this.state[i] = value;
      value = (Math.imul(1812433253, value ^ (value >>> 30)) + i + 1) >>> 0;
    }
    this.position = STATE_SIZE;
    return this;
  }

  /** The next raw 32-bit output (`genrand_int32`). */
  nextUint32(): number {
    if (this.position >= STATE_SIZE) this.regenerate();
    let y = this.state[this.position++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits (`random_sample`). */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in [0, max] by masked rejection, exactly as NumPy's `random_interval`. */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > MAX_UINT32) {
      throw new RangeError(`interval bound must be an integer between 0 and 2**32 - 1, got ${max}`);
    }
    if (max === 0) return 0;
    const mask = maskFor(max);
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /** `randint(low, high)`: an integer in [low, high). */
  randint(low: number, high: number): number {
    if (high <= low) throw new RangeError(`randint needs low < high, got [${low}, ${high})`);
    return low + this.interval(high - low - 1);
  }

  /**
   * Adds one to `counts[randint(0, counts.length)]`, `counts.length` times: the bootstrap sample
   * scikit-learn draws (`randint(0, n, n)`) as per-row counts, without a call per draw.
   */
  countDraws(counts: Uint32Array): void {
    const n = counts.length;
    if (n === 0) return;
    const max = n - 1;
    const mask = maskFor(max);
    for (let i = 0; i < n; i++) {
      let value: number;
      do {
        value = (this.nextUint32() & mask) >>> 0;
      } while (value > max);
      counts[value]! += 1;
    }
  }

  /** Shuffles in place like the legacy `RandomState.shuffle` of a 1-d array (Fisher–Yates from the end). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const held = items[j]!;
      items[j] = items[i]!;
      items[i] = held;
    }
    return items;
  }

  /** `permutation(n)`: 0..n-1 shuffled. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** `choice(n, size, replace=False)` without weights: the legacy code takes a permutation's head. */
  sampleWithoutReplacement(n: number, size: number): number[] {
    if (size > n) throw new RangeError(`cannot take ${size} distinct items from ${n}`);
    return this.permutation(n).slice(0, size);
  }

  private regenerate(): void {
    const mt = this.state;
    let i = 0;
    for (; i < STATE_SIZE - SHIFT_SIZE; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + SHIFT_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < STATE_SIZE - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + SHIFT_SIZE - STATE_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[STATE_SIZE - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[STATE_SIZE - 1] = mt[SHIFT_SIZE - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.position = 0;
  }
}

/** The smallest all-ones bit mask covering `max`: NumPy's masked rejection draws below it. */
function maskFor(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}
