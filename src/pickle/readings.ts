import { PickleFormatError } from '../errors.js';
import { emulateStream, type StreamResult } from './emulator.js';
import { distinctNames, refKey } from './findings.js';
import { joblibHooks } from './joblib.js';
import type { InspectionLimits } from './limits.js';
import { newContext, type EmulationContext } from './machine.js';
import type { UnpicklerKind } from './opcode-input.js';
import { ByteReader } from './reader.js';
import type { GlobalRef } from './values.js';

/** One pickle read as each Python loader that could load it would read it. */

/** Every stream of one reading of the data: what one loader would see. */
interface Reading {
  context: EmulationContext;
  first: StreamResult;
  streams: number;
  trailingBytes: number;
  notes: string[];
}

/**
 * Reads `data` from its start as one loader would: `pickle.load` (the C unpickler, frames read
 * whole) or `joblib.load` (pure-Python unpickler, array data outside the opcodes). Streams after
 * the first are read too, since a loader may read them all.
 */
function read(data: Uint8Array, limits: InspectionLimits, kind: UnpicklerKind, context: EmulationContext): Reading {
  const reader = new ByteReader(data);
  const hooks = kind === 'python' ? joblibHooks : {};
  const first = emulateStream(reader, context, hooks, kind);
  const notes: string[] = [];
  let streams = 1;
  let trailingBytes = 0;
  while (!reader.atEnd) {
    const start = reader.pos;
    if (streams >= limits.maxStreams) {
      trailingBytes = data.length - start;
      notes.push(`${trailingBytes} bytes after the first ${streams} pickle streams were not read (stream limit)`);
      break;
    }
    try {
      emulateStream(reader, context, hooks, kind);
      streams += 1;
    } catch (error) {
      if (!(error instanceof PickleFormatError) || error.problem === 'limit') throw error;
      trailingBytes = data.length - start;
      notes.push(`${trailingBytes} bytes after the pickle (from byte ${start}) are not a complete pickle: ${error.message}`);
      break;
    }
  }
  if (streams > 1) notes.push(`the file holds ${streams} concatenated pickles; pickle.load reads only the first, but a loader may read them all`);
  return { context, first, streams, trailingBytes, notes };
}

const WRAPPER_NAME = /(NumpyArrayWrapper|NDArrayWrapper)$/;

/** What one pickle stream (a file, or a member of an archive) holds. */
interface PickleAnalysis {
  globals: GlobalRef[];
  counts: number[];
  opcodes: number;
  reading: Reading;
  joblib: boolean;
  notes: string[];
}

/**
 * Reads a pickle both as `pickle.load` and, when it holds joblib array placeholders (or was
 * compressed, as only joblib writes), as `joblib.load` does. The two loaders read the bytes after
 * a placeholder differently, so a file crafted for one reading must not hide from the other: the
 * imports of both are reported. The joblib reading is the one summarised when it applies.
 */
export function analysePickle(data: Uint8Array, limits: InspectionLimits, options: { compressed: boolean; member?: string }): PickleAnalysis {
  const plainContext = newContext(limits);
  let plain: Reading | undefined;
  let plainError: unknown;
  try {
    plain = read(data, limits, 'c', plainContext);
  } catch (error) {
    plainError = error;
  }
  const joblib = options.compressed || plainContext.globals.some((ref) => WRAPPER_NAME.test(ref.name) || WRAPPER_NAME.test(`${ref.module}.${ref.name}`));
  const tag = (refs: GlobalRef[]): GlobalRef[] => {
    if (options.member !== undefined) for (const ref of refs) ref.member = options.member;
    return refs;
  };
  if (!joblib) {
    if (plainError !== undefined || !plain) throw withContext(plainError, plainContext, []);
    return { globals: tag(plainContext.globals), counts: plainContext.opcodeCounts, opcodes: plainContext.opcodes, reading: plain, joblib, notes: [] };
  }
  const joblibContext = newContext(limits);
  let reading: Reading;
  try {
    reading = read(data, limits, 'python', joblibContext);
  } catch (error) {
    throw withContext(error, joblibContext, plainContext.globals);
  }
  const seen = new Set(joblibContext.globals.map(refKey));
  const extra = plainContext.globals.filter((ref) => !seen.has(refKey(ref)));
  const notes = extra.length > 0 ? [`read by pickle.load instead of joblib.load, the file imports more: ${distinctNames(extra).slice(0, 5).join(', ')}`] : [];
  return {
    globals: tag([...joblibContext.globals, ...extra]),
    counts: joblibContext.opcodeCounts,
    opcodes: joblibContext.opcodes,
    reading,
    joblib,
    notes,
  };
}

/** A PickleFormatError carrying the imports seen before it (by every reading). */
export class FailedReading extends Error {
  constructor(
    readonly error: unknown,
    readonly globals: readonly GlobalRef[],
  ) {
    super('failed reading');
  }
}

function withContext(error: unknown, context: EmulationContext, more: readonly GlobalRef[]): FailedReading {
  return new FailedReading(error, [...context.globals, ...more]);
}
