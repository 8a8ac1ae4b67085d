import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, PickleFormatError, type PickleProblem } from '../errors.js';
import { isNpy, isTar, isZip, readNpyHeader, TORCH_LEGACY_MAGIC, zipMemberData, zipMembers } from './containers.js';
import { emulateStream, type StreamResult } from './emulator.js';
import { newContext, type EmulationContext } from './machine.js';
import type { UnpicklerKind } from './opcode-input.js';
import { classifyGlobal, worstVerdict } from './globals.js';
import { decompress, detectCompression, joblibHooks, recogniseOtherFormat } from './joblib.js';
import { resolveLimits, type InspectionLimits } from './limits.js';
import { ARRAY_WRAPPER } from './numpy.js';
import { OPCODE_NAMES } from './opcodes.js';
import { ByteReader } from './reader.js';
import type { FormatSummary, GlobalFinding, InspectionReport } from './report.js';
import { Budget, findModel, summarizeEstimator, SUMMARY_BUDGET, toJson } from './sklearn.js';
import { printableName } from './text.js';
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
function withFindings(error: unknown, fileName: string, globals: readonly GlobalRef[], bytes: Uint8Array): never {
  if (!(error instanceof PickleFormatError)) throw error;
  const seen = distinctNames(globals);
  const dangerous = distinctNames(globals.filter((ref) => classifyGlobal(ref).verdict === 'dangerous'));
  let problem = error.problem;
  let message = error.message;
  const other = recogniseOtherFormat(bytes);
  if (problem === 'corrupt' && seen.length === 0 && bytes[0] !== 0x80 && other !== undefined && (error.offset ?? 0) < 16) {
    problem = 'not-pickle';
    message = `not a pickle: this looks like ${other}`;
  }
  if (dangerous.length > 0) message += `; before that it imports ${dangerous.slice(0, 5).map(printableName).join(', ')} (dangerous)`;
  else if (seen.length > 0) message += `; imports seen before that: ${seen.slice(0, 5).map(printableName).join(', ')}${seen.length > 5 ? ', …' : ''}`;
  throw new PickleFormatError(problem, message, {
    location: fileName,
    hint: error.hint ?? HINTS[problem],
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    globalsSeen: seen.length > 0 ? seen : error.globalsSeen,
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
    const key = refKey(ref);
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        finding: {
          module: ref.module, name: ref.name, verdict: 'safe', reason: '', resolved: ref.resolved, count: 0, offsets: [], calledWith: [],
          ...(ref.member !== undefined ? { member: ref.member } : {}),
        },
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

function opcodeCounts(opcodeCounts: readonly number[]): Record<string, number> {
  const counts: Array<[string, number]> = [];
  opcodeCounts.forEach((count, code) => {
    if (count > 0) counts.push([OPCODE_NAMES.get(code) ?? `0x${code.toString(16)}`, count]);
  });
  return Object.fromEntries(counts.sort(([, a], [, b]) => b - a));
}

/** Every stream of one reading of the data: what one loader would see. */
interface Reading {
  context: EmulationContext;
  first: StreamResult;
  streams: number;
  trailingBytes: number;
  notes: string[];
}

/**
 * Reads `data` from its start as one loader would: `pickle.load` (the C unpickler, frames read
 * whole) or `joblib.load` (pure-Python unpickler, array data outside the opcodes). Streams after
 * the first are read too, since a loader may read them all.
 */
function read(data: Uint8Array, limits: InspectionLimits, kind: UnpicklerKind, context: EmulationContext): Reading {
  const reader = new ByteReader(data);
  const hooks = kind === 'python' ? joblibHooks : {};
  const first = emulateStream(reader, context, hooks, kind);
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
      emulateStream(reader, context, hooks, kind);
      streams += 1;
    } catch (error) {
      if (!(error instanceof PickleFormatError) || error.problem === 'limit') throw error;
      trailingBytes = data.length - start;
      notes.push(`${trailingBytes} bytes after the pickle (from byte ${start}) are not a complete pickle: ${error.message}`);
      break;
    }
  }
  if (streams > 1) notes.push(`the file holds ${streams} concatenated pickles; pickle.load reads only the first, but a loader may read them all`);
  return { context, first, streams, trailingBytes, notes };
}

const WRAPPER_NAME = /(NumpyArrayWrapper|NDArrayWrapper)$/;

function refKey(ref: GlobalRef): string {
  return `${ref.member ?? ''}\u0000${ref.resolved}\u0000${ref.module}\u0000${ref.name}`;
}

/** What one pickle stream (a file, or a member of an archive) holds. */
interface PickleAnalysis {
  globals: GlobalRef[];
  counts: number[];
  opcodes: number;
  reading: Reading;
  joblib: boolean;
  notes: string[];
}

/**
 * Reads a pickle both as `pickle.load` and, when it holds joblib array placeholders (or was
 * compressed, as only joblib writes), as `joblib.load` does. The two loaders read the bytes after
 * a placeholder differently, so a file crafted for one reading must not hide from the other: the
 * imports of both are reported. The joblib reading is the one summarised when it applies.
 */
function analysePickle(data: Uint8Array, limits: InspectionLimits, options: { compressed: boolean; member?: string }): PickleAnalysis {
  const plainContext = newContext(limits);
  let plain: Reading | undefined;
  let plainError: unknown;
  try {
    plain = read(data, limits, 'c', plainContext);
  } catch (error) {
    plainError = error;
  }
  const joblib = options.compressed || plainContext.globals.some((ref) => WRAPPER_NAME.test(ref.name) || WRAPPER_NAME.test(`${ref.module}.${ref.name}`));
  const tag = (refs: GlobalRef[]): GlobalRef[] => {
    if (options.member !== undefined) for (const ref of refs) ref.member = options.member;
    return refs;
  };
  if (!joblib) {
    if (plainError !== undefined || !plain) throw withContext(plainError, plainContext, []);
    return { globals: tag(plainContext.globals), counts: plainContext.opcodeCounts, opcodes: plainContext.opcodes, reading: plain, joblib, notes: [] };
  }
  const joblibContext = newContext(limits);
  let reading: Reading;
  try {
    reading = read(data, limits, 'python', joblibContext);
  } catch (error) {
    throw withContext(error, joblibContext, plainContext.globals);
  }
  const seen = new Set(joblibContext.globals.map(refKey));
  const extra = plainContext.globals.filter((ref) => !seen.has(refKey(ref)));
  const notes = extra.length > 0 ? [`read by pickle.load instead of joblib.load, the file imports more: ${distinctNames(extra).slice(0, 5).join(', ')}`] : [];
  return {
    globals: tag([...joblibContext.globals, ...extra]),
    counts: joblibContext.opcodeCounts,
    opcodes: joblibContext.opcodes,
    reading,
    joblib,
    notes,
  };
}

/** A PickleFormatError carrying the imports seen before it (by every reading). */
class FailedReading extends Error {
  constructor(
    readonly error: unknown,
    readonly globals: readonly GlobalRef[],
  ) {
    super('failed reading');
  }
}

function withContext(error: unknown, context: EmulationContext, more: readonly GlobalRef[]): FailedReading {
  return new FailedReading(error, [...context.globals, ...more]);
}

function emptyFormat(container: FormatSummary['container'], detected: string): FormatSummary {
  return { container, detected, compression: 'none', inspected: true, protocol: null, pickleBytes: null, streams: 0, trailingBytes: 0, members: [] };
}

interface Assembled {
  format: FormatSummary;
  globals: GlobalRef[];
  counts: number[];
  opcodes: number;
  value: PickleValue | undefined;
  notes: string[];
}

function addCounts(into: number[], from: readonly number[]): void {
  from.forEach((count, code) => {
    into[code] = (into[code] ?? 0) + count;
  });
}

/** The archive members worth reading: pickles by name or by their first byte, and .npy/.npz arrays. */
function isPickleMember(name: string, head: number | undefined): boolean {
  return /\.(pkl|pickle|joblib|pt|pth|bin|dat|data|sav|ckpt)$/i.test(name) || /(^|\/)data\.pkl$/.test(name) || head === 0x80;
}

/** Inspects a zip archive: a PyTorch checkpoint, a NumPy .npz, or a plain zip of model files. */
function inspectZip(bytes: Uint8Array, limits: InspectionLimits, depth: number, npzHint: boolean): Assembled {
  const members = zipMembers(bytes);
  const torchPickles = members.filter((member) => /^[^/]+\/data\.pkl$/.test(member.name));
  const isTorch = torchPickles.length > 0 && members.some((member) => /^[^/]+\/(version|\.format_version|data\/)/.test(member.name));
  const isNpz = !isTorch && members.length > 0 && members.every((member) => member.name.endsWith('.npy'));
  const container: FormatSummary['container'] = isTorch ? 'pytorch' : isNpz || npzHint ? 'npz' : 'zip';
  const detected = isTorch ? 'PyTorch checkpoint (torch.save zip format)' : container === 'npz' ? 'NumPy .npz archive' : 'zip archive';
  const format = emptyFormat(container, detected);
  const assembled: Assembled = { format, globals: [], counts: new Array<number>(256).fill(0), opcodes: 0, value: undefined, notes: [] };
  let budget = limits.maxDecompressedBytes;
  for (const member of members) {
    const wanted = member.name.endsWith('.npy') || member.name.endsWith('.npz') || isPickleMember(member.name, undefined) || (member.method === 0 && bytes[member.dataOffset] === 0x80);
    if (!wanted) continue;
    let data: Uint8Array;
    try {
      data = zipMemberData(bytes, member, budget);
    } catch (error) {
      if (error instanceof PickleFormatError) throw new PickleFormatError(error.problem, `${printableName(member.name)}: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}) });
      throw error;
    }
    budget -= member.method === 0 ? 0 : data.length;
    if (!isPickleMember(member.name, data[0]) && !isNpy(data) && !isZip(data)) continue;
    const inner = inspectContent(data, { ...limits, maxDecompressedBytes: budget }, depth + 1, member.name);
    format.members.push({ name: member.name, container: inner.format.container, sizeBytes: data.length, protocol: inner.format.protocol });
    for (const ref of inner.globals) ref.member ??= member.name;
    assembled.globals.push(...inner.globals);
    addCounts(assembled.counts, inner.counts);
    assembled.opcodes += inner.opcodes;
    assembled.notes.push(...inner.notes.map((note) => `${printableName(member.name)}: ${note}`));
    if (assembled.value === undefined && (isTorch ? torchPickles.includes(member) : inner.value !== undefined)) {
      assembled.value = inner.value;
      format.protocol = inner.format.protocol;
    }
  }
  if (format.members.length === 0) {
    throw new PickleFormatError('not-pickle', `a ${detected} with no pickle, joblib or .npy member (${members.length} members)`, {
      hint: 'pass the model file itself, or unpack the archive and inspect its model file',
    });
  }
  if (isTorch) assembled.notes.push('tensor data is stored in the archive next to data.pkl and was not read; only data.pkl can run code');
  return assembled;
}

/** Inspects a .npy array: object arrays are a pickle after the header (numpy.load with allow_pickle). */
function inspectNpy(bytes: Uint8Array, limits: InspectionLimits, member: string | undefined): Assembled {
  const header = readNpyHeader(bytes);
  const format = emptyFormat('npy', `NumPy .npy array (format ${header.version})`);
  const assembled: Assembled = { format, globals: [], counts: new Array<number>(256).fill(0), opcodes: 0, value: undefined, notes: [] };
  const data = bytes.subarray(header.dataOffset);
  if (header.holdsObjects) {
    const analysis = analysePickle(data, limits, { compressed: false, ...(member !== undefined ? { member } : {}) });
    for (const ref of analysis.globals) ref.offset += header.dataOffset;
    assembled.globals = analysis.globals;
    assembled.counts = analysis.counts;
    assembled.opcodes = analysis.opcodes;
    format.protocol = analysis.reading.first.protocol;
    format.pickleBytes = data.length;
    format.streams = analysis.reading.streams;
    format.trailingBytes = analysis.reading.trailingBytes;
    assembled.notes.push('the array holds Python objects: numpy.load(allow_pickle=True) unpickles them, which runs the imports listed', ...analysis.reading.notes);
    return assembled;
  }
  const expected = header.shape.reduce((product, size) => product * size, 1) * (header.itemsize ?? 0);
  if (data.length < expected) throw new PickleFormatError('truncated', `the .npy data holds ${data.length} bytes, not the ${expected} its header says`);
  if (data.length > expected) {
    format.trailingBytes = data.length - expected;
    assembled.notes.push(`${data.length - expected} bytes after the array data are not part of it`);
  }
  assembled.notes.push(`a numeric array of shape (${header.shape.join(', ')}) and dtype ${JSON.stringify(header.descr)}: loading it imports nothing`);
  return assembled;
}

/** Any supported content: zip (PyTorch, .npz, plain), .npy, compressed or plain pickle/joblib. */
function inspectContent(bytes: Uint8Array, limits: InspectionLimits, depth: number, member?: string): Assembled {
  if (depth > 3) throw new PickleFormatError('limit', 'archives are nested more than 3 deep');
  if (isZip(bytes)) return inspectZip(bytes, limits, depth, member?.endsWith('.npz') ?? false);
  if (isNpy(bytes)) return inspectNpy(bytes, limits, member);
  if (isTar(bytes)) {
    throw new PickleFormatError('unsupported', 'a tar archive: PyTorch checkpoints written before torch 0.4 are tar files, which are not inspected', {
      hint: 'load it only if you trust its source, and re-save it with a current torch.save (zip format) to inspect it',
    });
  }
  const compression = detectCompression(bytes);
  if (compression !== 'none' && compression !== 'zlib' && compression !== 'gzip') {
    const format = emptyFormat('joblib', `joblib file, ${compression}-compressed`);
    format.compression = compression;
    format.inspected = false;
    return {
      format,
      globals: [],
      counts: new Array<number>(256).fill(0),
      opcodes: 0,
      value: undefined,
      notes: [`compressed with ${compression}, which is not inspected: nothing is known about what loading it would do`],
    };
  }
  const data = compression === 'none' ? bytes : decompress(bytes, compression, limits);
  if (data.length === 0) throw new PickleFormatError('not-pickle', compression === 'none' ? 'the file is empty' : 'the decompressed data is empty');
  const analysis = analysePickle(data, limits, { compressed: compression !== 'none', ...(member !== undefined ? { member } : {}) });
  const first = analysis.reading.first.value;
  if (first === TORCH_LEGACY_MAGIC || (typeof first === 'number' && BigInt(first) === TORCH_LEGACY_MAGIC)) {
    const dangerous = distinctNames(analysis.globals.filter((ref) => classifyGlobal(ref).verdict === 'dangerous'));
    throw new PickleFormatError('unsupported', `a PyTorch checkpoint in the legacy format (torch before 1.6), which is not inspected${dangerous.length > 0 ? `; it imports ${dangerous.slice(0, 5).join(', ')} (dangerous)` : ''}`, {
      hint: 'load it only if you trust its source; re-saved with a current torch.save (zip format) it can be inspected',
      globalsSeen: distinctNames(analysis.globals),
    });
  }
  const names = new Set(analysis.globals.map(qualifiedName));
  const joblib = analysis.joblib || names.has(ARRAY_WRAPPER);
  const format: FormatSummary = {
    container: joblib ? 'joblib' : 'pickle',
    detected: joblib ? `joblib file${compression === 'none' ? '' : `, ${compression}-compressed`}` : `pickle, protocol ${analysis.reading.first.protocol}`,
    compression,
    inspected: true,
    protocol: analysis.reading.first.protocol,
    pickleBytes: data.length,
    streams: analysis.reading.streams,
    trailingBytes: analysis.reading.trailingBytes,
    members: [],
  };
  return { format, globals: analysis.globals, counts: analysis.counts, opcodes: analysis.opcodes, value: first, notes: [...analysis.reading.notes, ...analysis.notes] };
}

/** Inspects a model file held in memory. Throws PickleFormatError for unreadable input. */
export function inspectBytes(bytes: Uint8Array, options: InspectOptions = {}): InspectionReport {
  const limits = resolveLimits(options.limits);
  const fileName = options.fileName ?? '<bytes>';
  if (bytes.length > limits.maxFileBytes) {
    withFindings(new PickleFormatError('limit', `${bytes.length} bytes is more than the ${limits.maxFileBytes}-byte limit`, { hint: SIZE_HINT }), fileName, [], bytes);
  }
  const file = {
    name: fileName,
    path: options.path ?? null,
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  let content: Assembled;
  try {
    content = inspectContent(bytes, limits, 0);
  } catch (error) {
    if (error instanceof FailedReading) withFindings(error.error, fileName, error.globals, bytes);
    withFindings(error, fileName, [], bytes);
  }
  const notes = [...content.notes];
  const found = findModel(content.value ?? null);
  const budget = new Budget(SUMMARY_BUDGET);
  const model = found ? summarizeEstimator(found.value, budget) : null;
  if (found?.path) notes.push(`the file holds a ${typeof content.value === 'object' && content.value !== null ? content.value.kind : 'value'}; the model is its item ${found.path}`);
  if (budget.exhausted) notes.push('the model summary was cut short: the object graph is larger than any real model');
  const names = new Set(content.globals.map(qualifiedName));
  if (names.has('joblib.numpy_pickle.NDArrayWrapper')) notes.push('arrays are stored in side files next to this one (joblib before 0.10); they were not read');
  const counts = opcodeCounts(content.counts);
  if (counts.NEXT_BUFFER) notes.push('the pickle expects out-of-band buffers that are not in the file');
  if ((counts.PERSID || counts.BINPERSID) && content.format.container !== 'pytorch') {
    notes.push('the pickle refers to objects by persistent id, which its loader supplies from elsewhere');
  }
  const globals = findings(content.globals);
  const verdict: InspectionReport['verdict'] = content.format.inspected ? worstVerdict(globals.map((finding) => finding.verdict)) : 'not-inspected';
  return {
    file,
    format: content.format,
    verdict,
    model,
    modelPath: found?.path ?? null,
    globals,
    opcodes: { total: content.opcodes, counts },
    notes,
    limits,
  };
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
