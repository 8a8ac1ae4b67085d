import { UsageError } from '../errors.js';

/**
 * The bounds every inspection stays within, whatever the input: time and memory are linear in the
 * input and capped by these numbers. Each can be lowered (tests, services) or raised (huge models).
 */
export interface InspectionLimits {
  /** Largest file read at all. */
  maxFileBytes: number;
  /** Largest data after decompression (joblib zlib/gzip, zip members), all members together; defaults to `maxFileBytes`. */
  maxDecompressedBytes: number;
  /** Opcodes emulated across every pickle stream of the file, nested joblib pickles included. */
  maxOpcodes: number;
  /** Memo entries of one pickle stream. */
  maxMemoEntries: number;
  /** Values on the emulated stack at once. */
  maxStackDepth: number;
  /** Open MARKs at once. */
  maxMarkDepth: number;
  /** Bytes of one integer (LONG1, LONG4, LONG text). */
  maxIntegerBytes: number;
  /** Characters of a text opcode argument that is a number or a memo index. */
  maxNumberText: number;
  /** Concatenated pickle streams read from one file. */
  maxStreams: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<InspectionLimits> = Object.freeze({
  maxFileBytes: 1024 * MiB,
  maxDecompressedBytes: 1024 * MiB,
  maxOpcodes: 50_000_000,
  maxMemoEntries: 5_000_000,
  maxStackDepth: 5_000_000,
  maxMarkDepth: 10_000,
  maxIntegerBytes: 1024,
  maxNumberText: 4096,
  maxStreams: 64,
});

export function resolveLimits(overrides: Partial<InspectionLimits> = {}): InspectionLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof InspectionLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new UsageError(`inspection limit ${key} must be a non-negative integer, got ${value}`);
    }
    limits[key] = value;
  }
  // One size limit: the file, and what it inflates to, unless a caller sets them apart.
  if (overrides.maxDecompressedBytes === undefined && overrides.maxFileBytes !== undefined) limits.maxDecompressedBytes = limits.maxFileBytes;
  return limits;
}
