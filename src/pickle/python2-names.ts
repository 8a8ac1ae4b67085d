/**
 * Python 2 names that Python 3's unpickler imports under their new names (fix_imports, from
 * CPython's Lib/_compat_pickle.py): the verdict is on what would really be imported.
 */
export const PYTHON2_MODULES: Readonly<Record<string, string>> = {
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
