import { libraryOf } from './globals.js';
import { arrayScalars, asArray, toScalar } from './numpy.js';
import type { EnsembleSummary, EstimatorSummary, JsonValue, PipelineStep, Scalar, TreeSummary } from './report.js';
import {
  asCount,
  dictGet,
  instanceClass,
  isDict,
  isInstance,
  isInstanceOf,
  qualifiedName,
  sequenceItems,
  type GlobalRef,
  type PickleDict,
  type PickleValue,
  type PyInstance,
} from './values.js';

/**
 * scikit-learn (and look-alike) estimators read from their pickled `__dict__`: constructor
 * parameters, fitted attributes, classes, features, trees and pipeline steps. The object graph
 * may be cyclic or crafted, so every walk here is bounded in depth and in the number of items.
 */

/** Items listed in full (classes, feature names, trees); the counts stay exact beyond it. */
const MAX_LISTED = 10_000;
const MAX_NESTING = 6;
const MAX_JSON_DEPTH = 3;
const MAX_JSON_ITEMS = 20;
const MAX_STEPS = 100;
const MAX_TEXT = 500;

const PIPELINES = new Set(['sklearn.pipeline.Pipeline', 'imblearn.pipeline.Pipeline']);
const TREE = 'sklearn.tree._tree.Tree';

/**
 * Work allowance for one summary. Shared references let a small pickle describe a huge tree of
 * values; every item visited spends one unit, and an exhausted budget ends the walk early.
 */
export class Budget {
  exhausted = false;

  constructor(private remaining: number) {}

  spend(units = 1): boolean {
    this.remaining -= units;
    if (this.remaining < 0) this.exhausted = true;
    return !this.exhausted;
  }
}

/** Work units for summarizing one file: far above any real model, far below a slow walk. */
export const SUMMARY_BUDGET = 200_000;

