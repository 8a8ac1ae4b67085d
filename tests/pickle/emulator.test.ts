import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PickleFormatError } from '../../src/errors.js';
import { emulateStream } from '../../src/pickle/emulator.js';
import { newContext } from '../../src/pickle/machine.js';
import { inspectBytes } from '../../src/pickle/inspect.js';
import { resolveLimits, type InspectionLimits } from '../../src/pickle/limits.js';
import { ByteReader } from '../../src/pickle/reader.js';
import type { PickleValue } from '../../src/pickle/values.js';
import { bytes, global, PROTO4, STOP, text, u32 } from './build.js';

function emulate(data: Uint8Array): PickleValue {
  return emulateStream(new ByteReader(data), newContext(resolveLimits())).value;
}

function failure(data: Uint8Array, limits: Partial<InspectionLimits> = {}): PickleFormatError {
  try {
    inspectBytes(data, { fileName: 'crafted.pkl', limits });
  } catch (error) {
    expect(error).toBeInstanceOf(PickleFormatError);
    return error as PickleFormatError;
  }
  throw new Error('expected a PickleFormatError');
}

describe('opcode emulation', () => {
  it('decodes protocol 0 text opcodes with their escapes', () => {
    const value = emulate(bytes("(S'a\\x41\\n\\'b'\n", 'Vcaf\\u00e9 \\U0001F427\n', 'I01\n', 'I-42\n', 'L123456789012345678901234567890L\n', 'F2.5\n', 'Finf\n', 'l', STOP));
    expect(value).toEqual({
      kind: 'list',
      items: ["aA\n'b", 'café 🐧', true, -42, 123456789012345678901234567890n, 2.5, Infinity],
    });
  });

  it('decodes binary integers, floats and bytes', () => {
    const float = new Uint8Array(8);
    new DataView(float.buffer).setFloat64(0, -0.125, false);
    const value = emulate(bytes(PROTO4, '(', 0x8a, 2, 0x00, 0xff, 0x8a, 1, 0xff, 'J', 0xfe, 0xff, 0xff, 0xff, 'M', 0x34, 0x12, 'G', float, 'C', 3, 'abc', 0x88, 0x89, 'N', 't', STOP));
    expect(value).toEqual({
      kind: 'tuple',
      items: [-256, -1, -2, 0x1234, -0.125, { kind: 'bytes', data: Uint8Array.from([97, 98, 99]), mutable: false }, true, false, null],
    });
  });

  it('builds dicts as Maps, sets, and shared references through the memo', () => {
    const value = emulate(bytes(PROTO4, '}', 0x94, '(', text('__proto__'), ']', 0x94, text('self'), 'h', 0, 'u', 0x8f, '(', 'K', 1, 'K', 2, 0x90, 0x86, STOP));
    expect(value).toMatchObject({ kind: 'tuple' });
    const [dict, set] = (value as { items: PickleValue[] }).items as [{ kind: 'dict'; entries: Map<PickleValue, PickleValue> }, unknown];
    expect(dict.entries.get('__proto__')).toEqual({ kind: 'list', items: [] });
    expect(dict.entries.get('self')).toBe(dict);
    expect(set).toEqual({ kind: 'set', frozen: false, items: [1, 2] });
  });

  it('records calls and objects instead of making them', () => {
    const value = emulate(bytes(PROTO4, global('os', 'system'), text('echo hi'), 0x85, 'R', STOP));
    expect(value).toMatchObject({
      kind: 'instance',
      via: 'REDUCE',
      callee: { kind: 'global', module: 'os', name: 'system', resolved: true },
      args: { kind: 'tuple', items: ['echo hi'] },
    });
  });

  it('rejects stack underflow, a missing MARK, unwritten memo entries, unknown opcodes and a missing STOP', () => {
    expect(failure(bytes(PROTO4, 'a', STOP)).problem).toBe('corrupt');
    expect(failure(bytes(PROTO4, 'K', 1, 't', STOP)).oneLine).toContain('TUPLE has no MARK before it');
    expect(failure(bytes(PROTO4, 'h', 9, STOP)).oneLine).toContain('memo entry 9 is read before it is written');
    expect(failure(bytes(PROTO4, 0xff)).oneLine).toContain('byte 0xff is not a pickle opcode');
    expect(failure(bytes(0x80, 6, 'N', STOP)).problem).toBe('unsupported');
    expect(failure(bytes(PROTO4, 'N')).problem).toBe('truncated');
  });

  it('treats extension codes and BUILD on an import as risks', () => {
    const report = inspectBytes(bytes(PROTO4, 0x82, 7, ')', 'R', '0', global('collections', 'OrderedDict'), '}', 'b', '0', 'N', STOP));
    expect(report.globals.map((finding) => [finding.module, finding.verdict])).toEqual([
      ['<extension code 7>', 'dangerous'],
      ['collections', 'suspicious'],
    ]);
    expect(report.globals[1]?.reason).toContain('overwrites attributes of this import');
  });

  it('judges an import by all its uses, not the first few', () => {
    const benign = Array.from({ length: 11 }, () => [global('collections', 'OrderedDict'), '0']);
    const report = inspectBytes(bytes(PROTO4, benign, global('collections', 'OrderedDict'), '}', 'b', '0', 'N', STOP));
    expect(report.globals).toHaveLength(1);
    expect(report.globals[0]).toMatchObject({ count: 12, verdict: 'suspicious' });
    expect(report.globals[0]?.offsets).toHaveLength(10);
  });

  it('reports imports seen before a problem in the error', () => {
    const error = failure(bytes(PROTO4, global('os', 'system'), 'X', u32(100), 'abc'));
    expect(error.problem).toBe('truncated');
    expect(error.globalsSeen).toEqual(['os.system']);
    expect(error.oneLine).toContain('before that it imports os.system (dangerous)');
  });

  it('notes trailing bytes that are not a pickle, and keeps the first', () => {
    const report = inspectBytes(bytes(PROTO4, 'N', STOP, 'garbage'));
    expect(report.format).toMatchObject({ streams: 1, trailingBytes: 7 });
    expect(report.notes[0]).toContain('7 bytes after the pickle (from byte 4) are not a complete pickle');
  });

  it('notes out-of-band buffers and persistent ids it cannot see', () => {
    const report = inspectBytes(bytes(0x80, 5, '(', 0x97, 0x98, 'P', 'storage\n', 'l', STOP));
    expect(report.notes.join(' ')).toMatch(/out-of-band buffers.*persistent id/);
  });

  it('survives self-referencing containers', () => {
    // A list that contains itself, as the model: summaries and JSON stay finite.
    const report = inspectBytes(bytes(PROTO4, global('sklearn.x', 'Model'), ')', 0x81, 0x94, '}', text('loop'), 'h', 0, 's', 'b', STOP));
    expect(report.model?.hyperparameters.loop).toEqual({ $class: 'sklearn.x.Model' });
    expect(() => JSON.stringify(report)).not.toThrow();
  });

  it('keeps a "__proto__" key as a plain key in the report', () => {
    // state: {'class_weight': {'__proto__': {'polluted': 1}}}
    const report = inspectBytes(
      bytes(PROTO4, global('sklearn.x', 'Model'), ')', 0x81, '}', text('class_weight'), '}', text('__proto__'), '}', text('polluted'), 'K', 1, 's', 's', 's', 'b', STOP),
    );
    const weights = report.model?.hyperparameters.class_weight as Record<string, unknown>;
    expect(Object.hasOwn(weights, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(weights)).toBe(Object.prototype);
    expect(weights.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(report.model?.hyperparameters))).toEqual({ class_weight: JSON.parse('{"__proto__":{"polluted":1}}') });
  });

  it('summarizes a tiny pickle describing a huge shared graph within its budget', () => {
    // L0 = [], then L(k) = [L(k-1)] * 50: 50^12 paths through 13 small lists.
    const levels = [bytes(']', 0x94, '0')];
    for (let level = 1; level <= 12; level += 1) levels.push(bytes(']', 0x94, '(', ...Array.from({ length: 50 }, () => ['h', level - 1]), 'e', '0'));
    const model = bytes(global('sklearn.x', 'Model'), ')', 0x81, '}', '(', ...Array.from({ length: 30 }, (_, index) => [text(`p${index}`), 'h', 12]), 'u', 'b');
    const report = inspectBytes(bytes(PROTO4, levels, model, STOP));
    expect(Object.keys(report.model?.hyperparameters ?? {})).toHaveLength(30);
    expect(report.notes).toContain('the model summary was cut short: the object graph is larger than any real model');
    expect(JSON.stringify(report).length).toBeLessThan(4_000_000);
  });

  it('stops at a pipeline that contains itself', () => {
    const report = inspectBytes(bytes(PROTO4, global('sklearn.pipeline', 'Pipeline'), ')', 0x81, 0x94, '}', text('steps'), ']', '(', text('again'), 'h', 0, 0x86, 'e', 's', 'b', STOP));
    expect(report.model?.steps).toEqual([{ name: 'again', estimator: null, placeholder: null }]);
  });

  it('finds a model kept in a top-level dict', () => {
    const report = inspectBytes(bytes(PROTO4, '}', text('model'), global('sklearn.linear_model', 'Ridge'), ')', 0x81, '}', text('alpha'), 'K', 3, 's', 'b', 's', STOP));
    expect(report.modelPath).toBe('["model"]');
    expect(report.model?.hyperparameters).toEqual({ alpha: 3 });
  });
});

