import { NUMPY_PARAMETER_NAMES, SKLEARN_NAMES } from './allowlist-data.js';
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

/**
 * Python 2 names that Python 3's unpickler imports under their new names (fix_imports, from
 * CPython's Lib/_compat_pickle.py): the verdict is on what would really be imported.
 */
const PYTHON2_MODULES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  __builtins__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
  commands: 'subprocess',
  cPickle: 'pickle',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  urllib2: 'urllib.request',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  httplib: 'http.client',
  BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  cookielib: 'http.cookiejar',
  Cookie: 'http.cookies',
  SocketServer: 'socketserver',
  xmlrpclib: 'xmlrpc.client',
  SimpleXMLRPCServer: 'xmlrpc.server',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  Queue: 'queue',
  StringIO: 'io',
  cStringIO: 'io',
};

const PYTHON2_NAMES: Readonly<Record<string, string>> = {
  'builtins.reduce': 'functools.reduce',
  'builtins.intern': 'sys.intern',
  'builtins.xrange': 'builtins.range',
  'builtins.unicode': 'builtins.str',
  'builtins.basestring': 'builtins.str',
  'builtins.long': 'builtins.int',
  'builtins.unichr': 'builtins.chr',
  'builtins.raw_input': 'builtins.input',
  'itertools.izip': 'builtins.zip',
  'itertools.imap': 'builtins.map',
  'itertools.ifilter': 'builtins.filter',
};

/** The `module.name` Python 3 imports for a pickled global. */
export function python3Name(module: string, name: string): { module: string; name: string } {
  const mappedModule = PYTHON2_MODULES[module] ?? module;
  const renamed = PYTHON2_NAMES[`${mappedModule}.${name}`];
  if (renamed === undefined) return { module: mappedModule, name };
  const split = renamed.lastIndexOf('.');
  return { module: renamed.slice(0, split), name: renamed.slice(split + 1) };
}

/**
 * The allowlist: the only imports that are not at least `suspicious`. `safe` ones rebuild arrays
 * and containers; `expected-ML` ones are model classes and the pure functions models keep as
 * parameters. Being in an ML package is not enough: numpy and scikit-learn also hold functions
 * that write files, load other pickles or run code.
 */
const SAFE: ReadonlyMap<string, string> = new Map([
  ['numpy._core.multiarray._reconstruct', 'rebuilds a numpy array'],
  ['numpy.core.multiarray._reconstruct', 'rebuilds a numpy array'],
  ['numpy._core.numeric._frombuffer', 'rebuilds a numpy array from its bytes (protocol 5)'],
  ['numpy.core.numeric._frombuffer', 'rebuilds a numpy array from its bytes (protocol 5)'],
  ['numpy._core.multiarray.scalar', 'rebuilds a numpy scalar'],
  ['numpy.core.multiarray.scalar', 'rebuilds a numpy scalar'],
  ['numpy.ndarray', 'the numpy array type'],
  ['numpy.dtype', 'a numpy data type'],
  ['numpy.ma.core._mareconstruct', 'rebuilds a numpy masked array'],
  ['numpy.ma.core.MaskedArray', 'the numpy masked array type'],
  ['numpy.ma.MaskedArray', 'the numpy masked array type'],
  // fickling denies the whole joblib module, but every joblib file wraps its arrays in this class.
  ['joblib.numpy_pickle.NumpyArrayWrapper', 'joblib array placeholder'],
  // fickling denies any module path with a `_pickle` part; numpy's random-state rebuilders are not pickle loaders.
  ['numpy.random._pickle.__randomstate_ctor', 'rebuilds a numpy random state'],
  ['numpy.random._pickle.__generator_ctor', 'rebuilds a numpy random generator'],
  ['numpy.random._pickle.__bit_generator_ctor', 'rebuilds a numpy bit generator'],
  ['numpy.random.bit_generator.SeedSequence', 'a numpy random seed'],
  ['numpy.random.bit_generator.__pyx_unpickle_SeedSequence', 'rebuilds a numpy random seed'],
  ['numpy.random._mt19937.MT19937', 'a numpy bit generator'],
  ['numpy.random._pcg64.PCG64', 'a numpy bit generator'],
  ['numpy.random._pcg64.PCG64DXSM', 'a numpy bit generator'],
  ['numpy.random._philox.Philox', 'a numpy bit generator'],
  ['numpy.random._sfc64.SFC64', 'a numpy bit generator'],
  ['numpy.random.mtrand.RandomState', 'a numpy random state'],
  ['collections.OrderedDict', 'an ordered dict'],
  ['collections.defaultdict', 'a dict with a default'],
  ['collections.Counter', 'a counting dict'],
  ['collections.deque', 'a double-ended queue'],
  ['_codecs.encode', 'protocol 2 encoding of bytes'],
  ['copyreg._reconstructor', 'rebuilds an object of any class it is given (protocols 0 and 1)'],
  // PyTorch checkpoints: what torch.load(weights_only=True) accepts.
  ['torch._utils._rebuild_tensor', 'rebuilds a tensor'],
  ['torch._utils._rebuild_tensor_v2', 'rebuilds a tensor'],
  ['torch._utils._rebuild_tensor_v3', 'rebuilds a tensor'],
  ['torch._utils._rebuild_parameter', 'rebuilds a parameter'],
  ['torch._utils._rebuild_parameter_with_state', 'rebuilds a parameter'],
  ['torch._utils._rebuild_qtensor', 'rebuilds a quantized tensor'],
  ['torch._utils._rebuild_sparse_tensor', 'rebuilds a sparse tensor'],
  ['torch._utils._rebuild_meta_tensor_no_storage', 'rebuilds a tensor'],
  ['torch.nn.parameter.Parameter', 'the parameter type'],
  ['torch.Size', 'a tensor shape'],
  ['torch.device', 'a device name'],
  ['torch.serialization._get_layout', 'a tensor layout'],
  ...[
    'Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool', 'ComplexFloat', 'ComplexDouble',
    'QInt8', 'QUInt8', 'QInt32', 'Untyped',
  ].map((kind): [string, string] => [`torch.${kind}Storage`, 'a tensor storage type']),
  ...[
    'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool', 'complex64', 'complex128',
  ].map((kind): [string, string] => [`torch.${kind}`, 'a tensor element type']),
]);

