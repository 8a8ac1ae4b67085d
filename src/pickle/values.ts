/**
 * The inert data a pickle is emulated into. Python objects become records that say what would have
 * been called or built; nothing here can run code. Dicts are `Map`s, so a key such as `__proto__`
 * is an ordinary key and never reaches an object's prototype.
 */

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleBytes
  | PickleList
  | PickleTuple
  | PickleDict
  | PickleSet
  | GlobalRef
  | PyInstance
  | Opaque;

export interface PickleBytes {
  readonly kind: 'bytes';
  readonly data: Uint8Array;
  /** A Python `bytearray` rather than `bytes`. */
  readonly mutable: boolean;
}

export interface PickleList {
  readonly kind: 'list';
  readonly items: PickleValue[];
}

export interface PickleTuple {
  readonly kind: 'tuple';
  readonly items: readonly PickleValue[];
}

export interface PickleDict {
  readonly kind: 'dict';
  readonly entries: Map<PickleValue, PickleValue>;
}

export interface PickleSet {
  readonly kind: 'set';
  readonly frozen: boolean;
  readonly items: PickleValue[];
}

/** A `module.name` the pickle imports (GLOBAL, INST, STACK_GLOBAL, EXT*). */
export interface GlobalRef {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
  /** False when the operands were not plain strings (STACK_GLOBAL) or came from the extension registry. */
  readonly resolved: boolean;
  /** Byte offset of the import in its pickle data. */
  offset: number;
  readonly opcode: string;
  /** The archive member the pickle is, for pickles inside a zip. */
  member?: string;
  /** Set when a BUILD overwrote the attributes of the imported object itself. */
  mutatedAt?: number;
  /** The arguments of each call made through this import (REDUCE, NEWOBJ, OBJ, INST). */
  calls?: PickleValue[];
  /** Not an import: a call of a value an earlier call returned. */
  readonly computedCall?: boolean;
}

/** What a REDUCE, NEWOBJ, NEWOBJ_EX, OBJ or INST would have created: the callee and its arguments. */
export interface PyInstance {
  readonly kind: 'instance';
  readonly callee: PickleValue;
  readonly args: PickleValue;
  readonly kwargs: PickleValue | undefined;
  readonly via: string;
  readonly offset: number;
  /** The argument of the last BUILD on this object (its `__setstate__` or `__dict__` update). */
  state?: PickleValue;
  /** How many BUILDs set its state. */
  builds?: number;
  /** Items added by APPEND(S) or SETITEM(S), as for list and dict subclasses. */
  listItems?: PickleValue[];
  dictItems?: Map<PickleValue, PickleValue>;
  /** Data read from outside the opcode stream (a joblib array payload). */
  payload?: PickleValue;
}

/** Something a static reading cannot see: a persistent id or an out-of-band buffer. */
export interface Opaque {
  readonly kind: 'opaque';
  readonly what: string;
}

export function isGlobal(value: PickleValue | undefined): value is GlobalRef {
  return typeof value === 'object' && value !== null && value.kind === 'global';
}

export function isInstance(value: PickleValue | undefined): value is PyInstance {
  return typeof value === 'object' && value !== null && value.kind === 'instance';
}

export function isDict(value: PickleValue | undefined): value is PickleDict {
  return typeof value === 'object' && value !== null && value.kind === 'dict';
}

export function isBytes(value: PickleValue | undefined): value is PickleBytes {
  return typeof value === 'object' && value !== null && value.kind === 'bytes';
}

/** The items of a list or tuple, or undefined for anything else. */
export function sequenceItems(value: PickleValue | undefined): readonly PickleValue[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return value.kind === 'list' || value.kind === 'tuple' ? value.items : undefined;
}

export function qualifiedName(ref: GlobalRef): string {
  return `${ref.module}.${ref.name}`;
}

const RECONSTRUCTORS = new Set(['copyreg._reconstructor', 'copy_reg._reconstructor']);

/**
 * The class an instance was made from (`module.name`), when its callee is a plain import. Protocols
 * 0 and 1 build objects through `copyreg._reconstructor(cls, base, state)`: the class is `cls`.
 */
export function instanceClass(value: PickleValue | undefined): GlobalRef | undefined {
  if (!isInstance(value) || !isGlobal(value.callee)) return undefined;
  if (RECONSTRUCTORS.has(qualifiedName(value.callee))) {
    const cls = sequenceItems(value.args)?.[0];
    return isGlobal(cls) ? cls : undefined;
  }
  return value.callee;
}

export function isInstanceOf(value: PickleValue | undefined, ...qualified: string[]): value is PyInstance {
  const ref = instanceClass(value);
  return ref !== undefined && ref.resolved && qualified.includes(qualifiedName(ref));
}

/** A non-negative integer that fits a JS number, from an int or a small bigint. */
export function asCount(value: PickleValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  return undefined;
}

/** The entry of a dict (or of an instance's state dict) under a string key. */
export function dictGet(value: PickleValue | undefined, key: string): PickleValue | undefined {
  return isDict(value) ? value.entries.get(key) : undefined;
}
