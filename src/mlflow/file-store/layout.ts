/**
 * Where things live in MLflow's FileStore (`mlflow/store/tracking/file_store.py`,
 * `mlflow/store/model_registry/file_store.py`) and how values are encoded in its files.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoggedModelStatus, RunStatus } from '../types.js';

export const META = 'meta.yaml';
export const TRASH = '.trash';
export const REGISTRY = 'models';
export const DEFAULT_EXPERIMENT_ID = '0';
/** Directories of an experiment that are not runs. */
export const EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces', 'models']);
/** The lock file at the store root (a file: MLflow takes root directories for experiments). */
export const LOCK_FILE = '.mlflow-mct.lock';

/** `RunStatus` as the int MLflow stores in a run's meta.yaml. */
export const RUN_STATUS_CODES: Record<RunStatus, number> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

export const LOGGED_MODEL_STATUS_CODES: Record<LoggedModelStatus, number> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 0,
  LOGGED_MODEL_PENDING: 1,
  LOGGED_MODEL_READY: 2,
  LOGGED_MODEL_UPLOAD_FAILED: 3,
};

/** MLflow's `SourceType.LOCAL`, written into every run's meta.yaml. */
export const SOURCE_TYPE_LOCAL = 4;

export function statusFromCode<T extends string>(codes: Record<T, number>, code: unknown, fallback: T): T {
  const found = (Object.entries(codes) as Array<[T, number]>).find(([, value]) => value === code || String(value) === String(code));
  return found?.[0] ?? fallback;
}

/** The default local store, as MLflow names it (relative to the working directory). */
export const DEFAULT_LOCAL_STORE = 'mlruns';

/** A tracking URI that names a local store: `file:...` or a path without a scheme. */
export function isLocalStoreUri(uri: string): boolean {
  return uri.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(uri);
}

/** The directory a `file:` URI or a plain path names. */
export function localPathOf(uriOrPath: string): string {
  if (uriOrPath.startsWith('file:')) {
    const rest = uriOrPath.slice('file:'.length);
    // `file:mlruns` and `file:./dir` are relative to the working directory, as in MLflow.
    if (!rest.startsWith('/')) return resolve(decodeURIComponent(rest));
    return fileURLToPath(new URL(uriOrPath));
  }
  return isAbsolute(uriOrPath) ? uriOrPath : resolve(uriOrPath);
}

export function fileUriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** MLflow's `md5(name + digest)` dataset id. */
export function datasetId(name: string, digest: string): string {
  return createHash('md5').update(name, 'utf8').update(digest, 'utf8').digest('hex');
}

/** MLflow's `md5(dataset_id + run_id)` (or model id + run id) input id. */
export function inputId(sourceId: string, runId: string): string {
  return createHash('md5').update(sourceId, 'utf8').update(runId, 'utf8').digest('hex');
}

/** The file that holds a metric, param or tag (keys with `/` are nested directories). */
export function keyPath(dir: string, key: string): string {
  return join(dir, ...key.split('/'));
}

/** Python's `repr(float)`, as MLflow writes metric values (`nan`, `inf`, `3.0`, `1e+20`, `1.5e-05`). */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    const fixed = String(value);
    return /[.e]/.test(fixed) ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

export function parseMetricValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}
