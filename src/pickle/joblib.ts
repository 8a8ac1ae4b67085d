import { constants } from 'node:buffer';
import { gunzipSync, inflateSync } from 'node:zlib';
import { emulateStream, type EmulationContext, type EmulatorHooks } from './emulator.js';
import type { InspectionLimits } from './limits.js';
import { ARRAY_WRAPPER, dtypeInfo, elementCount } from './numpy.js';
import { pickleFault, type ByteReader } from './reader.js';
import type { Compression } from './report.js';
import { asCount, dictGet, isInstanceOf, sequenceItems, type PyInstance } from './values.js';

/**
 * joblib's container: an optional whole-file compression around one pickle stream in which every
 * numpy array is a `NumpyArrayWrapper` whose data sits in the file right after the wrapper's BUILD,
 * outside the opcodes. Reading on past it as opcodes would desynchronise the parse.
 */

export type { Compression };

/** The compressions joblib writes, by magic prefix (joblib/compressor.py). */
const MAGIC: ReadonlyArray<[Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['bz2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a]],
  ['lzma', [0x5d, 0x00]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

export function detectCompression(bytes: Uint8Array): Compression {
  // A zlib header is 0x78 and a second byte that makes the pair a multiple of 31; 0x78 is no opcode.
  const [first, second] = bytes;
  if (first === 0x78 && second !== undefined && (first * 256 + second) % 31 === 0) return 'zlib';
  return MAGIC.find(([, prefix]) => startsWith(bytes, prefix))?.[0] ?? 'none';
}

/** Formats people mistake for pickles, named so the error can say what the file is. */
const OTHER_FORMATS: ReadonlyArray<[readonly number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (a PyTorch .pt/.pth, Keras .keras or NumPy .npz file?)'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy .npy array file'],
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

/** Inflates zlib or gzip output, never past `maxDecompressedBytes`. */
export function decompress(bytes: Uint8Array, compression: 'zlib' | 'gzip', limits: InspectionLimits): Uint8Array {
  try {
    const options = { maxOutputLength: Math.min(Math.max(1, limits.maxDecompressedBytes), constants.MAX_LENGTH) };
    return compression === 'zlib' ? inflateSync(bytes, options) : gunzipSync(bytes, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw pickleFault('limit', `the ${compression} stream inflates to more than ${limits.maxDecompressedBytes} bytes`, 0);
    }
    if (code === 'Z_BUF_ERROR') throw pickleFault('truncated', `the ${compression} stream is cut short`, 0);
    throw pickleFault('corrupt', `the ${compression} stream is corrupt (${(error as Error).message})`, 0);
  }
}

/**
 * After the BUILD of a `NumpyArrayWrapper`, consumes the array data the way joblib's
 * `NumpyArrayWrapper.read_array` does: a nested pickle for object arrays, otherwise an optional
 * padding-length byte and padding, then `prod(shape) * itemsize` raw bytes. The data is attached
 * to the wrapper as its payload.
 */
function readArrayPayload(wrapper: PyInstance, reader: ByteReader, context: EmulationContext): void {
  const at = reader.pos;
  const shapeItems = sequenceItems(dictGet(wrapper.state, 'shape'));
  const shape = shapeItems?.map(asCount);
  const dtype = dtypeInfo(dictGet(wrapper.state, 'dtype'));
  if (!shape || !shape.every((size): size is number => size !== undefined) || !dtype) {
    throw pickleFault('corrupt', 'a joblib array has no readable shape or dtype, so the end of its data is unknown', at);
  }
  if (dtype.hasObject) {
    // joblib loads object arrays with a fresh plain Unpickler: nested wrappers get no special reading.
    wrapper.payload = emulateStream(reader, context).value;
    return;
  }
  const alignment = dictGet(wrapper.state, 'numpy_array_alignment_bytes');
  if (alignment !== undefined && alignment !== null) {
    const padding = reader.u8('joblib array padding length');
    reader.take(padding, 'joblib array padding');
  }
  const count = elementCount(shape);
  const size = count * dtype.itemsize;
  if (!Number.isSafeInteger(size) || size > reader.remaining) {
    throw pickleFault('truncated', `a joblib array of shape (${shape.join(', ')}) and dtype ${dtype.descr} needs ${size} bytes but only ${reader.remaining} remain`, reader.pos);
  }
  wrapper.payload = { kind: 'bytes', data: reader.take(size, 'joblib array data'), mutable: false };
}

export const joblibHooks: EmulatorHooks = {
  afterBuild(target, reader, context) {
    if (isInstanceOf(target, ARRAY_WRAPPER) && target.payload === undefined) readArrayPayload(target, reader, context);
  },
};
