import { decodeLatin1 } from './reader.js';
import type { Scalar } from './report.js';
import {
  asCount,
  dictGet,
  isBytes,
  isInstanceOf,
  sequenceItems,
  type PickleValue,
} from './values.js';

/**
 * numpy arrays and dtypes as pickles describe them, read without numpy: a plain pickle rebuilds an
 * array with `_reconstruct` + BUILD (protocols 0-4) or `_frombuffer` (protocol 5), joblib wraps it
 * in a `NumpyArrayWrapper` whose data follows the opcode stream.
 */

const RECONSTRUCT = ['numpy._core.multiarray._reconstruct', 'numpy.core.multiarray._reconstruct'];
const FROMBUFFER = ['numpy._core.numeric._frombuffer', 'numpy.core.numeric._frombuffer'];
const SCALAR = ['numpy._core.multiarray.scalar', 'numpy.core.multiarray.scalar'];
export const ARRAY_WRAPPER = 'joblib.numpy_pickle.NumpyArrayWrapper';

export interface DtypeInfo {
  /** numpy's type string without byte order, e.g. `f8`, `i8`, `O8`, `U7`, `V56`. */
  descr: string;
  kind: string;
  itemsize: number;
  byteorder: string;
  hasObject: boolean;
  fieldNames: string[];
}

/** What a pickled `numpy.dtype(descr, align, copy)` + BUILD state says about the type. */
function dtypeInfo(value: PickleValue | undefined): DtypeInfo | undefined {
  if (!isInstanceOf(value, 'numpy.dtype')) return undefined;
  const descr = sequenceItems(value.args)?.[0];
  if (typeof descr !== 'string' || !/^[a-zA-Z]\d*$/.test(descr)) return undefined;
  const kind = descr.charAt(0);
  const declared = Number.parseInt(descr.slice(1) || '0', 10);
  // state: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
  const state = sequenceItems(value.state) ?? [];
  const stateSize = asCount(state[5]);
  const itemsize = stateSize !== undefined && stateSize > 0 ? stateSize : kind === 'U' ? declared * 4 : declared;
  const byteorder = typeof state[1] === 'string' ? state[1] : '|';
  const fieldNames = (sequenceItems(state[3]) ?? []).filter((name): name is string => typeof name === 'string');
  return { descr, kind, itemsize, byteorder, hasObject: holdsObjects(value), fieldNames };
}

/**
 * Whether a dtype, its subarray base or any of its fields is `object`. A worklist visits each dtype
 * once, so a crafted dtype that nests deeply or lists itself among its fields costs only its size.
 */
function holdsObjects(root: PickleValue): boolean {
  const seen = new Set<PickleValue>();
  const pending: Array<PickleValue | undefined> = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (!isInstanceOf(value, 'numpy.dtype') || seen.has(value)) continue;
    seen.add(value);
    const descr = sequenceItems(value.args)?.[0];
    if (typeof descr === 'string' && descr.startsWith('O')) return true;
    const state = sequenceItems(value.state) ?? [];
    pending.push(sequenceItems(state[2])?.[0]);
    for (const field of fieldsOf(state[4]) ?? []) pending.push(sequenceItems(field)?.[0]);
  }
  return false;
}

function fieldsOf(value: PickleValue | undefined): Iterable<PickleValue> | undefined {
  return typeof value === 'object' && value !== null && value.kind === 'dict' ? value.entries.values() : undefined;
}

/** Raw bytes from `bytes`, a latin-1 `str` (Python 2), or protocol 2's `_codecs.encode(text, 'latin1')`. */
function bytesOf(value: PickleValue | undefined): Uint8Array | undefined {
  if (isBytes(value)) return value.data;
  if (typeof value === 'string') {
    const out = new Uint8Array(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if (code > 0xff) return undefined;
      out[index] = code;
    }
    return out;
  }
  if (isInstanceOf(value, '_codecs.encode')) {
    const [text, encoding] = sequenceItems(value.args) ?? [];
    return typeof text === 'string' && (encoding === 'latin1' || encoding === 'latin-1') ? bytesOf(text) : undefined;
  }
  if (isInstanceOf(value, 'builtins.bytes', '__builtin__.bytes') && sequenceItems(value.args)?.length === 0) {
    return new Uint8Array(0);
  }
  return undefined;
}

export interface ArrayView {
  shape: number[];
  dtype: DtypeInfo | undefined;
  /** The elements of an object array. */
  objects?: readonly PickleValue[];
  /** The buffer of a numeric array, in `fortran` or C order. */
  raw?: Uint8Array;
  fortran: boolean;
}

