/**
 * JSON as Python's `json.dumps` writes it with its defaults, which is what MLflow's scoring server
 * answers with: `", "` and `": "` separators, floats in `repr` form (`1.0`, `1e-05`), non-ASCII
 * escaped as `\uXXXX`, NaN and the infinities as bare words. Every number is written as a float:
 * the scoring answers and errors carry no integers.
 */

/**
 * Scoring answers repeat the same few values (class probabilities, labels) over thousands of
 * rows; their text is remembered, up to a bound, instead of formatted again.
 */
function remembered<K, V>(format: (key: K) => V): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    let text = seen.get(key);
    if (text === undefined) {
      if (seen.size >= 4096) seen.clear();
      text = format(key);
      seen.set(key, text);
    }
    return text;
  };
}

/** `repr(float(value))` for a non-zero number. */
const nonZeroFloat = remembered((value: number): string => {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  // Between 1e-4 and 1e16 JavaScript and Python both write the shortest round-trip digits without an exponent.
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const fixed = String(value);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
});

/** `repr(float(value))`. Zero is apart because a Map does not tell -0 from 0. */
export function pythonFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return nonZeroFloat(value);
}

const formatString = (value: string): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
const shortString = remembered(formatString);

/** Only short strings (labels, keys) are remembered. */
export function pythonString(value: string): string {
  return value.length <= 64 ? shortString(value) : formatString(value);
}

export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return pythonFloat(value);
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    let text = '[';
    for (let i = 0; i < items.length; i++) text += i === 0 ? pythonJson(items[i]) : `, ${pythonJson(items[i])}`;
    return `${text}]`;
  }
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${pythonString(key)}: ${pythonJson(item)}`)
    .join(', ')}}`;
}