/** Builtin types whose call builds a plain value. */
const SAFE_BUILTINS = new Set([
  'bool', 'int', 'float', 'complex', 'str', 'bytes', 'bytearray', 'list', 'tuple', 'set', 'frozenset', 'dict',
  'slice', 'range', 'object', 'NoneType', 'Ellipsis', 'NotImplemented',
]);

/** numpy scalar types and pure math functions that models keep as parameters. */
const NUMPY_TYPES = [
  'bool_', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'intp', 'uintp', 'float16', 'float32',
  'float64', 'longdouble', 'complex64', 'complex128', 'clongdouble', 'str_', 'bytes_', 'object_', 'void', 'datetime64',
  'timedelta64', 'number', 'integer', 'floating', 'signedinteger', 'unsignedinteger', 'generic', 'inexact',
];
const NUMPY_FUNCTIONS = [
  'mean', 'median', 'sum', 'prod', 'min', 'max', 'amin', 'amax', 'std', 'var', 'average', 'nanmean', 'nanmedian', 'nansum',
  'abs', 'absolute', 'sqrt', 'square', 'exp', 'expm1', 'exp2', 'log', 'log1p', 'log2', 'log10', 'sign', 'tanh', 'arctanh',
  'sinh', 'arcsinh', 'cosh', 'sin', 'cos', 'clip', 'round', 'floor', 'ceil', 'reciprocal', 'negative', 'argmax', 'argmin',
];

/** Model classes and the pure functions models keep: generated from scikit-learn (allowlist-data.ts) and curated here. */
const EXPECTED_ML: ReadonlySet<string> = new Set([
  ...SKLEARN_NAMES,
  ...NUMPY_PARAMETER_NAMES,
  ...NUMPY_TYPES.map((name) => `numpy.${name}`),
  ...NUMPY_FUNCTIONS.map((name) => `numpy.${name}`),
  ...['csr_matrix', 'csc_matrix', 'coo_matrix', 'csr_array', 'csc_array', 'coo_array'].flatMap((name) => [
    `scipy.sparse._${name.slice(0, 3)}.${name}`,
    `scipy.sparse.${name}`,
  ]),
]);

/** Builtins named by picklescan and modelscan, with what they do. */
const CODE_RUNNING_BUILTINS: Readonly<Record<string, string>> = {
  eval: 'evaluates a Python expression',
  exec: 'runs Python code',
  compile: 'compiles Python code',
  getattr: 'reaches any attribute, and so any function',
  apply: 'calls any function',
  open: 'opens any file',
  breakpoint: 'starts a debugger',
  __import__: 'imports any module',
};

