import { EXPECTED_ML, SAFE, SAFE_BUILTINS } from './allowlist.js';
import { ACTING_NAME, CODE_RUNNING_BUILTINS, DENIED_MODULES, DENIED_NAMES, deniedPackage } from './denylist.js';
import { PYTHON2_MODULES, python3Name } from './python2-names.js';
import { isGlobal, sequenceItems, type GlobalRef, type PickleValue } from './values.js';

/**
 * The verdict on each import a pickle makes. Loading a pickle imports every global it names and
 * may call it, so the imports are what decides whether a file is safe to load.
 *
 * - dangerous: on the denylist of picklescan, modelscan or fickling (their union), or not
 *   resolvable statically (STACK_GLOBAL operands that are not plain strings, extension codes);
 * - safe: array and container rebuilders every model pickle uses, and pure builtins;
 * - expected-ML: classes of the machine-learning libraries models are made of;
 * - suspicious: anything else, which loading would import and may call.
 *
 * The lists are in allowlist.ts and denylist.ts; python2-names.ts maps Python 2 names to what
 * Python 3 imports.
 */

export type Verdict = 'safe' | 'expected-ML' | 'suspicious' | 'dangerous';

export const VERDICT_ORDER: readonly Verdict[] = ['safe', 'expected-ML', 'suspicious', 'dangerous'];

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'safe';
  for (const verdict of verdicts) if (VERDICT_ORDER.indexOf(verdict) > VERDICT_ORDER.indexOf(worst)) worst = verdict;
  return worst;
}

export interface GlobalVerdict {
  verdict: Verdict;
  reason: string;
}

const ML_LIBRARIES: ReadonlyMap<string, string> = new Map([
  ['sklearn', 'scikit-learn'],
  ['imblearn', 'imbalanced-learn'],
  ['xgboost', 'xgboost'],
  ['lightgbm', 'lightgbm'],
  ['catboost', 'catboost'],
  ['numpy', 'numpy'],
]);

/** The PyPI name of the library a module belongs to (`sklearn.tree._classes` → scikit-learn). */
export function libraryOf(module: string): string {
  const root = module.split('.')[0] ?? module;
  return ML_LIBRARIES.get(root) ?? root;
}

/** A dunder attribute other than a class's own name: walking through one reaches interpreter internals. */
function isDunder(part: string): boolean {
  return part.length > 4 && part.startsWith('__') && part.endsWith('__');
}

/**
 * The verdict on one `module.name`, before looking at how it is used. A dotted name
 * (`find_class(module, "a.b.c")`) is resolved as Python does, by walking attributes from the
 * imported module, so it is judged by every target that walk can reach, and is never allowlisted.
 */
export function classifyName(rawModule: string, rawName: string, resolved: boolean): GlobalVerdict {
  if (!resolved) {
    return {
      verdict: 'dangerous',
      reason: 'the import is computed while loading (its module or name is not a plain string), so it cannot be checked without running the file',
    };
  }
  const { module, name } = python3Name(rawModule, rawName);
  const qualified = `${module}.${name}`;
  const verdict = name.includes('.') ? classifyDotted(module, name) : classifyPython3Name(module, name);
  return qualified === `${rawModule}.${rawName}` ? verdict : { ...verdict, reason: `${verdict.reason} (Python 3 imports it as ${qualified})` };
}

/**
 * `find_class("sklearn", "os.system")` imports sklearn, then reads `sklearn.os.system`: whatever
 * sklearn imported is reachable. Every `a.b` pair and every suffix of the path is judged as an
 * import of its own (`os.system`, `__builtins__.get` → `builtins.get`), and the worst wins; at
 * best the walk is `suspicious`, since no allowlisted class is ever reached that way.
 */
function classifyDotted(module: string, name: string): GlobalVerdict {
  const parts = name.split('.');
  const path = [...module.split('.'), ...parts];
  const reasons = `the name ${name} walks attributes from ${module}`;
  if (parts.some((part) => part === '')) {
    return { verdict: 'suspicious', reason: `${reasons}, with an empty step: loading fails or reaches an unexpected object` };
  }
  const dunder = parts.find(isDunder);
  if (dunder) return { verdict: 'dangerous', reason: `${reasons} through ${dunder}, which reaches interpreter internals` };
  for (const part of parts) {
    const mapped = PYTHON2_MODULES[part] ?? part;
    if (mapped === 'builtins') return { verdict: 'dangerous', reason: `${reasons} through ${part}, which reaches eval, exec and open` };
    const why = Object.hasOwn(DENIED_MODULES, mapped) ? DENIED_MODULES[mapped] : undefined;
    if (why) return { verdict: 'dangerous', reason: `${reasons} through ${part}: ${why}` };
  }
  let worst: GlobalVerdict | undefined;
  const firstName = path.length - parts.length;
  for (let end = firstName; end < path.length; end += 1) {
    for (let start = 0; start < end; start += 1) {
      const target = python3Name(path.slice(start, end).join('.'), path[end] ?? '');
      const judged = classifyPython3Name(target.module, target.name);
      if (judged.verdict === 'dangerous') {
        return { verdict: 'dangerous', reason: `${reasons} to ${target.module}.${target.name}: ${judged.reason}` };
      }
      if (!worst && judged.verdict === 'suspicious' && ACTING_NAME.test(target.name)) worst = judged;
    }
  }
  return { verdict: 'suspicious', reason: `${reasons}: loading reaches an object outside the allowlist${worst ? ` (${worst.reason})` : ''}` };
}

