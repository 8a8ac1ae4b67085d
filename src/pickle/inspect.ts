import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError, PickleFormatError } from '../errors.js';
import { isNpy, isTar, isZip, readNpyHeader, TORCH_LEGACY_MAGIC, zipMemberData, zipMembers } from './containers.js';
import { distinctNames, findings, opcodeCounts, withFindings } from './findings.js';
import { classifyGlobal, worstVerdict } from './globals.js';
import { decompress, detectCompression } from './joblib.js';
import { resolveLimits, type InspectionLimits } from './limits.js';
import { ARRAY_WRAPPER } from './numpy.js';
import { analysePickle, FailedReading } from './readings.js';
import type { FormatSummary, InspectionReport } from './report.js';
import { Budget, findModel, summarizeEstimator, SUMMARY_BUDGET } from './sklearn.js';
import { printableName } from './text.js';
import { qualifiedName, type GlobalRef, type PickleValue } from './values.js';

/**
 * Static inspection of a pickle or joblib file: what it holds and what loading it would import,
 * found by emulating its opcodes. Nothing in the file is executed or imported. This module walks
 * the containers (zip, .npy, compression) down to the pickles; readings.ts reads each pickle and
 * findings.ts turns the imports into the report's findings.
 */

export interface InspectOptions {
  /** The name the report and errors use (default `<bytes>`). */
  fileName?: string;
  /** The path the bytes were read from, recorded in the report. */
  path?: string;
  limits?: Partial<InspectionLimits>;
}

const SIZE_HINT = 'raise the size limit (inspect --max-size) if the file is a model you expect to be this large';

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
