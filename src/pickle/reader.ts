import { PickleFormatError, type PickleProblem } from '../errors.js';

export function pickleFault(problem: PickleProblem, message: string, offset: number, hint?: string): PickleFormatError {
  return new PickleFormatError(problem, `${message} (at byte ${offset})`, { offset, ...(hint ? { hint } : {}) });
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Bounds-checked reads over a byte array. Every length a file declares is checked against what is
 * left before anything is sliced, so a lying header is a `truncated` error, never a huge allocation.
 * Slices are views, not copies.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  private need(count: number, what: string): number {
    if (count > this.remaining) {
      throw pickleFault('truncated', `${what} needs ${count} bytes but only ${this.remaining} remain`, this.pos);
    }
    const at = this.pos;
    this.pos += count;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }

  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  i32(what: string): number {
    return this.view.getInt32(this.need(4, what), true);
  }

  /** An 8-byte little-endian length; anything beyond 2^53 cannot fit in the input anyway. */
  u64(what: string): number {
    const at = this.need(8, what);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw pickleFault('truncated', `${what} declares ${value} bytes, more than the input holds`, at);
    }
    return Number(value);
  }

  f64be(what: string): number {
    return this.view.getFloat64(this.need(8, what), false);
  }

  take(count: number, what: string): Uint8Array {
    const at = this.need(count, what);
    return this.bytes.subarray(at, at + count);
  }

  /** The bytes up to the next newline (consumed, not returned); at most `maxLength` of them. */
  line(what: string, maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
    const searchEnd = Math.min(this.bytes.length, this.pos + maxLength + 1);
    const newline = this.bytes.subarray(this.pos, searchEnd).indexOf(0x0a);
    if (newline < 0) {
      if (searchEnd >= this.bytes.length) throw pickleFault('truncated', `${what} has no end of line`, this.pos);
      throw pickleFault('limit', `${what} is longer than ${maxLength} characters`, this.pos);
    }
    const text = this.bytes.subarray(this.pos, this.pos + newline);
    this.pos += newline + 1;
    return text;
  }
}
