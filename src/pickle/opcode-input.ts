import { ByteReader, pickleFault } from './reader.js';

/**
 * Where opcodes are read from. The C unpickler (`pickle.load`) reads frames transparently but
 * consumes a whole frame from the file, so a stream that stops inside a frame leaves the file at
 * the frame's end. The pure-Python unpickler that joblib uses loads each frame into a buffer of
 * its own: opcodes come from that buffer, while array data read from the file comes from after the
 * frame. Both are emulated, so the next stream or array starts exactly where the loader's would.
 */
export type UnpicklerKind = 'c' | 'python';

export class OpcodeInput {
  private frame: ByteReader | undefined;
  private frameBase = 0;
  private furthestFrameEnd = 0;

  constructor(
    readonly file: ByteReader,
    readonly kind: UnpicklerKind,
  ) {}

  /** Offset in the file of the next opcode byte. */
  get offset(): number {
    return this.frame ? this.frameBase + this.frame.pos : this.file.pos;
  }

  get atEnd(): boolean {
    return this.frame ? this.frame.atEnd && this.file.atEnd : this.file.atEnd;
  }

  private source(count: number): ByteReader {
    if (!this.frame) return this.file;
    if (this.frame.atEnd && count !== 0) {
      this.frame = undefined;
      return this.file;
    }
    if (this.frame.remaining < count) throw pickleFault('corrupt', 'an opcode runs past the end of its frame', this.offset);
    return this.frame;
  }

  u8(what: string): number {
    return this.source(1).u8(what);
  }

  u16(what: string): number {
    return this.source(2).u16(what);
  }

  u32(what: string): number {
    return this.source(4).u32(what);
  }

  i32(what: string): number {
    return this.source(4).i32(what);
  }

  u64(what: string): number {
    return this.source(8).u64(what);
  }

  f64be(what: string): number {
    return this.source(8).f64be(what);
  }

  take(count: number, what: string): Uint8Array {
    return this.source(count).take(count, what);
  }

  line(what: string, maxLength?: number): Uint8Array {
    if (this.frame && this.frame.atEnd) this.frame = undefined;
    if (!this.frame) return this.file.line(what, maxLength);
    const newline = this.frame.bytes.subarray(this.frame.pos).indexOf(0x0a);
    if (newline < 0) throw pickleFault('corrupt', `${what} runs past the end of its frame`, this.offset);
    return this.frame.line(what, maxLength);
  }

  /** FRAME: `length` bytes from here make one frame. */
  startFrame(length: number): void {
    if (this.kind === 'python') {
      if (this.frame && !this.frame.atEnd) throw pickleFault('corrupt', 'a FRAME starts before the end of the current frame', this.offset);
      this.frame = undefined;
    }
    if (length > this.file.remaining) {
      throw pickleFault('truncated', `FRAME declares ${length} bytes but only ${this.file.remaining} remain`, this.offset);
    }
    if (this.kind === 'c') {
      this.furthestFrameEnd = Math.max(this.furthestFrameEnd, this.file.pos + length);
      return;
    }
    this.frameBase = this.file.pos;
    this.frame = new ByteReader(this.file.bytes.subarray(this.file.pos, this.file.pos + length));
    this.file.pos += length;
  }

  /** After STOP: the file position where the loader leaves the file. */
  finish(): void {
    this.frame = undefined;
    if (this.kind === 'c' && this.furthestFrameEnd > this.file.pos) this.file.pos = this.furthestFrameEnd;
  }
}
