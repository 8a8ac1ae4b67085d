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
    // Functions of ML libraries that act: being in numpy or scikit-learn does not make them inert.
    ['numpy', 'load'],
    ['numpy', 'save'],
    ['numpy', 'savetxt'],
    ['numpy', 'fromfile'],
    ['numpy', 'memmap'],
    ['numpy.lib._npyio_impl', 'load'],
    ['numpy.lib.format', 'read_array'],
    ['numpy.testing', 'assert_'],
    ['numpy.ctypeslib', 'load_library'],
    ['sklearn.utils._testing', 'assert_run_python_script_without_output'],
    ['sklearn.datasets', 'load_svmlight_file'],
    ['pandas', 'read_pickle'],
    ['pandas.io.pickle', 'read_pickle'],
    ['mypackage', 'load'],
    ['importlib', 'import_module'],
    ['runpy', 'run_path'],
    ['pathlib', '__import__'],
    // Dotted names walk attributes from the module: judged by what they reach.
    ['sklearn', 'os.system'],
    ['numpy', '__builtins__.get'],
    ['numpy', 'testing.assert_'],
    ['sklearn.ensemble._forest', 'RandomForestClassifier.__init__.__globals__'],
    ['sklearn', 'utils._testing.assert_run_python_script_without_output'],
    ['joblib', 'numpy_pickle.load'],
    ['numpy', 'ndarray.tofile'],
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
    ['collections', 'Counter'],
    ['torch._utils', '_rebuild_tensor_v2'],
    ['torch', 'FloatStorage'],
  ])('%s.%s is safe', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('safe');
  });

  it.each([
    ['sklearn.ensemble._forest', 'RandomForestClassifier'],
    ['sklearn.tree._tree', 'Tree'],
    ['sklearn.ensemble', 'RandomForestClassifier'],
    ['sklearn.pipeline', 'Pipeline'],
    ['sklearn.compose._column_transformer', 'ColumnTransformer'],
    ['sklearn._loss.loss', 'HalfMultinomialLoss'],
    ['numpy', 'float64'],
    ['numpy', 'log1p'],
  ])('%s.%s is expected-ML', (module, name) => {
    expect(classifyName(module, name, true).verdict).toBe('expected-ML');
  });

  it.each([
    ['pandas.core.frame', 'DataFrame'],
    ['mypackage.models', 'Custom'],
    ['copyreg', '_reconstructor'],
    // Only an explicit allowlist is expected-ML: other ML classes and functions are suspicious.
    ['xgboost.sklearn', 'XGBClassifier'],
    ['imblearn.pipeline', 'Pipeline'],
    ['sklearn.utils', 'Bunch'],
    ['sklearn.utils', 'check_array'],
    ['numpy', 'vectorize'],
    ['sklearn.ensemble.forest', 'RandomForestClassifier'],
    // A dotted name is never allowlisted, even when it reaches an allowlisted class.
    ['sklearn', 'ensemble.RandomForestClassifier'],
    ['numpy', 'core.multiarray._reconstruct'],
    ['builtins', 'set.'],
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
