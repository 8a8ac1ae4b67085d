import { NUMPY_PARAMETER_NAMES, SKLEARN_NAMES } from './allowlist-data.js';

/**
 * The allowlist: the only imports that are not at least `suspicious`. `safe` ones rebuild arrays
 * and containers; `expected-ML` ones are model classes and the pure functions models keep as
 * parameters. Being in an ML package is not enough: numpy and scikit-learn also hold functions
 * that write files, load other pickles or run code.
 */
export const SAFE: ReadonlyMap<string, string> = new Map([
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
export const SAFE_BUILTINS = new Set([
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
export const EXPECTED_ML: ReadonlySet<string> = new Set([
  ...SKLEARN_NAMES,
  ...NUMPY_PARAMETER_NAMES,
  ...NUMPY_TYPES.map((name) => `numpy.${name}`),
  ...NUMPY_FUNCTIONS.map((name) => `numpy.${name}`),
  ...['csr_matrix', 'csc_matrix', 'coo_matrix', 'csr_array', 'csc_array', 'coo_array'].flatMap((name) => [
    `scipy.sparse._${name.slice(0, 3)}.${name}`,
    `scipy.sparse.${name}`,
  ]),
]);