function shapeOf(value: PickleValue | undefined): number[] | undefined {
  const items = sequenceItems(value);
  if (!items) return undefined;
  const shape = items.map(asCount);
  return shape.every((size): size is number => size !== undefined) ? shape : undefined;
}

function viewOf(shape: number[] | undefined, dtype: PickleValue | undefined, data: PickleValue | undefined, fortran: boolean): ArrayView | undefined {
  if (!shape) return undefined;
  const info = dtypeInfo(dtype);
  const objects = sequenceItems(data);
  if (objects) return { shape, dtype: info, objects, fortran };
  const raw = bytesOf(data);
  return raw ? { shape, dtype: info, raw, fortran } : { shape, dtype: info, fortran };
}

/** An ndarray in any of its pickled forms, or undefined when the value is not one. */
export function asArray(value: PickleValue | undefined, depth = 0): ArrayView | undefined {
  if (depth > 2) return undefined;
  if (isInstanceOf(value, ...RECONSTRUCT)) {
    // BUILD state: (version, shape, dtype, is_fortran, data)
    const state = sequenceItems(value.state);
    if (!state) return undefined;
    return viewOf(shapeOf(state[1]), state[2], state[4], state[3] === true);
  }
  if (isInstanceOf(value, ...FROMBUFFER)) {
    const [buffer, dtype, shape, order] = sequenceItems(value.args) ?? [];
    return viewOf(shapeOf(shape), dtype, buffer, order === 'F');
  }
  if (isInstanceOf(value, ARRAY_WRAPPER)) {
    const nested = asArray(value.payload, depth + 1);
    if (nested) return nested;
    const state = value.state;
    return viewOf(shapeOf(dictGet(state, 'shape')), dictGet(state, 'dtype'), value.payload, dictGet(state, 'order') === 'F');
  }
  return undefined;
}

function halfToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bigToScalar(value: bigint): Scalar {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** Reads element `index` of a numeric, boolean or fixed-width string buffer. */
function readElement(raw: Uint8Array, dtype: DtypeInfo, index: number): Scalar | undefined {
  const { kind, itemsize } = dtype;
  const start = index * itemsize;
  if (start + itemsize > raw.length) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset + start, itemsize);
  const little = dtype.byteorder !== '>';
  switch (kind) {
    case 'f':
      if (itemsize === 8) return view.getFloat64(0, little);
      if (itemsize === 4) return view.getFloat32(0, little);
      if (itemsize === 2) return halfToNumber(view.getUint16(0, little));
      return undefined;
    case 'i':
    case 'u': {
      const signed = kind === 'i';
      if (itemsize === 1) return signed ? view.getInt8(0) : view.getUint8(0);
      if (itemsize === 2) return signed ? view.getInt16(0, little) : view.getUint16(0, little);
      if (itemsize === 4) return signed ? view.getInt32(0, little) : view.getUint32(0, little);
      if (itemsize === 8) return bigToScalar(signed ? view.getBigInt64(0, little) : view.getBigUint64(0, little));
      return undefined;
    }
    case 'b':
      return itemsize === 1 ? view.getUint8(0) !== 0 : undefined;
    case 'U': {
      let text = '';
      for (let offset = 0; offset + 4 <= itemsize; offset += 4) {
        const code = view.getUint32(offset, little);
        if (code === 0) break;
        text += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
      }
      return text;
    }
    case 'S': {
      const bytes = raw.subarray(start, start + itemsize);
      const end = bytes.indexOf(0);
      return decodeLatin1(end < 0 ? bytes : bytes.subarray(0, end));
    }
    default:
      return undefined;
  }
}

/** A Python scalar as JSON-friendly data (big integers become decimal strings). */
export function toScalar(value: PickleValue | undefined): Scalar | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return bigToScalar(value);
  if (isInstanceOf(value, ...SCALAR)) {
    const [dtype, data] = sequenceItems(value.args) ?? [];
    const info = dtypeInfo(dtype);
    const raw = bytesOf(data);
    return info && raw ? readElement(raw, info, 0) : undefined;
  }
  return undefined;
}

/**
 * The first `max` elements of a one-dimensional array as scalars, or undefined when the array is
 * not one-dimensional or its elements are not plain numbers, booleans or strings.
 */
export function arrayScalars(view: ArrayView, max: number): { items: Scalar[]; total: number } | undefined {
  if (view.shape.length !== 1) return undefined;
  const total = view.shape[0] ?? 0;
  const count = Math.min(total, max);
  const items: Scalar[] = [];
  for (let index = 0; index < count; index += 1) {
    let item: Scalar | undefined;
    if (view.objects) item = toScalar(view.objects[index]);
    else if (view.raw && view.dtype) item = readElement(view.raw, view.dtype, index);
    if (item === undefined) return undefined;
    items.push(item);
  }
  return { items, total };
}
