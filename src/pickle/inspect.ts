import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, PickleFormatError, type PickleProblem } from '../errors.js';
import { emulateStream, newContext, type EmulationContext } from './emulator.js';
import { classifyGlobal, worstVerdict, type Verdict } from './globals.js';
import { decompress, detectCompression, joblibHooks, recogniseOtherFormat } from './joblib.js';
import { resolveLimits, type InspectionLimits } from './limits.js';
import { ARRAY_WRAPPER } from './numpy.js';
import { OPCODE_NAMES } from './opcodes.js';
import { ByteReader } from './reader.js';
import type { GlobalFinding, InspectionReport } from './report.js';
import { Budget, findModel, summarizeEstimator, SUMMARY_BUDGET, toJson } from './sklearn.js';
import { qualifiedName, type GlobalRef, type PickleValue } from './values.js';

/**
 * Static inspection of a pickle or joblib file: what it holds and what loading it would import,
 * found by emulating its opcodes. Nothing in the file is executed or imported.
 */

export interface InspectOptions {
  /** The name the report and errors use (default `<bytes>`). */
  fileName?: string;
  /** The path the bytes were read from, recorded in the report. */
  path?: string;
  limits?: Partial<InspectionLimits>;
}

const HINTS: Readonly<Record<PickleProblem, string>> = {
  'not-pickle': 'pass a file written by pickle.dump or joblib.dump (.pkl, .pickle, .joblib)',
  truncated: 'the file is incomplete: copy or download it again, and do not load this copy',
  corrupt: 'the file is damaged or crafted: get it again from its source, and do not load this copy',
  limit: 'no real model comes near this limit; treat the file as hostile unless you know why it is so large',
  unsupported: 're-save the model with pickle protocol 5 or lower',
};

const SIZE_HINT = 'raise the size limit (inspect --max-size) if the file is a model you expect to be this large';

const LISTED_OFFSETS = 10;
const LISTED_CALLS = 3;
const CALL_TEXT = 200;

function distinctNames(globals: readonly GlobalRef[]): string[] {
  return [...new Set(globals.map(qualifiedName))];
}

/** The error, re-issued with the file's name and what was imported before the problem. */
function withFindings(error: unknown, fileName: string, context: EmulationContext | undefined, bytes: Uint8Array): never {
  if (!(error instanceof PickleFormatError)) throw error;
  const globals = context?.globals ?? [];
  const seen = distinctNames(globals);
  const dangerous = distinctNames(globals.filter((ref) => classifyGlobal(ref).verdict === 'dangerous'));
  let problem = error.problem;
  let message = error.message;
  const other = recogniseOtherFormat(bytes);
  if (problem === 'corrupt' && seen.length === 0 && bytes[0] !== 0x80 && other !== undefined && (error.offset ?? 0) < 16) {
    problem = 'not-pickle';
    message = `not a pickle: this looks like ${other}`;
  }
  if (dangerous.length > 0) message += `; before that it imports ${dangerous.slice(0, 5).join(', ')} (dangerous)`;
  else if (seen.length > 0) message += `; imports seen before that: ${seen.slice(0, 5).join(', ')}${seen.length > 5 ? ', …' : ''}`;
  throw new PickleFormatError(problem, message, {
    location: fileName,
    hint: error.hint ?? HINTS[problem],
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    globalsSeen: seen,
    cause: error,
  });
}

function callText(args: unknown): string {
  const text = JSON.stringify(args);
  return text.length > CALL_TEXT ? `${text.slice(0, CALL_TEXT)}…` : text;
}

