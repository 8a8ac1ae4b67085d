import { constants } from 'node:buffer';
import { gunzipSync, inflateSync } from 'node:zlib';
import { emulateStream } from './emulator.js';
import type { EmulationContext, EmulatorHooks } from './machine.js';
import { python3Name } from './python2-names.js';
import type { InspectionLimits } from './limits.js';
import { ARRAY_WRAPPER } from './numpy.js';
import { pickleFault, type ByteReader } from './reader.js';
import type { Compression } from './report.js';
import {
  asCount,
  dictGet,
  instanceClass,
  isDict,
  isGlobal,
  isInstance,
  qualifiedName,
  sequenceItems,
  type PickleValue,
  type PyInstance,
} from './values.js';

/**
 * joblib's container: an optional whole-file compression around one pickle stream in which every
 * numpy array is a `NumpyArrayWrapper` whose data sits in the file right after the wrapper's BUILD,
 * outside the opcodes. Reading on past it as opcodes would desynchronise the parse, and so would
 * reading a different number of bytes than joblib and numpy do: the wrapper and its dtype are read
 * here exactly as joblib 1.x and numpy read them, and anything that cannot be proven to be read
 * the same way stops the inspection (the file is then not `safe`).
 */

export type { Compression };

/** The compressions joblib recognises, by the magic prefix it checks (joblib/compressor.py). */
const MAGIC: ReadonlyArray<[Compression, readonly number[]]> = [
  ['zlib', [0x78]],
  ['gzip', [0x1f, 0x8b]],
  ['bz2', [0x42, 0x5a]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a]],
  ['lzma', [0x5d, 0x00]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** The compression joblib.load would decompress the file with ('x' is no pickle opcode, so no pickle starts so). */
export function detectCompression(bytes: Uint8Array): Compression {
  return MAGIC.find(([, prefix]) => startsWith(bytes, prefix))?.[0] ?? 'none';
}

/** Formats people mistake for pickles, named so the error can say what the file is. */
const OTHER_FORMATS: ReadonlyArray<[readonly number[], string]> = [
  [[0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 'an HDF5 file (a Keras .h5 model?)'],
  [[0x47, 0x47, 0x55, 0x46], 'a GGUF model file'],
  [[0x5a, 0x46], 'a joblib file written before joblib 0.9.3, which is not supported'],
];

/** What a file that is not a pickle seems to be, if it is recognisable. */
export function recogniseOtherFormat(bytes: Uint8Array): string | undefined {
  const known = OTHER_FORMATS.find(([prefix]) => startsWith(bytes, prefix))?.[1];
  if (known) return known;
  if (bytes.length > 8 && bytes[8] === 0x7b) return 'a safetensors file';
  const head = bytes.subarray(0, 256);
  if (head.length > 0 && head.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f))) {
    return 'a text file';
  }
  return undefined;
}

/**
 * Inflates zlib or gzip output chunk by chunk, counting, and stops as soon as it passes
 * `maxDecompressedBytes`: memory stays proportional to that cap whatever the file claims.
 */
export function decompress(bytes: Uint8Array, compression: 'zlib' | 'gzip', limits: InspectionLimits): Uint8Array {
  try {
    const options = { maxOutputLength: Math.min(Math.max(1, limits.maxDecompressedBytes), constants.MAX_LENGTH) };
    return compression === 'zlib' ? inflateSync(bytes, options) : gunzipSync(bytes, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/.test((error as Error).message)) {
      throw pickleFault('limit', `the ${compression} stream inflates to more than ${limits.maxDecompressedBytes} bytes (the size limit)`, 0,
        'raise --max-size if this is a model you expect to be this large; a small file that inflates this much is a decompression bomb');
    }
    if (code === 'Z_BUF_ERROR') throw pickleFault('truncated', `the ${compression} stream is cut short`, 0);
    throw pickleFault('corrupt', `the ${compression} stream is corrupt (${(error as Error).message})`, 0);
  }
}

/** joblib's array placeholders; only the canonical NumpyArrayWrapper has its data inline. */
const SIDE_FILE_WRAPPERS = new Set([
  'joblib.numpy_pickle.NDArrayWrapper',
  'joblib.numpy_pickle_compat.NDArrayWrapper',
  'joblib.numpy_pickle.ZNDArrayWrapper',
  'joblib.numpy_pickle_compat.ZNDArrayWrapper',
]);
const WRAPPER_NAMES = /(^|\.)(NumpyArrayWrapper|NDArrayWrapper|ZNDArrayWrapper)$/;

function unprovable(message: string, offset: number): never {
  throw pickleFault('corrupt', `${message}, so where joblib.load goes on reading cannot be proven: not inspected further`, offset,
    'do not load this file: a real joblib file never looks like this');
}

/** numpy's fixed item sizes per kind, for the `<kind><size>` strings numpy's dtype pickles carry. */
const FIXED_SIZES: Readonly<Record<string, readonly number[]>> = {
  // datetime64/timedelta64 (M, m) are left out: their state carries unit metadata numpy checks.
  b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 16], c: [8, 16, 32], O: [8],
};
const FLEXIBLE = new Set(['S', 'U', 'V']);