function classifyPython3Name(module: string, name: string): GlobalVerdict {
  const qualified = `${module}.${name}`;
  const safe = SAFE.get(qualified);
  if (safe) return { verdict: qualified === 'copyreg._reconstructor' ? 'suspicious' : 'safe', reason: safe };
  if (EXPECTED_ML.has(qualified)) return { verdict: 'expected-ML', reason: `${libraryOf(module)} model class or pure function (allowlisted)` };

  if (module === 'builtins') {
    if (SAFE_BUILTINS.has(name)) return { verdict: 'safe', reason: 'a builtin type that builds a plain value' };
    const why = CODE_RUNNING_BUILTINS[name];
    return {
      verdict: 'dangerous',
      reason: why ? `builtin that ${why}` : 'a builtin outside the plain value types (fickling denies it)',
    };
  }
  const named = DENIED_NAMES[qualified];
  if (named) return { verdict: 'dangerous', reason: named };
  const packaged = deniedPackage(module);
  if (packaged) return { verdict: 'dangerous', reason: `${module}: ${packaged}` };
  // fickling denies a module when any part of its dotted name is denied (os.path, http.client...).
  const deniedPart = module.split('.').find((part) => Object.hasOwn(DENIED_MODULES, part));
  if (deniedPart) return { verdict: 'dangerous', reason: `${deniedPart}: ${DENIED_MODULES[deniedPart]}` };
  if (ACTING_NAME.test(name)) {
    return { verdict: 'dangerous', reason: `${name} runs, loads, writes or imports something, whatever module it comes from` };
  }
  if (isDunder(name)) return { verdict: 'dangerous', reason: `${name} reaches interpreter internals` };
  return { verdict: 'suspicious', reason: 'not on the allowlist of model, array and container types: loading imports it and may call it' };
}

/**
 * The verdict on one import as the file uses it. `copyreg._reconstructor(cls, base, state)` is how
 * protocols 0 and 1 rebuild objects: it is as safe as the classes it rebuilds. A BUILD on the
 * import itself (rewriting a class or module attribute) makes it at least suspicious.
 */
export function classifyGlobal(ref: GlobalRef): GlobalVerdict {
  if (ref.computedCall) {
    return { verdict: 'suspicious', reason: 'calls a value that an earlier call returned, as chained payloads do; model pickles only call imported classes' };
  }
  let result = classifyName(ref.module, ref.name, ref.resolved);
  const imported = python3Name(ref.module, ref.name);
  if (ref.resolved && `${imported.module}.${imported.name}` === 'copyreg._reconstructor') {
    result = reconstructorVerdict(ref.calls ?? []) ?? result;
  }
  if (ref.mutatedAt !== undefined && result.verdict !== 'dangerous') {
    result = { verdict: 'suspicious', reason: `loading overwrites attributes of this import itself (BUILD at byte ${ref.mutatedAt})` };
  }
  return result;
}

function reconstructorVerdict(calls: readonly PickleValue[]): GlobalVerdict | undefined {
  if (calls.length === 0) return undefined;
  const verdicts: Verdict[] = [];
  for (const args of calls) {
    const [cls, base] = sequenceItems(args) ?? [];
    if (!isGlobal(cls) || !isGlobal(base)) return undefined;
    const classVerdict = classifyName(cls.module, cls.name, cls.resolved).verdict;
    const baseVerdict = classifyName(base.module, base.name, base.resolved).verdict;
    if (classVerdict !== 'safe' && classVerdict !== 'expected-ML') return undefined;
    if (baseVerdict !== 'safe') return undefined;
    verdicts.push(classVerdict);
  }
  const verdict = worstVerdict(verdicts);
  return { verdict, reason: 'rebuilds objects of model or array classes only (protocols 0 and 1)' };
}
