import type { EnsembleSummary, EstimatorSummary, JsonValue } from './report.js';

/** Short texts about a model summary, shared by the inspection report and the card. */

function shortClass(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/** A hyperparameter value as a Python user reads it: None, True, 'sqrt', DecisionTreeClassifier(). */
export function valueText(value: JsonValue): string {
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
