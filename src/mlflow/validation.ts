/**
 * Local checks that MLflow's server makes (`mlflow/utils/validation.py`), run before anything is
 * sent, so a bad key fails with a clear error instead of a half-written batch, and an over-long
 * value fails instead of being silently truncated by the server (`MLFLOW_TRUNCATE_LONG_VALUES`).
 * Also the packing of a large batch into requests within the server's limits.
 */
import { MlflowValidationError } from './errors.js';
import { toWireMetric } from './wire.js';
import type { LogBatchRequest, StoreLimits } from './store/index.js';
import type { DatasetInput, Metric, Param } from './types.js';

// Python's `\w` is Unicode-aware: letters and numbers of any script, plus "_".
const KEY_PATTERN = /^[/\p{L}\p{N}_.\- :]*$/u;
const ALIAS_PATTERN = /^[\p{L}\p{N}_-]*$/u;

function fail(location: string, message: string, hint: string): never {
  throw new MlflowValidationError(message, { location, hint });
}

/**
 * A metric, param or tag key: at most 250 characters of letters, digits, `_ - . / : ` and space,
 * and a path that normalizes to itself (no `//`, trailing `/`, `.` or `..` segments, leading `/`).
 */
export function validateKey(location: string, key: string, limits: StoreLimits): void {
  if (typeof key !== 'string' || key === '') fail(location, 'the key is empty', 'give every metric, param and tag a name');
  if (key.length > limits.maxKeyLength) {
    fail(location, `the key is ${key.length} characters long; MLflow allows ${limits.maxKeyLength}`, 'shorten the key');
  }
  if (!KEY_PATTERN.test(key)) {
    fail(
      location,
      'the key may only contain letters, digits, "_", "-", ".", " ", ":" and "/"',
      'rename it, e.g. replace other characters with "_"',
    );
  }
  const segments = key.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    fail(
      location,
      'the key must be a normalized path (no leading or trailing "/", no "//", "." or ".." segments)',
      'rename it, e.g. "a/b" instead of "a//b" or "./a"',
    );
  }
}

function validateValueLength(location: string, value: string, limit: number, what: string): void {
  if (typeof value !== 'string') fail(location, `the ${what} value must be a string`, 'convert it with String(value)');
  if (value.length > limit) {
    fail(
      location,
      `the ${what} value is ${value.length} characters long; MLflow keeps at most ${limit} and would cut the rest`,
      'shorten it, or log the full text as an artifact',
    );
  }
}

function validateMetric(location: string, metric: Metric, limits: StoreLimits): void {
  validateKey(location, metric.key, limits);
  if (typeof metric.value !== 'number') fail(location, 'the metric value must be a number', 'pass a number (NaN and ±Infinity are allowed)');
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    fail(location, `the timestamp ${metric.timestamp} is not a whole number of milliseconds`, 'use Date.now() or another integer in ms');
  }
  if (!Number.isSafeInteger(metric.step)) fail(location, `the step ${metric.step} is not an integer`, 'use an integer step');
}

/**
 * Checks a whole batch and returns it with repeated params (same key, same value) removed.
 * A param key given twice with different values is refused: MLflow params cannot change.
 */
export function validateBatch(batch: LogBatchRequest, limits: StoreLimits): LogBatchRequest {
  batch.metrics.forEach((metric) => validateMetric(`metrics[${JSON.stringify(metric.key)}]`, metric, limits));
  const params = new Map<string, Param>();
  for (const param of batch.params) {
    const location = `params[${JSON.stringify(param.key)}]`;
    validateKey(location, param.key, limits);
    validateValueLength(location, param.value, limits.maxParamValueLength, 'param');
    const earlier = params.get(param.key);
    if (earlier !== undefined && earlier.value !== param.value) {
      fail(location, 'the param is given twice with different values', 'MLflow params cannot change; log one value, or use a metric or tag');
    }
    params.set(param.key, param);
  }
  for (const tag of batch.tags) {
    const location = `tags[${JSON.stringify(tag.key)}]`;
    validateKey(location, tag.key, limits);
    validateValueLength(location, tag.value, limits.maxRunTagValueLength, 'tag');
  }
  return { metrics: batch.metrics, params: [...params.values()], tags: batch.tags };
}

export function validateRunTag(key: string, value: string, limits: StoreLimits): void {
  const location = `tags[${JSON.stringify(key)}]`;
  validateKey(location, key, limits);
  validateValueLength(location, value, limits.maxRunTagValueLength, 'tag');
}

export function validateExperimentTag(key: string, value: string, limits: StoreLimits): void {
  const location = `experiment tags[${JSON.stringify(key)}]`;
  validateKey(location, key, limits);
  validateValueLength(location, value, limits.maxExperimentTagValueLength, 'experiment tag');
}