/** One finding per distinct import; its verdict is the worst over all its uses. */
function findings(globals: readonly GlobalRef[]): GlobalFinding[] {
  const byKey = new Map<string, { finding: GlobalFinding; refs: GlobalRef[] }>();
  for (const ref of globals) {
    const key = `${ref.resolved}\u0000${ref.module}\u0000${ref.name}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        finding: { module: ref.module, name: ref.name, verdict: 'safe', reason: '', resolved: ref.resolved, count: 0, offsets: [], calledWith: [] },
        refs: [],
      };
      byKey.set(key, entry);
    }
    entry.finding.count += 1;
    if (entry.finding.offsets.length < LISTED_OFFSETS) entry.finding.offsets.push(ref.offset);
    entry.refs.push(ref);
  }
  return [...byKey.values()].map(({ finding, refs }) => {
    const verdicts = refs.map(classifyGlobal);
    const worst = worstVerdict(verdicts.map((item) => item.verdict));
    const budget = new Budget(1000);
    const calls: PickleValue[] = [];
    for (const ref of refs.filter((_, index) => verdicts[index]?.verdict === worst)) {
      if (calls.length >= LISTED_CALLS) break;
      calls.push(...(ref.calls ?? []).slice(0, LISTED_CALLS - calls.length));
    }
    return {
      ...finding,
      verdict: worst,
      reason: verdicts.find((item) => item.verdict === worst)?.reason ?? '',
      // What a flagged import would be called with says what loading would do (e.g. a shell command).
      calledWith: worst === 'suspicious' || worst === 'dangerous' ? calls.map((args) => callText(toJson(args, budget))) : [],
    };
  });
}

function opcodeCounts(context: EmulationContext): Record<string, number> {
  const counts: Array<[string, number]> = [];
  context.opcodeCounts.forEach((count, code) => {
    if (count > 0) counts.push([OPCODE_NAMES.get(code) ?? `0x${code.toString(16)}`, count]);
  });
  return Object.fromEntries(counts.sort(([, a], [, b]) => b - a));
}

/** Inspects a pickle or joblib file held in memory. Throws PickleFormatError for unreadable input. */
export function inspectBytes(bytes: Uint8Array, options: InspectOptions = {}): InspectionReport {
  const limits = resolveLimits(options.limits);
  const fileName = options.fileName ?? '<bytes>';
  if (bytes.length > limits.maxFileBytes) {
    withFindings(new PickleFormatError('limit', `${bytes.length} bytes is more than the ${limits.maxFileBytes}-byte limit`, { hint: SIZE_HINT }), fileName, undefined, bytes);
  }
  const file = {
    name: fileName,
    path: options.path ?? null,
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  const compression = detectCompression(bytes);
  if (compression !== 'none' && compression !== 'zlib' && compression !== 'gzip') {
    return {
      file,
      format: { container: 'joblib', compression, inspected: false, protocol: null, pickleBytes: null, streams: 0, trailingBytes: 0 },
      verdict: 'not-inspected',
      model: null,
      modelPath: null,
      globals: [],
      opcodes: { total: 0, counts: {} },
      notes: [`compressed with ${compression}, which is not inspected: nothing is known about what loading it would do`],
      limits,
    };
  }

  let data: Uint8Array = bytes;
  let context: EmulationContext | undefined;
  try {
    if (compression !== 'none') data = decompress(bytes, compression, limits);
    if (data.length === 0) throw new PickleFormatError('not-pickle', compression === 'none' ? 'the file is empty' : 'the decompressed data is empty');
    context = newContext(limits);
    const reader = new ByteReader(data);
    const first = emulateStream(reader, context, joblibHooks);
    const notes: string[] = [];
    let streams = 1;
    let trailingBytes = 0;
    while (!reader.atEnd) {
      const start = reader.pos;
      if (streams >= limits.maxStreams) {
        trailingBytes = data.length - start;
        notes.push(`${trailingBytes} bytes after the first ${streams} pickle streams were not read (stream limit)`);
        break;
      }
      try {
        emulateStream(reader, context, joblibHooks);
        streams += 1;
      } catch (error) {
        if (!(error instanceof PickleFormatError) || error.problem === 'limit') throw error;
        trailingBytes = data.length - start;
        notes.push(`${trailingBytes} bytes after the pickle (from byte ${start}) are not a complete pickle: ${error.message}`);
        break;
      }
    }
    if (streams > 1) notes.push(`the file holds ${streams} concatenated pickles; pickle.load reads only the first, but a loader may read them all`);

    const found = findModel(first.value);
    const budget = new Budget(SUMMARY_BUDGET);
    const model = found ? summarizeEstimator(found.value, budget) : null;
    if (found?.path) notes.push(`the file holds a ${typeof first.value === 'object' && first.value !== null ? first.value.kind : 'value'}; the model is its item ${found.path}`);
    if (budget.exhausted) notes.push('the model summary was cut short: the object graph is larger than any real model');
    const names = new Set(context.globals.map(qualifiedName));
    if (names.has('joblib.numpy_pickle.NDArrayWrapper')) notes.push('arrays are stored in side files next to this one (joblib before 0.10); they were not read');
    const counts = opcodeCounts(context);
    if (counts.NEXT_BUFFER) notes.push('the pickle expects out-of-band buffers that are not in the file');
    if (counts.PERSID || counts.BINPERSID) notes.push('the pickle refers to objects by persistent id, which its loader supplies from elsewhere');

    const globals = findings(context.globals);
    const verdict: Verdict = worstVerdict(globals.map((finding) => finding.verdict));
    return {
      file,
      format: {
        container: compression !== 'none' || names.has(ARRAY_WRAPPER) || names.has('joblib.numpy_pickle.NDArrayWrapper') ? 'joblib' : 'pickle',
        compression,
        inspected: true,
        protocol: first.protocol,
        pickleBytes: data.length,
        streams,
        trailingBytes,
      },
      verdict,
      model,
      modelPath: found?.path ?? null,
      globals,
      opcodes: { total: context.opcodes, counts },
      notes,
      limits,
    };
  } catch (error) {
    withFindings(error, fileName, context, data);
  }
}

function unreadable(path: string, error: unknown, flag: string | undefined): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'file not found'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTFILE' || code === 'EISDIR' ? 'not a regular file'
    : (error as Error).message;
  return new InputError(`cannot read ${path}: ${reason}`, {
    ...(flag ? { location: flag } : {}),
    hint: `pass ${flag ? `${flag} with ` : ''}the path of a readable .pkl or .joblib file`,
    cause: error,
  });
}

/**
 * Reads and inspects a file. A missing or unreadable file is an InputError naming it, and the
 * flag that pointed to it when given (e.g. `--pkl`).
 */
export async function inspectModelFile(path: string, limits: Partial<InspectionLimits> = {}, flag?: string): Promise<InspectionReport> {
  const resolved = resolveLimits(limits);
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    if (info.size > resolved.maxFileBytes) {
      throw new PickleFormatError('limit', `${info.size} bytes is more than the ${resolved.maxFileBytes}-byte limit`, {
        location: path,
        hint: SIZE_HINT,
      });
    }
    bytes = await readFile(path);
  } catch (error) {
    throw error instanceof PickleFormatError ? error : unreadable(path, error, flag);
  }
  return inspectBytes(bytes, { fileName: basename(path), path, limits: resolved });
}
