import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Reading safetensors headers without touching the weights: a file starts with a little-endian
 * u64 header length and a JSON header mapping tensor names to {dtype, shape, data_offsets}.
 * Parameter counts come from the shapes, so a multi-gigabyte model is measured by reading a few
 * kilobytes.
 */

/** Headers larger than this are refused (real ones are kilobytes to a few megabytes). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
}

export interface SafetensorsHeader {
  file: string;
  tensors: TensorInfo[];
  metadata: Record<string, string>;
  parameters: number;
}

function invalid(file: string, why: string): InputError {
  return new InputError(`not a valid safetensors file: ${why}`, { location: file, hint: 'check that the model folder is complete and not truncated' });
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((dimension) => Number.isSafeInteger(dimension) && (dimension as number) >= 0);
}

function parseSafetensorsHeader(file: string, json: string): SafetensorsHeader {
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch {
    throw invalid(file, 'the header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw invalid(file, 'the header is not an object');
  const tensors: TensorInfo[] = [];
  let metadata: Record<string, string> = {};
  let parameters = 0;
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = Object.fromEntries(Object.entries((entry ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
      continue;
    }
    const tensor = entry as { dtype?: unknown; shape?: unknown } | null;
    if (!tensor || typeof tensor.dtype !== 'string' || !isShape(tensor.shape)) throw invalid(file, `tensor ${JSON.stringify(name)} has no dtype or shape`);
    tensors.push({ name, dtype: tensor.dtype, shape: tensor.shape });
    parameters += tensor.shape.reduce((product, dimension) => product * dimension, 1);
  }
  return { file, tensors, metadata, parameters };
}

/**
 * Reads only the header of one .safetensors file.
 * @internal exported for its unit tests only
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const handle = await open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    const { bytesRead } = await handle.read(prefix, 0, 8, 0);
    if (bytesRead < 8) throw invalid(file, 'shorter than its 8-byte header length');
    const length = prefix.readBigUInt64LE(0);
    if (length === 0n || length > BigInt(MAX_HEADER_BYTES)) throw invalid(file, `header length ${length} is out of range`);
    const json = Buffer.alloc(Number(length));
    const read = await handle.read(json, 0, json.length, 8);
    if (read.bytesRead < json.length) throw invalid(file, 'the header is truncated');
    return parseSafetensorsHeader(file, json.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** Every .safetensors file in a folder (shards included) and their total parameter count. */
export async function countFolderParameters(folder: string): Promise<{ files: SafetensorsHeader[]; parameters: number }> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.safetensors')).sort();
  const files = await Promise.all(names.map((name) => readSafetensorsHeader(join(folder, name))));
  return { files, parameters: files.reduce((sum, header) => sum + header.parameters, 0) };
}
