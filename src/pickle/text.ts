import type { EnsembleSummary, EstimatorSummary, JsonValue } from './report.js';

/** Short texts about a model summary, shared by the inspection report and the card. */

function shortClass(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/** A hyperparameter value as a Python user reads it: None, True, 'sqrt', DecisionTreeClassifier(). */
function valueText(value: JsonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  const className = value.$class;
  if (typeof className === 'string') return `${shortClass(className)}()`;
  const global = value.$global;
  if (typeof global === 'string') return global;
  const array = value.$array;
  if (typeof array === 'object' && array !== null && !Array.isArray(array) && Array.isArray(array.shape)) {
    return `array(shape=(${array.shape.join(', ')}))`;
  }
  return JSON.stringify(value);
}

export function hyperparameterText(model: EstimatorSummary): string {
  return Object.entries(model.hyperparameters)
    .filter(([key]) => !(model.steps && key === 'steps'))
    .map(([key, value]) => `${key}=${valueText(value)}`)
    .join(', ');
}

export interface TreeStats {
  count: number;
  className: string | null;
  minDepth: number | null;
  maxDepth: number | null;
  nodes: number;
}

export function treeStats(ensemble: EnsembleSummary): TreeStats {
  const depths = ensemble.trees.map((tree) => tree.depth);
  return {
    count: ensemble.estimatorCount,
    className: ensemble.estimatorClass ? shortClass(ensemble.estimatorClass) : null,
    minDepth: depths.length > 0 ? Math.min(...depths) : null,
    maxDepth: depths.length > 0 ? Math.max(...depths) : null,
    nodes: ensemble.trees.reduce((sum, tree) => sum + tree.nodeCount, 0),
  };
}

export function depthRange(stats: TreeStats): string {
  return stats.minDepth === stats.maxDepth ? `${stats.minDepth}` : `${stats.minDepth}–${stats.maxDepth}`;
}

export function listText(items: readonly unknown[], max = 20): string {
  const shown = items.slice(0, max).map(String).join(', ');
  return items.length > max ? `${shown}, … (${items.length - max} more)` : shown;
}

export function libraryText(model: EstimatorSummary): string {
  return model.libraryVersion ? `${model.library} ${model.libraryVersion}` : model.library;
}

/**
 * Text from a file made safe for a terminal: control characters (C0, DEL, C1), bidirectional
 * overrides and other invisible format characters become `\xNN` / `\uNNNN` escapes, so a crafted
 * name cannot move the cursor, clear the screen or reorder what is printed.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/g;

export function printableName(text: string): string {
  return text.replace(UNSAFE_TEXT, (char, offset: number, whole: string) => {
    const code = char.charCodeAt(0);
    // A well-formed surrogate pair is an ordinary character (an emoji, a rare CJK character).
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = whole.charCodeAt(offset + 1);
      if (next >= 0xdc00 && next <= 0xdfff) return char;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      const previous = whole.charCodeAt(offset - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) return char;
    }
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** JSON text with the same characters escaped as `\uNNNN`: the parsed value stays exact. */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_TEXT, (char, offset: number, whole: string) => {
    const code = char.charCodeAt(0);
    // JSON.stringify already escapes controls inside strings; raw ones are its own layout.
    if (code === 0x0a || code === 0x0d || code === 0x09) return char;
    if (code >= 0xd800 && code <= 0xdbff && whole.charCodeAt(offset + 1) >= 0xdc00 && whole.charCodeAt(offset + 1) <= 0xdfff) return char;
    if (code >= 0xdc00 && code <= 0xdfff && whole.charCodeAt(offset - 1) >= 0xd800 && whole.charCodeAt(offset - 1) <= 0xdbff) return char;
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