describe('limits', () => {
  it('caps the input size before reading', () => {
    expect(failure(bytes(PROTO4, 'N', STOP), { maxFileBytes: 3 }).problem).toBe('limit');
  });

  it('caps the opcode count across the file', () => {
    const many = bytes(PROTO4, ...Array.from({ length: 200 }, () => ['N', '0']), 'N', STOP);
    const error = failure(many, { maxOpcodes: 100 });
    expect(error.problem).toBe('limit');
    expect(error.oneLine).toContain('more than 100 opcodes');
    expect(inspectBytes(many, { limits: { maxOpcodes: 1000 } }).opcodes.total).toBe(403);
  });

  it('caps the memo, the stack, MARK nesting and integer sizes', () => {
    expect(failure(bytes(PROTO4, ...Array.from({ length: 20 }, () => ['N', 0x94])), { maxMemoEntries: 10 }).oneLine).toContain('memo holds more than 10');
    expect(failure(bytes(PROTO4, ...Array.from({ length: 20 }, () => 'N')), { maxStackDepth: 10 }).oneLine).toContain('stack holds more than 10');
    expect(failure(bytes(PROTO4, ...Array.from({ length: 20 }, () => '(')), { maxMarkDepth: 10 }).oneLine).toContain('more than 10 nested MARKs');
    expect(failure(bytes(PROTO4, 0x8b, u32(5000), new Uint8Array(5000), STOP), { maxIntegerBytes: 1024 }).oneLine).toContain('5000-byte integer');
  });

  it('caps decompressed size: a zlib bomb stops at the limit', () => {
    const bomb = deflateSync(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const error = failure(bomb, { maxDecompressedBytes: 1024 * 1024 });
    expect(error.problem).toBe('limit');
    expect(error.oneLine).toContain('inflates to more than 1048576 bytes');
  });

  it('checks every declared length against the bytes that remain', () => {
    const eight = new Uint8Array(8);
    new DataView(eight.buffer).setBigUint64(0, 1n << 40n, true);
    expect(failure(bytes(PROTO4, 0x8e, eight, STOP)).problem).toBe('truncated');
    expect(failure(bytes(PROTO4, 0x95, eight, 'N', STOP)).problem).toBe('truncated');
    expect(failure(bytes(PROTO4, 'T', 0xff, 0xff, 0xff, 0xff, STOP)).oneLine).toContain('negative length');
  });
});