export function validateRegistryTag(key: string, value: string, limits: StoreLimits): void {
  const location = `registry tags[${JSON.stringify(key)}]`;
  if (key === '' || key.length > limits.maxKeyLength) {
    fail(location, `the key must have 1 to ${limits.maxKeyLength} characters`, 'shorten or name the tag');
  }
  validateValueLength(location, value, limits.maxRegistryTagValueLength, 'registry tag');
}

export function validateDescription(location: string, description: string, limits: StoreLimits): void {
  if (description.length > limits.maxDescriptionLength) {
    fail(
      location,
      `the description is ${description.length} characters long; MLflow stores at most ${limits.maxDescriptionLength}`,
      'shorten it, or attach the full text as an artifact',
    );
  }
}

export function validateExperimentName(name: string): void {
  if (name.trim() === '') fail('experiment', 'the experiment name is empty', 'pass --mlflow-experiment <name> or unset it');
  if (name.length > 500) fail('experiment', `the experiment name is ${name.length} characters long; MLflow allows 500`, 'shorten it');
}

/**
 * An alias: letters, digits, `_` and `-`, at most 255 characters; `latest` and `v<digits>` are
 * reserved by MLflow because `models:/name@...` would be ambiguous.
 */
export function validateAlias(alias: string, limits: StoreLimits): void {
  const location = `alias ${JSON.stringify(alias)}`;
  if (alias === '' || alias.length > limits.maxAliasLength) {
    fail(location, `an alias must have 1 to ${limits.maxAliasLength} characters`, 'choose a short name such as "champion"');
  }
  if (!ALIAS_PATTERN.test(alias)) fail(location, 'an alias may only contain letters, digits, "_" and "-"', 'rename it, e.g. "champion"');
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) {
    fail(location, 'the alias is reserved by MLflow ("latest" and v<number> name versions)', 'choose another name, e.g. "champion"');
  }
}

export function validateDatasetInputs(datasets: DatasetInput[], limits: StoreLimits): void {
  datasets.forEach((input, index) => {
    const location = `datasets[${index}]`;
    const { dataset } = input;
    if (!dataset.name || dataset.name.length > limits.maxDatasetNameLength) {
      fail(location, `the dataset name must have 1 to ${limits.maxDatasetNameLength} characters`, 'name the dataset');
    }
    if (!dataset.digest || dataset.digest.length > limits.maxDatasetDigestLength) {
      fail(
        location,
        `the dataset digest must have 1 to ${limits.maxDatasetDigestLength} characters`,
        'use a short content hash, e.g. the first 8 hex digits of a SHA-256',
      );
    }
    if (!dataset.sourceType || !dataset.source) fail(location, 'the dataset needs a source type and a source', 'e.g. sourceType "local", source {"uri": "..."}');
  });
}

function wireBytes(entity: unknown): number {
  // +1 for the separating comma.
  return Buffer.byteLength(JSON.stringify(entity), 'utf8') + 1;
}

/** Bytes of the request envelope around the entities (`{"run_id":"…","metrics":[],…}`), with room to spare. */
const ENVELOPE_BYTES = 200;

/**
 * Packs a validated batch into requests within `limits`, as MLflow's Python client does: each
 * request takes up to 100 params and 100 tags, and metrics fill the remaining room; in addition
 * each request stays under the byte size limit.
 */
export function packBatches(batch: LogBatchRequest, limits: StoreLimits): LogBatchRequest[] {
  const sizes = {
    params: batch.params.map(wireBytes),
    tags: batch.tags.map(wireBytes),
    metrics: batch.metrics.map((metric) => wireBytes(toWireMetric(metric))),
  };
  const next = { params: 0, tags: 0, metrics: 0 };
  const requests: LogBatchRequest[] = [];
  while (next.params < batch.params.length || next.tags < batch.tags.length || next.metrics < batch.metrics.length) {
    const request: LogBatchRequest = { metrics: [], params: [], tags: [] };
    let bytes = ENVELOPE_BYTES;
    let entities = 0;
    const fill = <K extends keyof LogBatchRequest>(kind: K, max: number): void => {
      const source = batch[kind] as Array<LogBatchRequest[K][number]>;
      const target = request[kind] as Array<LogBatchRequest[K][number]>;
      while (next[kind] < source.length && target.length < max && entities < limits.maxEntitiesPerBatch) {
        const size = sizes[kind][next[kind]] ?? 0;
        // An entity alone in a request always goes, so an oversized one cannot stall the loop.
        if (bytes + size > limits.maxBatchBytes && entities > 0) return;
        target.push(source[next[kind]] as LogBatchRequest[K][number]);
        next[kind] += 1;
        bytes += size;
        entities += 1;
      }
    };
    fill('params', limits.maxParamsPerBatch);
    fill('tags', limits.maxTagsPerBatch);
    fill('metrics', limits.maxMetricsPerBatch);
    requests.push(request);
  }
  return requests;
}