/** Modules denied whole, with what makes them dangerous (picklescan, modelscan, fickling). */
const DENIED_MODULES: Readonly<Record<string, string>> = {
  os: 'operating-system calls, including os.system',
  posix: 'operating-system calls, including system (os on Linux and macOS)',
  nt: 'operating-system calls, including system (os on Windows)',
  subprocess: 'runs programs',
  _posixsubprocess: 'runs programs',
  commands: 'runs shell commands (Python 2)',
  pty: 'spawns programs on a terminal',
  sys: 'interpreter internals',
  runpy: 'runs Python modules and code',
  code: 'runs Python code',
  codeop: 'compiles Python code',
  marshal: 'loads compiled code',
  types: 'builds functions and code objects',
  importlib: 'imports any module',
  _frozen_importlib: 'imports any module',
  _frozen_importlib_external: 'imports any module',
  _imp: 'imports any module',
  imp: 'imports any module',
  pkgutil: 'imports any module',
  zipimport: 'imports modules from archives',
  site: 'changes the import path',
  gc: 'reaches any live object',
  inspect: 'reaches any object',
  operator: 'calls methods by name (attrgetter, methodcaller)',
  _operator: 'calls methods by name (attrgetter, methodcaller)',
  functools: 'wraps any call (partial)',
  multiprocessing: 'starts processes',
  threading: 'starts threads',
  _thread: 'starts threads',
  signal: 'installs signal handlers',
  _signal: 'installs signal handlers',
  atexit: 'runs code at exit',
  ctypes: 'calls native code',
  _ctypes: 'calls native code',
  pickle: 'loads another pickle',
  _pickle: 'loads another pickle',
  dill: 'loads another pickle',
  cloudpickle: 'loads another pickle and builds functions',
  joblib: 'loads another pickle',
  shelve: 'loads pickled databases',
  socket: 'opens network connections',
  socketserver: 'listens on the network',
  ssl: 'opens network connections',
  select: 'network multiplexing',
  selectors: 'network multiplexing',
  http: 'network requests',
  httplib: 'network requests',
  urllib: 'network requests',
  urllib2: 'network requests',
  requests: 'network requests',
  aiohttp: 'network requests',
  asyncio: 'runs coroutines and subprocesses',
  webbrowser: 'opens URLs',
  smtplib: 'sends e-mail',
  imaplib: 'network mail access',
  poplib: 'network mail access',
  ftplib: 'network file transfer',
  telnetlib: 'network sessions',
  nntplib: 'network news access',
  xmlrpc: 'remote procedure calls',
  shutil: 'copies, moves and deletes files',
  tempfile: 'creates files',
  filecmp: 'reads files',
  fileinput: 'reads files',
  glob: 'lists files',
  linecache: 'reads files',
  difflib: 'reads files',
  tarfile: 'extracts archives',
  zipfile: 'extracts archives',
  sqlite3: 'creates database files',
  _sqlite3: 'creates database files',
  mmap: 'maps memory',
  logging: 'opens files and sockets through handlers',
  syslog: 'writes the system log',
  platform: 'runs programs to probe the system',
  uuid: 'runs programs to find the MAC address',
  _osx_support: 'runs programs',
  _aix_support: 'runs programs',
  _pyrepl: 'runs Python code',
  distutils: 'builds and writes files',
  compileall: 'compiles and writes files',
  py_compile: 'compiles and writes files',
  pip: 'installs packages',
  ensurepip: 'installs packages',
  venv: 'creates environments and runs programs',
  pydoc: 'imports modules and runs pagers',
  pexpect: 'runs programs',
  pdb: 'debugger that runs code',
  bdb: 'debugger that runs code',
  cProfile: 'runs code under the profiler',
  profile: 'runs code under the profiler',
  timeit: 'runs code',
  trace: 'runs code',
  doctest: 'runs code from docstrings',
  unittest: 'runs tests',
  test: 'CPython test helpers',
  idlelib: 'runs code',
  lib2to3: 'evaluates grammar code',
};

