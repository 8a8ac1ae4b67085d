import fc from 'fast-check';
import { inflateSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PickleFormatError } from '../../src/errors.js';
import { inspectBytes } from '../../src/pickle/inspect.js';
import type { InspectionLimits } from '../../src/pickle/limits.js';
import { fixtureBytes, manifest } from './fixtures.js';

/**
 * Mutated fixtures must end in a report or a PickleFormatError, never another exception, and the
 * work done must stay within the limits given (the opcode count bounds time, the limits bound
 * memory). The seed is fixed so a failure reproduces; set FUZZ_SEED to explore other cases.
 */

const LIMITS: InspectionLimits = {
  maxFileBytes: 256 * 1024,
  maxDecompressedBytes: 256 * 1024,
  maxOpcodes: 20_000,
  maxMemoEntries: 5_000,
  maxStackDepth: 5_000,
  maxMarkDepth: 100,
  maxIntegerBytes: 64,
  maxNumberText: 64,
  maxStreams: 8,
};

/** Every readable fixture, and the inflated stream of the compressed ones so mutations reach their pickles. */
const SEEDS: Uint8Array[] = manifest.fixtures
  .filter((entry) => entry.kind !== 'invalid' && entry.inspected !== false)
  .flatMap((entry) => {
    const data = fixtureBytes(entry.file);
    if (entry.compression === 'zlib') return [data, inflateSync(data)];
    if (entry.compression === 'gzip') return [data, gunzipSync(data)];
    return [data];
  });

type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; data: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'copy'; from: number; at: number; length: number }
  | { kind: 'length'; at: number; value: number };

const position = fc.nat({ max: 1 << 20 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('copy' as const), from: position, at: position, length: fc.integer({ min: 1, max: 64 }) }),
  // Lengths and counts a crafted header would declare.
  fc.record({ kind: fc.constant('length' as const), at: position, value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0xffffffff) }),
);

function apply(data: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let bytes = Uint8Array.from(data);
  for (const change of edits) {
    const at = change.at % (bytes.length + 1);
    switch (change.kind) {
      case 'flip':
        if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << change.bit);
        break;
      case 'set':
        if (at < bytes.length) bytes[at] = change.value;
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'insert':
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...change.data, ...bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + change.length)]);
        break;
      case 'copy': {
        const from = change.from % (bytes.length + 1);
        const slice = bytes.slice(from, from + change.length);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...slice, ...bytes.subarray(at)]);
        break;
      }
      case 'length':
        if (at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, change.value, true);
        break;
    }
  }
  return bytes;
}

function expectBoundedOutcome(input: Uint8Array): void {
  try {
    const report = inspectBytes(input, { fileName: 'mutated.pkl', limits: LIMITS });
    expect(report.opcodes.total).toBeLessThanOrEqual(LIMITS.maxOpcodes);
    expect(report.format.pickleBytes ?? 0).toBeLessThanOrEqual(LIMITS.maxDecompressedBytes);
    expect(report.format.streams).toBeLessThanOrEqual(LIMITS.maxStreams);
    expect(['safe', 'expected-ML', 'suspicious', 'dangerous', 'not-inspected']).toContain(report.verdict);
    // The report is plain, finite JSON whatever the object graph looked like.
    expect(JSON.stringify(report).length).toBeLessThan(4 * 1024 * 1024);
  } catch (error) {
    if (!(error instanceof PickleFormatError)) throw error;
    expect(error.exitCode).toBe(2);
    expect(error.oneLine).not.toContain('\n');
  }
}

const seed = Number(process.env.FUZZ_SEED ?? 20_261_122);

describe('fuzzing the inspector', () => {
  it('never throws anything but PickleFormatError on mutated fixtures, and stays within the limits', () => {
    expect(SEEDS.length).toBeGreaterThan(25);
    fc.assert(
      fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (index, edits) => {
        expectBoundedOutcome(apply(SEEDS[index] as Uint8Array, edits));
      }),
      { numRuns: 4000, seed },
    );
  });

  it('never throws anything but PickleFormatError on random bytes after a pickle header', () => {
    fc.assert(
      fc.property(fc.constantFrom(new Uint8Array(0), Uint8Array.of(0x80, 2), Uint8Array.of(0x80, 4), Uint8Array.of(0x80, 5)), fc.uint8Array({ maxLength: 512 }), (head, tail) => {
        expectBoundedOutcome(Uint8Array.from([...head, ...tail]));
      }),
      { numRuns: 3000, seed },
    );
  });
});
