/**
 * Reading FileStore files into entities. Readers accept what MLflow itself writes (and wrote in
 * older versions), not only what this package writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Metric } from '../types.js';
import { errorCode } from './disk.js';
import { FileStoreError } from './errors.js';
import { META, parseMetricValue } from './layout.js';
import { parseMeta } from './yaml.js';

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The mapping in `<dir>/meta.yaml`, undefined when there is none (a directory being built). */
export async function readMetaFile(dir: string): Promise<Record<string, unknown> | undefined> {
  const path = join(dir, META);
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    const meta = parseMeta(text);
    if (meta === undefined) throw new Error('not a YAML mapping');
    return meta;
  } catch (error) {
    throw new FileStoreError(`the local store file ${path} cannot be read: ${(error as Error).message}`, {
      path,
      cause: error,
      hint: 'restore the file from a backup, or move its directory out of the store',
    });
  }
}

/** Names of the subdirectories of `dir` (none when it does not exist). */
export async function listDirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

/** Every file under `dir`, keyed by its path relative to `dir` with `/` (nested keys). */
async function walkFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    // `parentPath` is Node >= 20.12; earlier 20.x name it `path`.
    .map((entry) => relative(dir, join(entry.parentPath ?? (entry as { path?: string }).path ?? dir, entry.name)).split(sep).join('/'))
    .sort();
}

/** A `tags/` or `params/` directory: one file per key, the raw value as its content. */
export async function readValues(dir: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const key of await walkFiles(dir)) values[key] = (await readText(join(dir, ...key.split('/')))) ?? '';
  return values;
}

function parseLine(path: string, line: string, fields: readonly number[]): string[] {
  const parts = line.trim().split(' ');
  if (!fields.includes(parts.length)) {
    throw new FileStoreError(`the metric file ${path} has a malformed line "${line}"`, {
      path,
      hint: 'remove the line; every line holds "<timestamp> <value> <step>"',
    });
  }
  return parts;
}

/** A run's metric file: `<ts> <value> <step>` or `<ts> <value> <step> <dataset> <digest>` lines. */
export async function readRunMetricFile(path: string, key: string): Promise<Metric[]> {
  const text = (await readText(path)) ?? '';
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [ts = '0', value = '0', step = '0', datasetName, datasetDigest] = parseLine(path, line, [2, 3, 5]);
      return { key, timestamp: Number(ts), value: parseMetricValue(value), step: Number(step), datasetName, datasetDigest };
    });
}

/** A LoggedModel's metric file: `<ts> <value> <step> <run_id>` [+ dataset name and digest]. */
export async function readModelMetricFile(path: string, key: string, modelId: string): Promise<Array<Metric & { runId: string }>> {
  const text = (await readText(path)) ?? '';
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [ts = '0', value = '0', step = '0', runId = '', datasetName, datasetDigest] = parseLine(path, line, [4, 6]);
      return { key, timestamp: Number(ts), value: parseMetricValue(value), step: Number(step), runId, modelId, datasetName, datasetDigest };
    });
}

export async function listMetricKeys(dir: string): Promise<string[]> {
  return walkFiles(dir);
}

/** MLflow's "latest" point: the largest (step, timestamp, value). */
export function latestPoint<T extends Metric>(points: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const point of points) {
    if (
      best === undefined ||
      point.step > best.step ||
      (point.step === best.step && (point.timestamp > best.timestamp || (point.timestamp === best.timestamp && point.value > best.value)))
    ) {
      best = point;
    }
  }
  return best;
}

export function optionalString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : value === null || value === undefined || value === '' ? undefined : Number(value);
}