/** An object's attribute dict: its BUILD state, or the first half of a `(dict, slots)` state. */
function stateDict(instance: PyInstance): PickleDict | undefined {
  if (isDict(instance.state)) return instance.state;
  const first = sequenceItems(instance.state)?.[0];
  return isDict(first) ? first : undefined;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** A small JSON rendering of any value: nested objects by class, arrays by shape and dtype. */
export function toJson(value: PickleValue | undefined, budget: Budget, depth = 0): JsonValue {
  if (value === undefined || !budget.spend()) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return clip(value);
  const scalar = toScalar(value);
  if (scalar !== undefined) return typeof scalar === 'string' ? clip(scalar) : scalar;
  if (typeof value !== 'object' || value === null) return null;
  switch (value.kind) {
    case 'bytes':
      return `<${value.data.length} bytes>`;
    case 'opaque':
      return { $opaque: value.what };
    case 'global':
      return { $global: qualifiedName(value) };
    case 'list':
    case 'tuple':
    case 'set': {
      if (depth >= MAX_JSON_DEPTH) return `<${value.items.length} items>`;
      const shown: JsonValue[] = value.items.slice(0, MAX_JSON_ITEMS).map((item) => toJson(item, budget, depth + 1));
      if (value.items.length > MAX_JSON_ITEMS) shown.push(`… ${value.items.length - MAX_JSON_ITEMS} more`);
      return shown;
    }
    case 'dict': {
      if (depth >= MAX_JSON_DEPTH) return `<${value.entries.size} entries>`;
      const entries: Array<[string, JsonValue]> = [];
      for (const [key, item] of value.entries) {
        if (entries.length >= MAX_JSON_ITEMS) break;
        const name = toScalar(key);
        if (name !== undefined) entries.push([String(name), toJson(item, budget, depth + 1)]);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key.
      return Object.fromEntries(entries);
    }
    case 'instance': {
      const array = asArray(value);
      if (array) return { $array: { shape: array.shape, dtype: array.dtype?.descr ?? null } };
      const ref = instanceClass(value);
      return { $class: ref ? qualifiedName(ref) : '<computed>' };
    }
  }
}

function strings(items: Scalar[]): string[] | null {
  return items.every((item): item is string => typeof item === 'string') ? items : null;
}

function listedScalars(value: PickleValue | undefined, budget: Budget): Scalar[] | null {
  const array = asArray(value);
  const length = array ? array.shape.length === 1 ? (array.shape[0] ?? 0) : 0 : sequenceItems(value)?.length ?? 0;
  if (!budget.spend(Math.min(length, MAX_LISTED))) return null;
  const list = array ? arrayScalars(array, MAX_LISTED)?.items : sequenceItems(value)?.slice(0, MAX_LISTED).map(toScalar);
  return list && list.every((item): item is Scalar => item !== undefined) ? list : null;
}

function treeOf(value: PickleValue | undefined): TreeSummary | null {
  const tree = isInstance(value) ? dictGet(stateDict(value), 'tree_') : undefined;
  if (!isInstanceOf(tree, TREE)) return null;
  const depth = asCount(dictGet(tree.state, 'max_depth'));
  const nodeCount = asCount(dictGet(tree.state, 'node_count'));
  return depth !== undefined && nodeCount !== undefined ? { depth, nodeCount } : null;
}

function ensembleOf(value: PickleValue | undefined, budget: Budget): EnsembleSummary | null {
  const members = asArray(value)?.objects ?? sequenceItems(value);
  if (!members || !budget.spend(members.length)) return null;
  const estimators = members.filter(isInstance);
  if (estimators.length === 0) return null;
  const firstClass = instanceClass(estimators[0]);
  const trees: TreeSummary[] = [];
  for (const estimator of estimators.slice(0, MAX_LISTED)) {
    const tree = treeOf(estimator);
    if (tree) trees.push(tree);
  }
  return { estimatorCount: estimators.length, estimatorClass: firstClass ? qualifiedName(firstClass) : null, trees };
}

const COVERED = new Set(['classes_', 'n_features_in_', 'feature_names_in_', 'estimators_', 'tree_']);
/** Public attributes that scikit-learn sets in `__init__` but that are not constructor parameters. */
const NOT_PARAMETERS = new Set(['estimator_params']);

/** Estimators summarized per file: pipelines of pipelines stay far below it. */
const MAX_SUMMARIES = 1_000;

class Summarizer {
  private readonly open = new Set<PyInstance>();
  private count = 0;

  constructor(readonly budget: Budget) {}

  summarize(value: PickleValue | undefined, depth = 0): EstimatorSummary | null {
    const ref = instanceClass(value);
    if (!ref || !ref.resolved || !isInstance(value) || depth > MAX_NESTING || this.open.has(value)) return null;
    const state = stateDict(value);
    if (!state) return null;
    if (this.count >= MAX_SUMMARIES) this.budget.exhausted = true;
    if (this.budget.exhausted || !this.budget.spend(state.entries.size)) return null;
    this.count += 1;
    this.open.add(value);
    try {
      return this.describe(value, ref, state, depth);
    } finally {
      this.open.delete(value);
    }
  }

  private describe(value: PyInstance, ref: GlobalRef, state: PickleDict, depth: number): EstimatorSummary {
    const { budget } = this;
    const hyperparameters: Array<[string, JsonValue]> = [];
    const fitted: Array<[string, JsonValue]> = [];
    let libraryVersion: string | null = null;
    for (const [key, item] of state.entries) {
      if (typeof key !== 'string') continue;
      const version = /^_([a-z0-9]+)_version$/.exec(key);
      if (version && typeof item === 'string') libraryVersion ??= item;
      else if (key.startsWith('_')) continue;
      else if (key.endsWith('_')) {
        if (!COVERED.has(key)) fitted.push([key, toJson(item, budget, MAX_JSON_DEPTH - 1)]);
      } else if (!NOT_PARAMETERS.has(key)) hyperparameters.push([key, toJson(item, budget)]);
    }

    const classes = listedScalars(dictGet(state, 'classes_'), budget);
    const featureList = listedScalars(dictGet(state, 'feature_names_in_'), budget);
    const summary: EstimatorSummary = {
      class: qualifiedName(ref),
      className: ref.name,
      library: libraryOf(ref.module),
      libraryVersion,
      hyperparameters: Object.fromEntries(hyperparameters),
      fitted: Object.fromEntries(fitted),
      classes,
      nFeaturesIn: asCount(dictGet(state, 'n_features_in_')) ?? null,
      featureNames: featureList ? strings(featureList) : null,
      ensemble: ensembleOf(dictGet(state, 'estimators_'), budget),
      tree: treeOf(value),
      steps: null,
    };
    const steps = sequenceItems(dictGet(state, 'steps'));
    if (PIPELINES.has(summary.class) && steps) this.addSteps(summary, steps, depth);
    return summary;
  }

  /** Pipelines keep classes in their last step and features in their first. */
  private addSteps(summary: EstimatorSummary, steps: readonly PickleValue[], depth: number): void {
    const listed: PipelineStep[] = [];
    for (const step of steps.slice(0, MAX_STEPS)) {
      const [name, estimator] = sequenceItems(step) ?? [];
      const placeholder = typeof estimator === 'string' || estimator === null ? String(estimator) : null;
      listed.push({
        name: typeof name === 'string' ? name : String(toJson(name, this.budget)),
        estimator: placeholder === null ? this.summarize(estimator, depth + 1) : null,
        placeholder,
      });
    }
    summary.steps = listed;
    const estimators = listed.map((step) => step.estimator).filter((step): step is EstimatorSummary => step !== null);
    const first = estimators[0];
    const last = estimators.at(-1);
    summary.featureNames ??= first?.featureNames ?? null;
    summary.nFeaturesIn ??= first?.nFeaturesIn ?? null;
    summary.classes ??= last?.classes ?? null;
    summary.libraryVersion ??= first?.libraryVersion ?? null;
  }
}

/** The summary of an estimator, or null when the value is not an object with attributes. */
export function summarizeEstimator(value: PickleValue | undefined, budget = new Budget(SUMMARY_BUDGET)): EstimatorSummary | null {
  return new Summarizer(budget).summarize(value);
}

/**
 * The model in a file: its top-level object, or the first estimator-like object in a top-level
 * dict, list or tuple (people often pickle `{"model": clf, "features": [...]}`).
 */
export function findModel(root: PickleValue): { value: PickleValue; path: string | null } | null {
  if (isInstance(root)) return { value: root, path: null };
  const candidates: Array<[string, PickleValue]> = [];
  if (isDict(root)) {
    for (const [key, item] of root.entries) candidates.push([`[${JSON.stringify(toJson(key, new Budget(1)))}]`, item]);
  } else {
    (sequenceItems(root) ?? []).forEach((item, index) => candidates.push([`[${index}]`, item]));
  }
  const found = candidates.slice(0, MAX_LISTED).find(([, item]) => {
    const ref = instanceClass(item);
    return ref !== undefined && ref.resolved && stateDict(item as PyInstance) !== undefined;
  });
  return found ? { value: found[1], path: found[0] } : null;
}
