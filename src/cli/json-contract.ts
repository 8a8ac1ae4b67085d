/**
 * The `--json` contract: one document per command, stamped with the version of its shape and
 * the command, with snake_case keys as in MLflow's REST API. Every command's shape is described
 * by `schemas/json/<command>.schema.json`; a change that breaks a script bumps the version.
 */

export const JSON_SCHEMA_VERSION = '1';

/**
 * Keys whose values are maps of the user's or MLflow's own names (tag keys, parameter and metric
 * names, hyperparameters, opcode names): those names are data and stay as they are.
 */
const NAMED_BY_DATA = new Set(['tags', 'params', 'metrics', 'hyperparameters', 'fitted', 'counts', 'aliases']);

function snakeKey(key: string): string {
  return /^[a-z][a-zA-Z0-9]*$/.test(key) ? key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`) : key;
}

function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [snakeKey(key), NAMED_BY_DATA.has(key) ? item : snakeCaseKeys(item)]),
  );
}

/** The document a command prints with --json; `duration_ms` is the command's wall time unless it says otherwise. */
export function jsonDocument(command: string, summary: Record<string, unknown>, durationMs: number): Record<string, unknown> {
  const { command: _stated, duration_ms: stated, ...body } = snakeCaseKeys(summary) as Record<string, unknown>;
  return { schema_version: JSON_SCHEMA_VERSION, command, ...body, duration_ms: stated ?? durationMs };
}