/** Denied modules with their submodules matched by prefix (picklescan, fickling's ML analysis). */
const DENIED_PACKAGES: Readonly<Record<string, string>> = {
  'numpy.f2py': 'compiles and runs code',
  'numpy.distutils': 'runs build commands',
  'numpy.testing': 'runs code and test scripts (runstring)',
  'numpy.lib.npyio': 'loads and saves files, including pickles',
  'numpy.lib._npyio_impl': 'loads and saves files, including pickles',
  'numpy.lib.format': 'reads and writes .npy files, including pickles',
  'numpy.lib._format_impl': 'reads and writes .npy files, including pickles',
  'numpy.lib._datasource': 'opens files and URLs',
  'numpy.lib.utils': 'inspects and imports modules',
  'numpy.ctypeslib': 'loads native libraries',
  'numpy._pytesttester': 'runs test suites',
  'sklearn.utils._testing': 'test helpers that run scripts and write files',
  'sklearn.utils._joblib': 'joblib, which loads pickles',
  'sklearn.externals': 'bundled third-party code (joblib in old releases)',
  'sklearn.datasets': 'downloads, reads and writes data files',
  'scipy.io': 'reads and writes data files',
  'scipy._lib._testutils': 'runs test suites',
  'pandas.io': 'reads and writes files, including pickles',
  'pandas.core.computation': 'evaluates expressions',
  'torch.serialization': 'loads another pickle',
  'requests.api': 'network requests',
  'torch.hub': 'downloads and runs code',
  'torch._dynamo': 'compiles and runs code',
  'torch._inductor': 'compiles and runs code',
  'torch.jit': 'compiles and runs code',
  'torch.compile': 'compiles and runs code',
};

/** Single functions or classes denied by picklescan, modelscan or fickling. */
const DENIED_NAMES: Readonly<Record<string, string>> = {
  'torch.load': 'loads another pickle',
  'torch.compile': 'compiles and runs code',
  'torch.serialization.load': 'loads another pickle',
  'torch.storage._load_from_bytes': 'loads another pickle',
  'torch.utils._config_module.ConfigModule': 'loads configuration that runs code',
  'torch.utils._config_module.ConfigModule.load_config': 'loads another pickle',
  'torch.utils.collect_env.run': 'runs programs',
  'torch.utils.data.datapipes.utils.decoder.basichandlers': 'loads another pickle',
  'torch.fx.experimental.symbolic_shapes.ShapeEnv.evaluate_guards_expression': 'evaluates code',
  'torch.jit.unsupported_tensor_ops.execWrapper': 'runs code',
  'torch._dynamo.guards.GuardBuilder.get': 'evaluates code',
  'torch._inductor.codecache.compile_file': 'runs a compiler command',
  'torch.utils.bottleneck.__main__.run_cprofile': 'runs code',
  'torch.utils.bottleneck.__main__.run_autograd_prof': 'runs code',
  'numpy.load': 'loads .npy/.npz files, and pickles with allow_pickle',
  'numpy.save': 'writes files',
  'numpy.savez': 'writes files',
  'numpy.savez_compressed': 'writes files',
  'numpy.savetxt': 'writes files',
  'numpy.loadtxt': 'reads files',
  'numpy.genfromtxt': 'reads files and URLs',
  'numpy.fromfile': 'reads files',
  'numpy.fromregex': 'reads files',
  'numpy.memmap': 'maps any file into memory, for writing too',
  'numpy.DataSource': 'opens files and URLs',
  'numpy.core.memmap.memmap': 'maps any file into memory, for writing too',
  'numpy._core.memmap.memmap': 'maps any file into memory, for writing too',
  'numpy.test': 'runs the test suite',
  'pandas.read_pickle': 'loads another pickle',
  'pandas.eval': 'evaluates expressions',
  'joblib.load': 'loads another pickle',
  'joblib.dump': 'writes files',
  '_io.FileIO': 'opens any file',
  '_io.open': 'opens any file',
  'io.FileIO': 'opens any file',
  'io.open': 'opens any file',
};

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

function deniedPackage(module: string): string | undefined {
  for (const [prefix, why] of Object.entries(DENIED_PACKAGES)) {
    if (module === prefix || module.startsWith(`${prefix}.`)) return why;
  }
  return undefined;
}

/**
 * Attribute and function names that act whatever module they come from: run programs or code,
 * load or write files, import modules, reach interpreter internals.
 */
const ACTING_NAME = new RegExp(
  [
    '^(system|popen\\d?|spawn\\w*|exec\\w*|eval|compile|run\\w*|call|check_call|check_output|getoutput|getstatusoutput|fork\\w*)$',
    '^(load|loads|load_\\w+|\\w+_load|read_pickle|unpickle\\w*|dump|dumps|save\\w*|to_pickle|tofile|fromfile|write\\w*|open|urlopen)$',
    '^(import_module|__import__|reload|getattr|setattr|delattr|globals|locals|vars|breakpoint|input)$',
    '^(remove|unlink|rmdir|rmtree|rename|replace|chmod|chown|kill|truncate|symlink|link|makedirs|mkdir)$',
  ].join('|'),
);

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
