import { decodeLong, toInt } from './argument-codecs.js';
import type { InspectionLimits } from './limits.js';
import type { OpcodeInput } from './opcode-input.js';
import { ByteReader, decodeLatin1, decodeUtf8, pickleFault } from './reader.js';
import type { GlobalRef, PickleValue, PyInstance } from './values.js';

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

/** What an integer or memo index written as text may look like. */
const DECIMAL = /^[+-]?\d+$/;

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

/** The unpickler's state (stack, marks, memo) and what its opcodes do to it, calling nothing. */
export class Machine {
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

  /** The stack below the innermost MARK, which only POP_MARK and the MARK-taking opcodes may touch. */
  get floor(): number {
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
}