export interface ReadDtype {
  descr: string;
  itemsize: number;
  /** `dtype.hasobject`: numpy takes it from the pickled flags, not from the type. */
  hasObject: boolean;
}

function isFlag(value: PickleValue | undefined): boolean {
  return typeof value === 'boolean' || value === 0 || value === 1;
}

function asInt(value: PickleValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return undefined;
}

/**
 * A dtype as numpy rebuilds it from `numpy.dtype(descr, align, copy)` and one `__setstate__`:
 * flexible kinds (S, U, V) take the item size from the state, fixed kinds from the type string;
 * `hasobject` is bit 0 of the state's flags. Anything else is undefined (not provable).
 */
function readDtype(value: PickleValue | undefined, depth = 0): ReadDtype | string {
  if (!isInstance(value) || value.via !== 'REDUCE' || !isGlobal(value.callee) || !value.callee.resolved) return 'the dtype is not a numpy.dtype(...) call';
  const callee = python3Name(value.callee.module, value.callee.name);
  if (`${callee.module}.${callee.name}` !== 'numpy.dtype') return `the dtype is built by ${qualifiedName(value.callee)}, not numpy.dtype`;
  const args = sequenceItems(value.args);
  const descr = args?.[0];
  if (!args || args.length !== 3 || typeof descr !== 'string' || !isFlag(args[1]) || !isFlag(args[2])) return 'the numpy.dtype arguments are not (type string, align, copy)';
  const match = /^([biufcOSUV])(\d{1,9})$/.exec(descr);
  if (!match) return `the dtype type string ${JSON.stringify(descr.slice(0, 40))} is not one numpy pickles write`;
  const kind = match[1] as string;
  const declared = Number(match[2]);
  if (!FLEXIBLE.has(kind) && !(FIXED_SIZES[kind] ?? []).includes(declared)) return `the dtype ${descr} is not a numpy type`;
  if ((value.builds ?? 0) !== 1) return `the dtype's state is set ${value.builds ?? 0} times`;
  const state = value.state;
  if (typeof state !== 'object' || state === null || state.kind !== 'tuple') return 'the dtype state is not a tuple';
  const items = state.items;
  const version = asInt(items[0]);
  if ((items.length !== 8 && items.length !== 9) || (version !== 3 && version !== 4)) return 'the dtype state is not numpy\'s version 3 or 4';
  const [, endian, subarray, names, fields] = items;
  if (typeof endian !== 'string' || !['<', '>', '|', '='].includes(endian)) return 'the dtype byte order is not <, >, | or =';
  if ((names === null) !== (fields === null)) return 'the dtype names and fields disagree';
  if (names !== null && (typeof names !== 'object' || names.kind !== 'tuple' || !names.items.every((name) => typeof name === 'string'))) return 'the dtype names are not a tuple of strings';
  if (fields !== null && !isDict(fields)) return 'the dtype fields are not a dict';
  if (subarray !== null) {
    const [base, shape] = sequenceItems(subarray) ?? [];
    if (depth > 8 || typeof subarray !== 'object' || subarray.kind !== 'tuple' || subarray.items.length !== 2) return 'the dtype subarray is not (dtype, shape)';
    const inner = readDtype(base, depth + 1);
    if (typeof inner === 'string') return inner;
    if (!(sequenceItems(shape) ?? [shape]).every((size) => asInt(size) !== undefined)) return 'the dtype subarray shape is not integers';
  }
  const elsize = asInt(items[5]);
  const alignment = asInt(items[6]);
  let flags = asInt(items[7]);
  if (elsize === undefined || alignment === undefined || flags === undefined) return 'the dtype item size, alignment or flags are not integers';
  if (flags < 0 && flags >= -128) flags += 128;
  if (flags < 0) return 'the dtype flags are negative';
  const itemsize = FLEXIBLE.has(kind) ? elsize : declared;
  const hasObject = flags % 2 === 1;
  // What the flags say must be what the type is: an object dtype whose flags deny it makes numpy
  // copy raw bytes into object pointers, and the reverse reads a pickle where bytes were written.
  const subarrayBase = subarray === null ? undefined : readDtype(sequenceItems(subarray)?.[0], depth + 1);
  const holdsObjects = kind === 'O' || fieldsHoldObjects(fields, depth) || (typeof subarrayBase === 'object' && subarrayBase.hasObject);
  if (holdsObjects !== hasObject) return `the dtype ${descr} has flags ${flags}, which ${hasObject ? 'claim' : 'deny'} Python objects the type ${holdsObjects ? 'holds' : 'does not hold'}`;
  return { descr, itemsize, hasObject };
}

function fieldsHoldObjects(fields: PickleValue | undefined, depth: number): boolean {
  if (!isDict(fields)) return false;
  for (const field of fields.entries.values()) {
    const inner = readDtype(sequenceItems(field)?.[0], depth + 1);
    if (typeof inner === 'string' || inner.hasObject) return true;
  }
  return false;
}

