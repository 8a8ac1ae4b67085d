import { escapeDecode, rawUnicodeEscapeDecode } from './argument-codecs.js';
import { Machine, type EmulationContext, type EmulatorHooks } from './machine.js';
import { OpcodeInput, type UnpicklerKind } from './opcode-input.js';
import { HIGHEST_PROTOCOL, OPCODE_NAMES, PROTOCOL_0_OPCODES } from './opcodes.js';
import { ByteReader, decodeLatin1, decodeUtf8, pickleFault } from './reader.js';
import type { PickleValue } from './values.js';

/**
 * A pickle virtual machine that never calls anything. It follows CPython's `_Unpickler` opcode by
 * opcode, but where Python would import a module or call a function it only records what would
 * have happened: imports become `GlobalRef`s (all listed in `globals`), calls and object creations
 * become `PyInstance`s. Every loop is bounded by the input and by the limits. This module is the
 * opcode loop; machine.ts holds the state the opcodes change, opcode-input.ts where they are read.
 */

export interface StreamResult {
  value: PickleValue;
  start: number;
  /** Offset just past the STOP opcode. */
  end: number;
  /** The PROTO opcode's version; without one, 1 if a binary opcode appears, else 0. */
  protocol: number;
}

/** Runs opcodes until STOP; returns the value STOP pops. */
function run(machine: Machine): PickleValue {
  const { reader, context, limits } = machine;
  for (;;) {
    machine.at = reader.offset;
    if (reader.atEnd) throw pickleFault('truncated', 'the pickle ends before its STOP opcode', machine.at);
    const code = reader.u8('opcode');
    const name = OPCODE_NAMES.get(code);
    if (name === undefined) {
      machine.corrupt(`byte 0x${code.toString(16).padStart(2, '0')} is not a pickle opcode`);
    }
    context.opcodes += 1;
    if (context.opcodes > limits.maxOpcodes) {
      throw pickleFault('limit', `more than ${limits.maxOpcodes} opcodes`, machine.at);
    }
    context.opcodeCounts[code] = (context.opcodeCounts[code] ?? 0) + 1;
    if (!PROTOCOL_0_OPCODES.has(name)) machine.sawBinaryOpcode = true;

    switch (name) {
      case 'PROTO': {
        const version = reader.u8('PROTO');
        if (version > HIGHEST_PROTOCOL) {
          throw pickleFault('unsupported', `pickle protocol ${version} is newer than ${HIGHEST_PROTOCOL}`, machine.at);
        }
        machine.protocol ??= version;
        break;
      }
      case 'FRAME': {
        reader.startFrame(reader.u64('FRAME'));
        break;
      }
      case 'STOP': {
        const value = machine.pop('STOP');
        reader.finish();
        return value;
      }
      case 'MARK':
        if (machine.marks.length >= limits.maxMarkDepth) {
          throw pickleFault('limit', `more than ${limits.maxMarkDepth} nested MARKs`, machine.at);
        }
        machine.marks.push(machine.stack.length);
        break;
      case 'POP':
        if (machine.stack.length > machine.floor) machine.stack.pop();
        else machine.popMark('POP');
        break;
      case 'POP_MARK':
        machine.popMark('POP_MARK');
        break;
      case 'DUP':
        machine.push(machine.top('DUP'));
        break;

      case 'NONE':
        machine.push(null);
        break;
      case 'NEWTRUE':
        machine.push(true);
        break;
      case 'NEWFALSE':
        machine.push(false);
        break;
      case 'INT': {
        const text = machine.numberText('INT');
        if (text === '00' || text === '01') machine.push(text === '01');
        else machine.push(machine.textInteger('INT', text));
        break;
      }
      case 'LONG':
        machine.push(machine.textInteger('LONG', machine.numberText('LONG').replace(/L$/, '')));
        break;
      case 'BININT':
        machine.push(reader.i32('BININT'));
        break;
      case 'BININT1':
        machine.push(reader.u8('BININT1'));
        break;
      case 'BININT2':
        machine.push(reader.u16('BININT2'));
        break;
      case 'LONG1':
        machine.push(machine.longBytes('LONG1', reader.u8('LONG1')));
        break;
      case 'LONG4':
        machine.push(machine.longBytes('LONG4', reader.i32('LONG4')));
        break;
      case 'FLOAT': {
        const text = machine.numberText('FLOAT').toLowerCase();
        const special: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN };
        const value = special[text] ?? (text === '' ? NaN : Number(text));
        if (Number.isNaN(value) && text !== 'nan') machine.corrupt(`FLOAT argument "${text.slice(0, 40)}" is not a number`);
        machine.push(value);
        break;
      }
      case 'BINFLOAT':
        machine.push(reader.f64be('BINFLOAT'));
        break;

      case 'STRING': {
        const raw = decodeLatin1(reader.line('STRING'));
        const quote = raw[0];
        if (raw.length < 2 || (quote !== "'" && quote !== '"') || raw[raw.length - 1] !== quote) {
          machine.corrupt('the STRING argument is not quoted');
        }
        machine.push(escapeDecode(raw.slice(1, -1)));
        break;
      }
      case 'BINSTRING': {
        const length = reader.i32('BINSTRING');
        if (length < 0) machine.corrupt('BINSTRING declares a negative length');
        machine.push(decodeLatin1(reader.take(length, 'BINSTRING')));
        break;
      }
      case 'SHORT_BINSTRING':
        machine.push(decodeLatin1(reader.take(reader.u8('SHORT_BINSTRING'), 'SHORT_BINSTRING')));
        break;
      case 'UNICODE': {
        const text = rawUnicodeEscapeDecode(decodeLatin1(reader.line('UNICODE')));
        if (text === undefined) machine.corrupt('the UNICODE argument has a truncated or out-of-range \\u escape');
        machine.push(text);
        break;
      }
      case 'SHORT_BINUNICODE':
        machine.push(decodeUtf8(reader.take(reader.u8('SHORT_BINUNICODE'), 'SHORT_BINUNICODE')));
        break;
      case 'BINUNICODE':
        machine.push(decodeUtf8(reader.take(reader.u32('BINUNICODE'), 'BINUNICODE')));
        break;
      case 'BINUNICODE8':
        machine.push(decodeUtf8(reader.take(reader.u64('BINUNICODE8'), 'BINUNICODE8')));
        break;
      case 'SHORT_BINBYTES':
        machine.push({ kind: 'bytes', data: reader.take(reader.u8('SHORT_BINBYTES'), 'SHORT_BINBYTES'), mutable: false });
        break;
      case 'BINBYTES':
        machine.push({ kind: 'bytes', data: reader.take(reader.u32('BINBYTES'), 'BINBYTES'), mutable: false });
        break;
      case 'BINBYTES8':
        machine.push({ kind: 'bytes', data: reader.take(reader.u64('BINBYTES8'), 'BINBYTES8'), mutable: false });
        break;
      case 'BYTEARRAY8':
        machine.push({ kind: 'bytes', data: reader.take(reader.u64('BYTEARRAY8'), 'BYTEARRAY8'), mutable: true });
        break;
      case 'NEXT_BUFFER':
        machine.push({ kind: 'opaque', what: 'out-of-band buffer' });
        break;
      case 'READONLY_BUFFER':
        machine.top('READONLY_BUFFER');
        break;

      case 'EMPTY_TUPLE':
        machine.push({ kind: 'tuple', items: [] });
        break;
      case 'TUPLE':
        machine.push({ kind: 'tuple', items: machine.popMark('TUPLE') });
        break;
      case 'TUPLE1': {
        const first = machine.pop('TUPLE1');
        machine.push({ kind: 'tuple', items: [first] });
        break;
      }
      case 'TUPLE2': {
        const second = machine.pop('TUPLE2');
        const first = machine.pop('TUPLE2');
        machine.push({ kind: 'tuple', items: [first, second] });
        break;
      }
      case 'TUPLE3': {
        const third = machine.pop('TUPLE3');
        const second = machine.pop('TUPLE3');
        const first = machine.pop('TUPLE3');
        machine.push({ kind: 'tuple', items: [first, second, third] });
        break;
      }
      case 'EMPTY_LIST':
        machine.push({ kind: 'list', items: [] });
        break;
      case 'LIST':
        machine.push({ kind: 'list', items: machine.popMark('LIST') });
        break;
      case 'APPEND': {
        const item = machine.pop('APPEND');
        machine.append(machine.top('APPEND'), [item], 'APPEND');
        break;
      }
      case 'APPENDS': {
        const items = machine.popMark('APPENDS');
        machine.append(machine.top('APPENDS'), items, 'APPENDS');
        break;
      }
      case 'EMPTY_DICT':
        machine.push({ kind: 'dict', entries: new Map() });
        break;
      case 'DICT': {
        const dict: PickleValue = { kind: 'dict', entries: new Map() };
        machine.setItems(dict, machine.popMark('DICT'), 'DICT');
        machine.push(dict);
        break;
      }
      case 'SETITEM': {
        const value = machine.pop('SETITEM');
        const key = machine.pop('SETITEM');
        machine.setItems(machine.top('SETITEM'), [key, value], 'SETITEM');
        break;
      }
      case 'SETITEMS': {
        const flat = machine.popMark('SETITEMS');
        machine.setItems(machine.top('SETITEMS'), flat, 'SETITEMS');
        break;
      }
      case 'EMPTY_SET':
        machine.push({ kind: 'set', frozen: false, items: [] });
        break;
      case 'FROZENSET':
        machine.push({ kind: 'set', frozen: true, items: machine.popMark('FROZENSET') });
        break;
      case 'ADDITEMS': {
        const items = machine.popMark('ADDITEMS');
        const target = machine.top('ADDITEMS');
        if (typeof target !== 'object' || target === null || target.kind !== 'set') machine.corrupt('ADDITEMS adds to something that is not a set');
        for (const item of items) target.items.push(item);
        break;
      }

      case 'PUT':
        machine.remember(machine.memoIndex('PUT'));
        break;
      case 'BINPUT':
        machine.remember(reader.u8('BINPUT'));
        break;
      case 'LONG_BINPUT':
        machine.remember(reader.u32('LONG_BINPUT'));
        break;
      case 'MEMOIZE':
        machine.remember(machine.memo.size);
        break;
      case 'GET':
        machine.recall(machine.memoIndex('GET'));
        break;
      case 'BINGET':
        machine.recall(reader.u8('BINGET'));
        break;
      case 'LONG_BINGET':
        machine.recall(reader.u32('LONG_BINGET'));
        break;

      case 'GLOBAL':
        machine.push(machine.textGlobal('GLOBAL'));
        break;
      case 'STACK_GLOBAL': {
        const globalName = machine.pop('STACK_GLOBAL');
        const module = machine.pop('STACK_GLOBAL');
        machine.push(machine.importGlobal(module, globalName, 'STACK_GLOBAL'));
        break;
      }
      case 'EXT1':
      case 'EXT2':
      case 'EXT4': {
        const extension = name === 'EXT1' ? reader.u8(name) : name === 'EXT2' ? reader.u16(name) : reader.i32(name);
        // The copyreg extension registry maps codes to imports only inside the loading process.
        machine.push(machine.importGlobal(`<extension code ${extension}>`, null, name));
        break;
      }
      case 'INST': {
        const ref = machine.textGlobal('INST');
        const args = machine.popMark('INST');
        machine.push(machine.create(ref, { kind: 'tuple', items: args }, undefined, 'INST'));
        break;
      }
      case 'OBJ': {
        const items = machine.popMark('OBJ');
        if (items.length === 0) machine.corrupt('OBJ has no class');
        const [callee, ...args] = items as [PickleValue, ...PickleValue[]];
        machine.push(machine.create(callee, { kind: 'tuple', items: args }, undefined, 'OBJ'));
        break;
      }
      case 'REDUCE': {
        const args = machine.pop('REDUCE');
        const callee = machine.pop('REDUCE');
        machine.push(machine.create(callee, args, undefined, 'REDUCE'));
        break;
      }
      case 'NEWOBJ': {
        const args = machine.pop('NEWOBJ');
        const callee = machine.pop('NEWOBJ');
        machine.push(machine.create(callee, args, undefined, 'NEWOBJ'));
        break;
      }
      case 'NEWOBJ_EX': {
        const kwargs = machine.pop('NEWOBJ_EX');
        const args = machine.pop('NEWOBJ_EX');
        const callee = machine.pop('NEWOBJ_EX');
        machine.push(machine.create(callee, args, kwargs, 'NEWOBJ_EX'));
        break;
      }
      case 'BUILD':
        machine.build();
        break;
      case 'PERSID':
        reader.line('PERSID');
        machine.push({ kind: 'opaque', what: 'persistent id' });
        break;
      case 'BINPERSID':
        machine.pop('BINPERSID');
        machine.push({ kind: 'opaque', what: 'persistent id' });
        break;
      default:
        machine.corrupt(`opcode ${name} is not handled`);
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
  const value = run(machine);
  return { value, start, end: reader.pos, protocol: machine.protocol ?? (machine.sawBinaryOpcode ? 1 : 0) };
}
