import { describe, expect, it } from 'vitest';
import { classifyGlobal, classifyName, worstVerdict } from '../../src/pickle/globals.js';
import type { GlobalRef, PickleValue } from '../../src/pickle/values.js';

function ref(module: string, name: string, extra: Partial<GlobalRef> = {}): GlobalRef {
  return { kind: 'global', module, name, resolved: true, offset: 0, opcode: 'GLOBAL', ...extra };
}

describe('import verdicts', () => {
  it.each([
    ['os', 'system'],
    ['posix', 'system'],
    ['nt', 'system'],
    ['os.path', 'join'],
    ['subprocess', 'Popen'],
    ['commands', 'getoutput'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['builtins', 'getattr'],
    ['builtins', '__import__'],
    ['__builtin__', 'eval'],
    ['builtins', 'globals'],
    ['builtins', 'reduce'],
    ['cPickle', 'loads'],
    ['pickle', 'loads'],
    ['joblib', 'load'],
    ['functools', 'partial'],
    ['operator', 'attrgetter'],
    ['_operator', 'methodcaller'],
    ['runpy', '_run_code'],
    ['socket', 'create_connection'],
    ['requests.api', 'get'],
    ['webbrowser', 'open'],
    ['shutil', 'rmtree'],
    ['ctypes', 'CDLL'],
    ['numpy.f2py', 'compile'],
    ['numpy.testing._private.utils', 'runstring'],
    ['torch', 'load'],
    ['torch.jit._script', 'compile'],
    ['_io', 'FileIO'],
    ['cloudpickle.cloudpickle', '_make_function'],
  ])('%s.%s is dangerous', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('dangerous');
  });

  it.each([
    ['numpy.core.multiarray', '_reconstruct'],
    ['numpy._core.multiarray', '_reconstruct'],
    ['numpy._core.numeric', '_frombuffer'],
    ['numpy', 'dtype'],
    ['numpy', 'ndarray'],
    ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
    ['collections', 'OrderedDict'],
    ['builtins', 'set'],
    ['__builtin__', 'frozenset'],
    ['builtins', 'slice'],
    ['_codecs', 'encode'],
    ['numpy.random._pickle', '__randomstate_ctor'],
  ])('%s.%s is safe', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('safe');
  });

  it.each([
    ['sklearn.ensemble._forest', 'RandomForestClassifier'],
    ['sklearn.tree._tree', 'Tree'],
    ['xgboost.sklearn', 'XGBClassifier'],
    ['imblearn.pipeline', 'Pipeline'],
    ['numpy', 'float64'],
  ])('%s.%s is expected-ML', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('expected-ML');
  });

  it.each([
    ['collections', 'Counter'],
    ['pandas.core.frame', 'DataFrame'],
    ['mypackage.models', 'Custom'],
    ['copyreg', '_reconstructor'],
  ])('%s.%s is suspicious', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('suspicious');
  });

  it('treats an import that cannot be named statically as dangerous', () => {
    expect(classifyName('os', '<unresolved>', false)).toMatchObject({ verdict: 'dangerous', reason: expect.stringContaining('computed while loading') });
  });

  it('judges copyreg._reconstructor by the classes it rebuilds', () => {
    const object = ref('__builtin__', 'object');
    const args = (cls: GlobalRef): PickleValue => ({ kind: 'tuple', items: [cls, object, null] });
    const rebuildsModels = ref('copy_reg', '_reconstructor', { calls: [args(ref('sklearn.tree._classes', 'DecisionTreeClassifier'))] });
    const rebuildsOther = ref('copy_reg', '_reconstructor', { calls: [args(ref('sklearn.svm', 'SVC')), args(ref('mypackage', 'Thing'))] });
    expect(classifyGlobal(rebuildsModels).verdict).toBe('expected-ML');
    expect(classifyGlobal(rebuildsOther).verdict).toBe('suspicious');
  });

  it('orders verdicts from safe to dangerous', () => {
    expect(worstVerdict([])).toBe('safe');
    expect(worstVerdict(['expected-ML', 'safe'])).toBe('expected-ML');
    expect(worstVerdict(['suspicious', 'dangerous', 'safe'])).toBe('dangerous');
  });
});
