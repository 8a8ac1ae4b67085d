import type { InspectionLimits } from './limits.js';
import { HIGHEST_PROTOCOL, OPCODE_NAMES, PROTOCOL_0_OPCODES } from './opcodes.js';
import { ByteReader, decodeLatin1, decodeUtf8, pickleFault } from './reader.js';
import type { GlobalRef, PickleValue, PyInstance } from './values.js';

/**
 * A pickle virtual machine that never calls anything. It follows CPython's `_Unpickler` opcode by
 * opcode, but where Python would import a module or call a function it only records what would
 * have happened: imports become `GlobalRef`s (all listed in `globals`), calls and object creations
 * become `PyInstance`s. Every loop is bounded by the input and by the limits.
 */

/** State shared by every stream of one file, nested joblib pickles included. */
export interface EmulationContext {
  readonly limits: InspectionLimits;
  opcodes: number;
  /** Count per opcode byte. */
  readonly opcodeCounts: number[];
  /** Every import, in order of appearance. */
  readonly globals: GlobalRef[];
}

export function newContext(limits: InspectionLimits): EmulationContext {
  return { limits, opcodes: 0, opcodeCounts: new Array<number>(256).fill(0), globals: [] };
}

export interface EmulatorHooks {
  /** Called after each BUILD on an object, with the file reader (where data outside the opcodes is read from). */
  afterBuild?(target: PyInstance, reader: ByteReader, context: EmulationContext): void;
}

export interface StreamResult {
  value: PickleValue;
  start: number;
  /** Offset just past the STOP opcode. */
  end: number;
  /** The PROTO opcode's version; without one, 1 if a binary opcode appears, else 0. */
  protocol: number;
}

/** What an integer or memo index written as text may look like. */
const DECIMAL = /^[+-]?\d+$/;

function toInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Little-endian two's complement, as LONG1 and LONG4 store integers. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '';
  for (let index = bytes.length - 1; index >= 0; index -= 1) hex += (bytes[index] ?? 0).toString(16).padStart(2, '0');
  let value = BigInt(`0x${hex}`);
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return toInt(value);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Python's `codecs.escape_decode`, as protocol 0 STRING arguments are written. */
function escapeDecode(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|\n|.)/gs, (whole, escape: string) => {
    if (escape === '\n') return '';
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8) & 0xff);
    return SIMPLE_ESCAPES[escape] ?? whole;
  });
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Python's `raw-unicode-escape` decoding, as protocol 0 UNICODE arguments are written, in one pass:
 * a backslash followed by `u` + 4 or `U` + 8 hex digits is that character; a backslash followed by
 * anything else is kept with that character (so `\\\\u0041` stays as written); a `\\u` without its
 * digits, or above U+10FFFF, makes Python refuse the pickle. Returns undefined for those.
 */
