import { inflateRawSync } from 'node:zlib';
import { constants } from 'node:buffer';
import { PickleFormatError } from '../errors.js';
import { decodeLatin1, decodeUtf8 } from './reader.js';

/**
 * The archives model files come in, read without any zip library: a zip's central directory is
 * what Python's zipfile and PyTorch read, so that is what is listed; members are extracted one by
 * one, inflated with the output capped by what is left of the size limit (a zip bomb stops at the
 * limit), and never written anywhere. `.npy` headers are parsed as numpy does (a literal dict).
 */

export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's data in the archive. */
  dataOffset: number;
  encrypted: boolean;
}

function fault(problem: 'corrupt' | 'truncated' | 'unsupported' | 'limit', message: string): PickleFormatError {
  return new PickleFormatError(problem, message);
}

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

/** The members of a zip archive, from its central directory. */
export function zipMembers(bytes: Uint8Array, maxMembers = 100_000): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(bytes.length)) throw fault('corrupt', 'a zip64 size or offset is larger than the archive');
    return Number(value);
  };
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at -= 1) {
    if (u32(at) === ZIP_END) {
      end = at;
      break;
    }
  }
  if (end < 0) throw fault('corrupt', 'a zip archive without its end-of-central-directory record (cut short?)');
  let count = u16(end + 10);
  let directorySize = u32(end + 12);
  let directoryOffset = u32(end + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== ZIP64_LOCATOR) throw fault('corrupt', 'a zip64 archive without its zip64 locator');
    const record = u64(locator + 8);
    if (record + 56 > bytes.length || u32(record) !== ZIP64_END) throw fault('corrupt', 'a zip64 archive without its zip64 end record');
    count = u64(record + 32);
    directorySize = u64(record + 40);
    directoryOffset = u64(record + 48);
  }
  if (directoryOffset + directorySize > bytes.length) throw fault('truncated', 'the zip central directory runs past the end of the file');
  if (count > maxMembers) throw fault('limit', `the zip archive lists ${count} members; the limit is ${maxMembers}`);
  const members: ZipMember[] = [];
  let at = directoryOffset;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > bytes.length || u32(at) !== ZIP_CENTRAL) throw fault('corrupt', `zip central directory entry ${index} is damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    let compressedSize = u32(at + 20);
    let size = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localOffset = u32(at + 42);
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = flags & 0x800 ? decodeUtf8(nameBytes) : decodeLatin1(nameBytes);
    // zip64 extended information: the 0xffffffff fields, in order, as 8-byte values.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = u16(extra);
      const length = u16(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        if (size === 0xffffffff) { size = u64(field); field += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = u64(field); field += 8; }
        if (localOffset === 0xffffffff) localOffset = u64(field);
      }
      extra += 4 + length;
    }
    at = extraEnd + commentLength;
    if (localOffset + 30 > bytes.length || u32(localOffset) !== ZIP_LOCAL) throw fault('corrupt', `the zip member ${JSON.stringify(name)} has no local header where the directory says`);
    const dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (dataOffset + compressedSize > bytes.length) throw fault('truncated', `the zip member ${JSON.stringify(name)} runs past the end of the file`);
    members.push({ name, method, compressedSize, size, dataOffset, encrypted: (flags & 1) === 1 });
  }
  return members;
}

/** A member's bytes: stored ones as a view, deflated ones inflated with the output capped at `budget` bytes. */
export function zipMemberData(bytes: Uint8Array, member: ZipMember, budget: number): Uint8Array {
  const raw = bytes.subarray(member.dataOffset, member.dataOffset + member.compressedSize);
  const label = JSON.stringify(member.name);
  if (member.encrypted) throw fault('unsupported', `the zip member ${label} is encrypted`);
  if (member.size > budget) throw fault('limit', `the zip member ${label} declares ${member.size} bytes, more than the ${budget} left under the size limit`);
  if (member.method === 0) {
    if (member.compressedSize !== member.size) throw fault('corrupt', `the stored zip member ${label} has two different sizes`);
    return raw;
  }
  if (member.method !== 8) throw fault('unsupported', `the zip member ${label} is compressed with method ${member.method}; only stored and deflated members are read`);
  let data: Uint8Array;
  try {
    data = inflateRawSync(raw, { maxOutputLength: Math.min(Math.max(1, budget), constants.MAX_LENGTH) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw fault('limit', `the zip member ${label} inflates to more than the ${budget} bytes left under the size limit`);
    }
    throw fault('corrupt', `the zip member ${label} does not inflate (${(error as Error).message})`);
  }
  if (data.length !== member.size) throw fault('corrupt', `the zip member ${label} inflates to ${data.length} bytes, not the ${member.size} its header says`);
  return data;
}

// ---- .npy -----------------------------------------------------------------------------------

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function isNpy(bytes: Uint8Array): boolean {
  return NPY_MAGIC.every((byte, index) => bytes[index] === byte);
}

export type NpyLiteral = string | number | boolean | null | NpyLiteral[] | { [key: string]: NpyLiteral };

/** The Python literals numpy writes in an .npy header (`ast.literal_eval` of a dict). */
function parseLiteral(text: string): NpyLiteral {
  let at = 0;
  const space = (): void => {
    while (at < text.length && /\s/.test(text[at] as string)) at += 1;
  };
  const fail = (): never => {
    throw fault('corrupt', `the .npy header is not a Python literal (at character ${at})`);
  };
  let depth = 0;
  const value = (): NpyLiteral => {
    space();
    const char = text[at];
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, at + 1);
      if (close < 0) fail();
      const out = text.slice(at + 1, close);
      if (out.includes('\\')) fail();
      at = close + 1;
      return out;
    }
    if (char === '{' || char === '(' || char === '[') {
      if (++depth > 32) fail();
      const closer = char === '{' ? '}' : char === '(' ? ')' : ']';
      at += 1;
      const items: NpyLiteral[] = [];
      const dict: Record<string, NpyLiteral> = Object.create(null) as Record<string, NpyLiteral>;
      for (;;) {
        space();
        if (text[at] === closer) {
          at += 1;
          break;
        }
        const item = value();
        if (char === '{') {
          space();
          if (text[at] !== ':' || typeof item !== 'string') fail();
          at += 1;
          Object.defineProperty(dict, item as string, { value: value(), enumerable: true, writable: true });
        } else {
          items.push(item);
        }
        space();
        if (text[at] === ',') at += 1;
        else if (text[at] !== closer) fail();
      }
      depth -= 1;
      return char === '{' ? dict : items;
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(at, at + 40));
    if (!word) return fail();
    at += (word[0] as string).length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number((word[0] as string).replace(/L$/, ''));
  };
  const result = value();
  space();
  if (at !== text.length) fail();
  return result;
}

export interface NpyHeader {
  version: string;
  descr: NpyLiteral;
  fortranOrder: boolean;
  shape: number[];
  /** Offset of the data after the header. */
  dataOffset: number;
  /** The dtype holds Python objects: numpy.load(allow_pickle=True) unpickles the data. */
  holdsObjects: boolean;
  /** Bytes per element when no objects are held, else null. */
  itemsize: number | null;
}

const NPY_SIZES: Readonly<Record<string, readonly number[]>> = {
  b: [1], '?': [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 16], c: [8, 16, 32], M: [8], m: [8], O: [8],
};

/** Item size of a numpy type string like `<f8`, `|S5`, `<U3`, `|O`; null when it holds objects; undefined when unknown. */
function descrSize(descr: NpyLiteral, depth = 0): number | null | undefined {
  if (typeof descr === 'string') {
    const match = /^[<>|=]?([?bBiufcOSUVMm])(\d*)(\[\w+\])?$/.exec(descr);
    if (!match) return undefined;
    const kind = match[1] as string;
    const size = match[2] === '' ? undefined : Number(match[2]);
    if (kind === 'O') return null;
    if (kind === 'S' || kind === 'V') return size;
    if (kind === 'U') return size === undefined ? undefined : size * 4;
    if (kind === 'B') return size === undefined || size === 1 ? 1 : undefined;
    const sizes = NPY_SIZES[kind === '?' ? '?' : kind];
    if (size === undefined) return kind === '?' || kind === 'b' ? 1 : undefined;
    return sizes?.includes(size) ? size : undefined;
  }
  if (Array.isArray(descr) && depth < 8) {
    let total = 0;
    for (const field of descr) {
      if (!Array.isArray(field) || field.length < 2 || field.length > 3) return undefined;
      const inner = descrSize(field[1] as NpyLiteral, depth + 1);
      if (inner === null) return null;
      if (inner === undefined) return undefined;
      let count = 1;
      if (field.length === 3) {
        const shape = Array.isArray(field[2]) ? field[2] : [field[2]];
        for (const size of shape) {
          if (typeof size !== 'number' || size < 0) return undefined;
          count *= size;
        }
      }
      total += inner * count;
    }
    return total;
  }
  return undefined;
}

export function readNpyHeader(bytes: Uint8Array, offset = 0): NpyHeader {
  const major = bytes[offset + 6];
  const minor = bytes[offset + 7];
  if (major === undefined || minor === undefined) throw fault('truncated', 'the .npy header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset);
  let length: number;
  let start: number;
  if (major === 1) {
    if (bytes.length < offset + 10) throw fault('truncated', 'the .npy header is cut short');
    length = view.getUint16(8, true);
    start = offset + 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < offset + 12) throw fault('truncated', 'the .npy header is cut short');
    length = view.getUint32(8, true);
    start = offset + 12;
  } else {
    throw fault('unsupported', `.npy format version ${major}.${minor} is not one numpy writes`);
  }
  if (start + length > bytes.length) throw fault('truncated', `the .npy header declares ${length} bytes but the file is shorter`);
  if (length > 1024 * 1024) throw fault('limit', `the .npy header is ${length} bytes long`);
  const text = major === 3 ? decodeUtf8(bytes.subarray(start, start + length)) : decodeLatin1(bytes.subarray(start, start + length));
  const header = parseLiteral(text.trim());
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fault('corrupt', 'the .npy header is not a dict');
  const keys = Object.keys(header).sort().join(',');
  if (keys !== 'descr,fortran_order,shape') throw fault('corrupt', `the .npy header has keys ${keys}, not descr, fortran_order and shape`);
  const shape = header.shape;
  if (!Array.isArray(shape) || !shape.every((size) => typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw fault('corrupt', 'the .npy shape is not a tuple of non-negative integers');
  }
  if (typeof header.fortran_order !== 'boolean') throw fault('corrupt', 'the .npy fortran_order is not True or False');
  const size = descrSize(header.descr ?? null);
  if (size === undefined) throw fault('unsupported', `the .npy dtype ${JSON.stringify(header.descr).slice(0, 80)} is not one this inspector reads`);
  return {
    version: `${major}.${minor}`,
    descr: header.descr ?? null,
    fortranOrder: header.fortran_order,
    shape: shape as number[],
    dataOffset: start + length,
    holdsObjects: size === null,
    itemsize: size,
  };
}

// ---- PyTorch --------------------------------------------------------------------------------

/** torch.save's legacy (pre-1.6) stream starts with this number pickled. */
export const TORCH_LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** A tar archive (PyTorch's oldest format is a tar with `storages`, `tensors` and `pickle` members). */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 262 && decodeLatin1(bytes.subarray(257, 262)) === 'ustar';
}
