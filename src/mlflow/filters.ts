/**
 * Building MLflow search filter strings (`mlflow/utils/search_utils.py` grammar) from values that
 * may contain quotes.
 */

/** A single-quoted string literal with `\` and `'` escaped. */
export function filterLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A backquoted identifier, for keys with dots or dashes: ``tags.`mlflow.runName` ``. */
export function filterKey(prefix: 'tags' | 'params' | 'metrics', key: string): string {
  return `${prefix}.\`${key.replace(/`/g, '')}\``;
}