function rawUnicodeEscapeDecode(text: string): string | undefined {
  const parts: string[] = [];
  let from = 0;
  let index = text.indexOf('\\');
  while (index >= 0 && index < text.length - 1) {
    const marker = text[index + 1];
    if (marker === 'u' || marker === 'U') {
      const digits = text.slice(index + 2, index + (marker === 'u' ? 6 : 10));
      if (digits.length !== (marker === 'u' ? 4 : 8) || !HEX.test(digits)) return undefined;
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff) return undefined;
      parts.push(text.slice(from, index), String.fromCodePoint(code));
      from = index + 2 + digits.length;
      index = text.indexOf('\\', from);
    } else {
      // The escaped character is taken as it is, even when it is itself a backslash.
      index = text.indexOf('\\', index + 2);
    }
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * Where opcodes are read from. The C unpickler (`pickle.load`) reads frames transparently but
 * consumes a whole frame from the file, so a stream that stops inside a frame leaves the file at
 * the frame's end. The pure-Python unpickler that joblib uses loads each frame into a buffer of
 * its own: opcodes come from that buffer, while array data read from the file comes from after the
 * frame. Both are emulated, so the next stream or array starts exactly where the loader's would.
 */
export type UnpicklerKind = 'c' | 'python';

class OpcodeInput {
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

/** Constructors whose call never returns an exact `str` (what STACK_GLOBAL requires). */
const NON_STR_CONSTRUCTORS = new Set([
  'numpy.dtype', 'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray._reconstruct', 'numpy._core.numeric._frombuffer',
  'numpy.core.numeric._frombuffer', 'collections.OrderedDict', '_codecs.encode', 'builtins.set', 'builtins.frozenset', 'builtins.list',
  'builtins.dict', 'builtins.tuple', 'builtins.bytes', 'builtins.bytearray', 'builtins.int', 'builtins.float', 'builtins.complex',
  'builtins.slice', 'builtins.range', 'builtins.object',
]);

/**
 * Whether a value can never be an exact `str` when loading. Only a call's result or a persistent
 * id can be one without being written as a string; `cls.__new__(cls)` (NEWOBJ) gives a `str`
 * only for `str` itself.
 */
function notAString(value: PickleValue): boolean {
  if (typeof value !== 'object' || value === null) return typeof value !== 'string';
  if (value.kind === 'opaque') return false;
  if (value.kind !== 'instance') return true;
  const callee = value.callee;
  if (typeof callee !== 'object' || callee === null || callee.kind !== 'global' || !callee.resolved) return false;
  const name = `${callee.module === '__builtin__' ? 'builtins' : callee.module}.${callee.name}`;
  if (value.via === 'NEWOBJ' || value.via === 'NEWOBJ_EX') return name !== 'builtins.str';
  return NON_STR_CONSTRUCTORS.has(name);
}

class Machine {
  readonly stack: PickleValue[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, PickleValue>();
  protocol: number | undefined;
  sawBinaryOpcode = false;
  /** Offset of the opcode being run, for error messages. */
  at = 0;

  constructor(
    readonly reader: OpcodeInput,
    readonly context: EmulationContext,
    readonly hooks: EmulatorHooks,
  ) {}

  get limits(): InspectionLimits {
    return this.context.limits;
  }

  corrupt(message: string): never {
    throw pickleFault('corrupt', message, this.at);
  }

  push(value: PickleValue): void {
    if (this.stack.length >= this.limits.maxStackDepth) {
      throw pickleFault('limit', `the stack holds more than ${this.limits.maxStackDepth} values`, this.at);
    }
    this.stack.push(value);
  }

  private get floor(): number {
    return this.marks.at(-1) ?? 0;
  }

  pop(opcode: string): PickleValue {
    if (this.stack.length <= this.floor) this.corrupt(`${opcode} finds the stack empty`);
    return this.stack.pop() as PickleValue;
  }

  top(opcode: string): PickleValue {
    if (this.stack.length <= this.floor) this.corrupt(`${opcode} finds the stack empty`);
    return this.stack[this.stack.length - 1] as PickleValue;
  }

  popMark(opcode: string): PickleValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.corrupt(`${opcode} has no MARK before it`);
    return this.stack.splice(mark);
  }

  remember(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemoEntries) {
      throw pickleFault('limit', `the memo holds more than ${this.limits.maxMemoEntries} entries`, this.at);
    }
    this.memo.set(index, this.top('PUT'));
  }

  recall(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined) this.corrupt(`memo entry ${index} is read before it is written`);
    this.push(value);
  }

  numberText(opcode: string): string {
    return decodeLatin1(this.reader.line(opcode, this.limits.maxNumberText)).trim();
  }

  textInteger(opcode: string, text: string): number | bigint {
    if (!DECIMAL.test(text)) this.corrupt(`${opcode} argument "${text.slice(0, 40)}" is not an integer`);
    return toInt(BigInt(text));
  }

  memoIndex(opcode: string): number {
    const text = this.numberText(opcode);
    const index = this.textInteger(opcode, text);
    if (typeof index !== 'number' || index < 0) this.corrupt(`${opcode} index ${text.slice(0, 40)} is not a memo index`);
    return index;
  }

  longBytes(opcode: string, length: number): number | bigint {
    if (length < 0) this.corrupt(`${opcode} declares a negative length`);
    if (length > this.limits.maxIntegerBytes) {
      throw pickleFault('limit', `${opcode} declares a ${length}-byte integer; the limit is ${this.limits.maxIntegerBytes}`, this.at);
    }
    return decodeLong(this.reader.take(length, opcode));
  }

  importGlobal(module: PickleValue, name: PickleValue, opcode: string): GlobalRef {
    const resolved = typeof module === 'string' && typeof name === 'string';
    // Only a value computed while loading (a call's result, a persistent id) can turn out to be a
    // string; anything else that is not one makes pickle refuse the file at this opcode.
    if (!resolved && opcode === 'STACK_GLOBAL' && (typeof module === 'string' || notAString(module)) && (typeof name === 'string' || notAString(name))) {
      this.corrupt('STACK_GLOBAL operands are not strings, which pickle refuses');
    }
    const ref: GlobalRef = {
      kind: 'global',
      module: typeof module === 'string' ? module : '<unresolved>',
      name: typeof name === 'string' ? name : '<unresolved>',
      resolved,
      offset: this.at,
      opcode,
    };
    this.context.globals.push(ref);
    return ref;
  }

  textGlobal(opcode: string): GlobalRef {
    const module = decodeUtf8(this.reader.line(`${opcode} module`));
    const name = decodeUtf8(this.reader.line(`${opcode} name`));
    return this.importGlobal(module, name, opcode);
  }

  create(callee: PickleValue, args: PickleValue, kwargs: PickleValue | undefined, via: string): PyInstance {
    const instance: PyInstance = { kind: 'instance', callee, args, kwargs, via, offset: this.at };
    if (typeof callee === 'object' && callee !== null && callee.kind === 'global') {
      (callee.calls ??= []).push(args);
    } else {
      // Real pickles call imported classes and functions only; calling what an earlier call
      // returned is how payloads chain (getattr(...)(...)).
      this.context.globals.push({
        kind: 'global', module: '<computed>', name: '<call result>', resolved: true, offset: this.at, opcode: via, computedCall: true, calls: [args],
      });
    }
    return instance;
  }

  append(target: PickleValue, items: PickleValue[], opcode: string): void {
    if (typeof target === 'object' && target !== null) {
      if (target.kind === 'list') {
        for (const item of items) target.items.push(item);
        return;
      }
      if (target.kind === 'instance') {
        const list = (target.listItems ??= []);
        for (const item of items) list.push(item);
        return;
      }
    }
    this.corrupt(`${opcode} appends to something that is not a list`);
  }

  setItems(target: PickleValue, flat: PickleValue[], opcode: string): void {
    if (flat.length % 2 !== 0) this.corrupt(`${opcode} has a key without a value`);
    let entries: Map<PickleValue, PickleValue> | undefined;
    if (typeof target === 'object' && target !== null) {
      if (target.kind === 'dict') entries = target.entries;
      else if (target.kind === 'instance') entries = target.dictItems ??= new Map();
    }
    if (!entries) this.corrupt(`${opcode} sets items on something that is not a dict`);
    for (let index = 0; index < flat.length; index += 2) entries.set(flat[index] as PickleValue, flat[index + 1] as PickleValue);
  }

  build(): void {
    const state = this.pop('BUILD');
    const target = this.top('BUILD');
    if (typeof target !== 'object' || target === null) this.corrupt('BUILD sets the state of a plain value');
    if (target.kind === 'instance') {
      target.state = state;
      target.builds = (target.builds ?? 0) + 1;
      this.hooks.afterBuild?.(target, this.reader.file, this.context);
    } else if (target.kind === 'global') {
      // Loading would overwrite attributes of the imported class or function itself.
      target.mutatedAt ??= this.at;
    } else {
      this.corrupt(`BUILD sets the state of a ${target.kind}`);
    }
  }

  /** Runs opcodes until STOP; returns the value STOP pops. */
  run(): PickleValue {
    const { reader, context, limits } = this;
    for (;;) {
      this.at = reader.offset;
      if (reader.atEnd) throw pickleFault('truncated', 'the pickle ends before its STOP opcode', this.at);
      const code = reader.u8('opcode');
      const name = OPCODE_NAMES.get(code);
      if (name === undefined) {
        this.corrupt(`byte 0x${code.toString(16).padStart(2, '0')} is not a pickle opcode`);
      }
      context.opcodes += 1;
      if (context.opcodes > limits.maxOpcodes) {
        throw pickleFault('limit', `more than ${limits.maxOpcodes} opcodes`, this.at);
      }
      context.opcodeCounts[code] = (context.opcodeCounts[code] ?? 0) + 1;
      if (!PROTOCOL_0_OPCODES.has(name)) this.sawBinaryOpcode = true;

      switch (name) {
        case 'PROTO': {
          const version = reader.u8('PROTO');
          if (version > HIGHEST_PROTOCOL) {
            throw pickleFault('unsupported', `pickle protocol ${version} is newer than ${HIGHEST_PROTOCOL}`, this.at);
          }
          this.protocol ??= version;
          break;
        }
        case 'FRAME': {
          reader.startFrame(reader.u64('FRAME'));
          break;
        }
        case 'STOP': {
          const value = this.pop('STOP');
          reader.finish();
          return value;
        }
        case 'MARK':
          if (this.marks.length >= limits.maxMarkDepth) {
            throw pickleFault('limit', `more than ${limits.maxMarkDepth} nested MARKs`, this.at);
          }
          this.marks.push(this.stack.length);
          break;
        case 'POP':
          if (this.stack.length > this.floor) this.stack.pop();
          else this.popMark('POP');
          break;
        case 'POP_MARK':
          this.popMark('POP_MARK');
          break;
        case 'DUP':
          this.push(this.top('DUP'));
          break;

        case 'NONE':
          this.push(null);
          break;
        case 'NEWTRUE':
          this.push(true);
          break;
        case 'NEWFALSE':
          this.push(false);
          break;
        case 'INT': {
          const text = this.numberText('INT');
          if (text === '00' || text === '01') this.push(text === '01');
          else this.push(this.textInteger('INT', text));
          break;
        }
        case 'LONG':
          this.push(this.textInteger('LONG', this.numberText('LONG').replace(/L$/, '')));
          break;
        case 'BININT':
          this.push(reader.i32('BININT'));
          break;
        case 'BININT1':
          this.push(reader.u8('BININT1'));
          break;
        case 'BININT2':
          this.push(reader.u16('BININT2'));
          break;
        case 'LONG1':
          this.push(this.longBytes('LONG1', reader.u8('LONG1')));
          break;
        case 'LONG4':
          this.push(this.longBytes('LONG4', reader.i32('LONG4')));
          break;
        case 'FLOAT': {
          const text = this.numberText('FLOAT').toLowerCase();
          const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN };
          const value = special[text] ?? (text === '' ? NaN : Number(text));
          if (Number.isNaN(value) && text !== 'nan') this.corrupt(`FLOAT argument "${text.slice(0, 40)}" is not a number`);
          this.push(value);
          break;
        }
        case 'BINFLOAT':
          this.push(reader.f64be('BINFLOAT'));
          break;

        case 'STRING': {
          const raw = decodeLatin1(reader.line('STRING'));
          const quote = raw[0];
          if (raw.length < 2 || (quote !== "'" && quote !== '"') || raw[raw.length - 1] !== quote) {
            this.corrupt('the STRING argument is not quoted');
          }
          this.push(escapeDecode(raw.slice(1, -1)));
          break;
        }
        case 'BINSTRING': {
          const length = reader.i32('BINSTRING');
          if (length < 0) this.corrupt('BINSTRING declares a negative length');
          this.push(decodeLatin1(reader.take(length, 'BINSTRING')));
          break;
        }
        case 'SHORT_BINSTRING':
          this.push(decodeLatin1(reader.take(reader.u8('SHORT_BINSTRING'), 'SHORT_BINSTRING')));
          break;
        case 'UNICODE': {
          const text = rawUnicodeEscapeDecode(decodeLatin1(reader.line('UNICODE')));
          if (text === undefined) this.corrupt('the UNICODE argument has a truncated or out-of-range \\u escape');
          this.push(text);
          break;
        }
        case 'SHORT_BINUNICODE':
          this.push(decodeUtf8(reader.take(reader.u8('SHORT_BINUNICODE'), 'SHORT_BINUNICODE')));
          break;
        case 'BINUNICODE':
          this.push(decodeUtf8(reader.take(reader.u32('BINUNICODE'), 'BINUNICODE')));
          break;
        case 'BINUNICODE8':
          this.push(decodeUtf8(reader.take(reader.u64('BINUNICODE8'), 'BINUNICODE8')));
          break;
        case 'SHORT_BINBYTES':
          this.push({ kind: 'bytes', data: reader.take(reader.u8('SHORT_BINBYTES'), 'SHORT_BINBYTES'), mutable: false });
          break;
        case 'BINBYTES':
          this.push({ kind: 'bytes', data: reader.take(reader.u32('BINBYTES'), 'BINBYTES'), mutable: false });
          break;
        case 'BINBYTES8':
          this.push({ kind: 'bytes', data: reader.take(reader.u64('BINBYTES8'), 'BINBYTES8'), mutable: false });
          break;
        case 'BYTEARRAY8':
          this.push({ kind: 'bytes', data: reader.take(reader.u64('BYTEARRAY8'), 'BYTEARRAY8'), mutable: true });
          break;
        case 'NEXT_BUFFER':
          this.push({ kind: 'opaque', what: 'out-of-band buffer' });
          break;
        case 'READONLY_BUFFER':
          this.top('READONLY_BUFFER');
          break;

        case 'EMPTY_TUPLE':
          this.push({ kind: 'tuple', items: [] });
          break;
        case 'TUPLE':
          this.push({ kind: 'tuple', items: this.popMark('TUPLE') });
          break;
        case 'TUPLE1': {
          const first = this.pop('TUPLE1');
          this.push({ kind: 'tuple', items: [first] });
          break;
        }
        case 'TUPLE2': {
          const second = this.pop('TUPLE2');
          const first = this.pop('TUPLE2');
          this.push({ kind: 'tuple', items: [first, second] });
          break;
        }
        case 'TUPLE3': {
          const third = this.pop('TUPLE3');
          const second = this.pop('TUPLE3');
          const first = this.pop('TUPLE3');
          this.push({ kind: 'tuple', items: [first, second, third] });
          break;
        }
        case 'EMPTY_LIST':
          this.push({ kind: 'list', items: [] });
          break;
        case 'LIST':
          this.push({ kind: 'list', items: this.popMark('LIST') });
          break;
        case 'APPEND': {
          const item = this.pop('APPEND');
          this.append(this.top('APPEND'), [item], 'APPEND');
          break;
        }
        case 'APPENDS': {
          const items = this.popMark('APPENDS');
          this.append(this.top('APPENDS'), items, 'APPENDS');
          break;
        }
        case 'EMPTY_DICT':
          this.push({ kind: 'dict', entries: new Map() });
          break;
        case 'DICT': {
          const dict: PickleValue = { kind: 'dict', entries: new Map() };
          this.setItems(dict, this.popMark('DICT'), 'DICT');
          this.push(dict);
          break;
        }
        case 'SETITEM': {
          const value = this.pop('SETITEM');
          const key = this.pop('SETITEM');
          this.setItems(this.top('SETITEM'), [key, value], 'SETITEM');
          break;
        }
        case 'SETITEMS': {
          const flat = this.popMark('SETITEMS');
          this.setItems(this.top('SETITEMS'), flat, 'SETITEMS');
          break;
        }
        case 'EMPTY_SET':
          this.push({ kind: 'set', frozen: false, items: [] });
          break;
        case 'FROZENSET':
          this.push({ kind: 'set', frozen: true, items: this.popMark('FROZENSET') });
          break;
        case 'ADDITEMS': {
          const items = this.popMark('ADDITEMS');
          const target = this.top('ADDITEMS');
          if (typeof target !== 'object' || target === null || target.kind !== 'set') this.corrupt('ADDITEMS adds to something that is not a set');
          for (const item of items) target.items.push(item);
          break;
        }

        case 'PUT':
          this.remember(this.memoIndex('PUT'));
          break;
        case 'BINPUT':
          this.remember(reader.u8('BINPUT'));
          break;
        case 'LONG_BINPUT':
          this.remember(reader.u32('LONG_BINPUT'));
          break;
        case 'MEMOIZE':
          this.remember(this.memo.size);
          break;
        case 'GET':
          this.recall(this.memoIndex('GET'));
          break;
        case 'BINGET':
          this.recall(reader.u8('BINGET'));
          break;
        case 'LONG_BINGET':
          this.recall(reader.u32('LONG_BINGET'));
          break;

        case 'GLOBAL':
          this.push(this.textGlobal('GLOBAL'));
          break;
        case 'STACK_GLOBAL': {
          const globalName = this.pop('STACK_GLOBAL');
          const module = this.pop('STACK_GLOBAL');
          this.push(this.importGlobal(module, globalName, 'STACK_GLOBAL'));
          break;
        }
        case 'EXT1':
        case 'EXT2':
        case 'EXT4': {
          const extension = name === 'EXT1' ? reader.u8(name) : name === 'EXT2' ? reader.u16(name) : reader.i32(name);
          // The copyreg extension registry maps codes to imports only inside the loading process.
          this.push(this.importGlobal(`<extension code ${extension}>`, null, name));
          break;
        }
        case 'INST': {
          const ref = this.textGlobal('INST');
          const args = this.popMark('INST');
          this.push(this.create(ref, { kind: 'tuple', items: args }, undefined, 'INST'));
          break;
        }
        case 'OBJ': {
          const items = this.popMark('OBJ');
          if (items.length === 0) this.corrupt('OBJ has no class');
          const [callee, ...args] = items as [PickleValue, ...PickleValue[]];
          this.push(this.create(callee, { kind: 'tuple', items: args }, undefined, 'OBJ'));
          break;
        }
        case 'REDUCE': {
          const args = this.pop('REDUCE');
          const callee = this.pop('REDUCE');
          this.push(this.create(callee, args, undefined, 'REDUCE'));
          break;
        }
        case 'NEWOBJ': {
          const args = this.pop('NEWOBJ');
          const callee = this.pop('NEWOBJ');
          this.push(this.create(callee, args, undefined, 'NEWOBJ'));
          break;
        }
        case 'NEWOBJ_EX': {
          const kwargs = this.pop('NEWOBJ_EX');
          const args = this.pop('NEWOBJ_EX');
          const callee = this.pop('NEWOBJ_EX');
          this.push(this.create(callee, args, kwargs, 'NEWOBJ_EX'));
          break;
        }
        case 'BUILD':
          this.build();
          break;
        case 'PERSID':
          reader.line('PERSID');
          this.push({ kind: 'opaque', what: 'persistent id' });
          break;
        case 'BINPERSID':
          this.pop('BINPERSID');
          this.push({ kind: 'opaque', what: 'persistent id' });
          break;
        default:
          this.corrupt(`opcode ${name} is not handled`);
      }
    }
  }
}

/**
 * Emulates one pickle stream from the reader's position to its STOP. Throws PickleFormatError
 * (with the offset) on anything Python's unpickler would reject, and on any limit.
 */
export function emulateStream(reader: ByteReader, context: EmulationContext, hooks: EmulatorHooks = {}, kind: UnpicklerKind = 'c'): StreamResult {
  const start = reader.pos;
  const machine = new Machine(new OpcodeInput(reader, kind), context, hooks);
  const value = machine.run();
  return { value, start, end: reader.pos, protocol: machine.protocol ?? (machine.sawBinaryOpcode ? 1 : 0) };
}