/** Whether a BUILD target is a joblib array placeholder, and which. */
function wrapperKind(target: PyInstance): 'inline' | 'side-file' | 'unknown' | undefined {
  const ref = instanceClass(target);
  if (!ref) return undefined;
  const name = python3Name(ref.module, ref.name);
  const qualified = `${name.module}.${name.name}`;
  if (!WRAPPER_NAMES.test(qualified)) return undefined;
  if (!ref.resolved) return 'unknown';
  if (qualified === ARRAY_WRAPPER) return 'inline';
  if (SIDE_FILE_WRAPPERS.has(qualified)) return 'side-file';
  return 'unknown';
}

/** How the wrapper object was made must be `cls.__new__(cls)`: no `__init__` arguments that would set attributes too. */
function madeEmpty(wrapper: PyInstance): boolean {
  if (wrapper.via === 'NEWOBJ') return sequenceItems(wrapper.args)?.length === 0;
  if (wrapper.via === 'REDUCE' && isGlobal(wrapper.callee)) {
    const callee = python3Name(wrapper.callee.module, wrapper.callee.name);
    const [, base, state] = sequenceItems(wrapper.args) ?? [];
    return `${callee.module}.${callee.name}` === 'copyreg._reconstructor' && isGlobal(base) && qualifiedName(base) === 'builtins.object' && state === null;
  }
  return false;
}

/**
 * After the BUILD of a `NumpyArrayWrapper`, consumes the array data exactly as joblib's
 * `NumpyArrayWrapper.read_array` does: for a dtype with `hasobject`, a nested pickle read by a
 * fresh pure-Python unpickler from the file; otherwise, when the wrapper has
 * `numpy_array_alignment_bytes`, one padding-length byte and that many bytes, then
 * `prod(shape) * itemsize` raw bytes.
 */
function readArrayPayload(wrapper: PyInstance, file: ByteReader, context: EmulationContext): void {
  const at = file.pos;
  if (!madeEmpty(wrapper)) unprovable('a joblib array placeholder is built with constructor arguments', at);
  if ((wrapper.builds ?? 0) !== 1 || !isDict(wrapper.state)) unprovable('a joblib array placeholder does not get its attributes from one dict', at);
  const state = wrapper.state;
  for (const key of state.entries.keys()) {
    if (typeof key !== 'string') unprovable('a joblib array placeholder has an attribute that is not a string', at);
  }
  const shapeValue = dictGet(state, 'shape');
  const shapeItems = sequenceItems(shapeValue);
  if (!shapeItems || typeof shapeValue !== 'object' || shapeValue === null || shapeValue.kind !== 'tuple') unprovable('a joblib array shape is not a tuple', at);
  let count = 1;
  for (const size of shapeItems) {
    const dimension = asCount(size);
    if (dimension === undefined || typeof size === 'boolean') unprovable('a joblib array shape is not non-negative integers', at);
    count *= dimension;
    if (!Number.isSafeInteger(count)) unprovable('a joblib array has more elements than any file can hold', at);
  }
  const dtype = readDtype(dictGet(state, 'dtype'));
  if (typeof dtype === 'string') unprovable(`a joblib array's dtype cannot be read as numpy reads it (${dtype})`, at);
  if (dtype.hasObject) {
    // joblib loads object arrays with a fresh pure-Python Unpickler on the same file: nested
    // wrappers get no special reading.
    wrapper.payload = emulateStream(file, context, {}, 'python').value;
    return;
  }
  const alignment = state.entries.has('numpy_array_alignment_bytes') ? state.entries.get('numpy_array_alignment_bytes') : null;
  if (alignment !== null) {
    const padding = file.u8('joblib array padding length');
    file.take(padding, 'joblib array padding');
  }
  if (dtype.itemsize <= 0) unprovable(`a joblib array's dtype has item size ${dtype.itemsize}, which joblib cannot read`, at);
  const size = count * dtype.itemsize;
  if (!Number.isSafeInteger(size) || size > file.remaining) {
    throw pickleFault('truncated', `a joblib array of ${count} elements of dtype ${dtype.descr} needs ${size} bytes but only ${file.remaining} remain`, file.pos);
  }
  wrapper.payload = { kind: 'bytes', data: file.take(size, 'joblib array data'), mutable: false };
}

export const joblibHooks: EmulatorHooks = {
  afterBuild(target, file, context) {
    const kind = wrapperKind(target);
    if (kind === 'inline') {
      // joblib reads array data after every BUILD on a placeholder, even one fetched again from the memo.
      if ((target.builds ?? 0) > 1) unprovable('a joblib array placeholder gets its state more than once', file.pos);
      readArrayPayload(target, file, context);
    }
    else if (kind === 'unknown') unprovable(`an array placeholder of class ${qualifiedName(instanceClass(target) as NonNullable<ReturnType<typeof instanceClass>>)} is not joblib's own`, file.pos);
  },
};
