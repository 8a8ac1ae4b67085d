/**
 * The CLI as one file. `npm run build` bundles the CLI's modules into `mlflow-mct.cjs` beside this
 * module and records V8's code cache of a `train-penguins --dry-run` run of it in
 * `mlflow-mct.cjs.cache` (scripts/bundle-cli.mjs). A cold command then reads one file instead of
 * resolving and reading some 300 modules, and skips compiling what that run compiled: module
 * loading was the largest part of a cold dry run after Node's own start-up.
 *
 * The cache is used only with the bundle it was made from (the build id on the bundle's first
 * line names both) and only by the V8 that made it (V8 checks its version and flags); otherwise
 * the bundle compiles as usual, a little slower and otherwise the same.
 */
import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** What the bundle exports (src/cli/run.ts). */
export interface CliEntry {
  startCli(argv: readonly string[]): Promise<void>;
}

export interface BundledCli {
  cli: CliEntry;
  /** Whether V8 took the code cache: `absent` when there is none for this bundle. */
  codeCache: 'accepted' | 'rejected' | 'absent';
}

/** @internal exported for the build (scripts/bundle-cli.mjs) and its tests */
export const BUNDLE_FILE = 'mlflow-mct.cjs';
/**
 * The bundle's first line: this prefix, then the SHA-256 of the rest of the file.
 * @internal exported for the build (scripts/bundle-cli.mjs) and its tests
 */
export const BUILD_ID_PREFIX = '// mlflow-mct bundle ';

const BUILD_ID = new RegExp(`^${BUILD_ID_PREFIX}([0-9a-f]{64})\\n`);

/**
 * The bundled CLI in `directory` (this module's own by default), or `undefined` when there is no
 * bundle there. With `writeCacheTo`, no cache is read, and the code cache of whatever the process
 * has compiled is written there when it exits.
 */
export function loadBundledCli(options: { directory?: string; writeCacheTo?: string } = {}): BundledCli | undefined {
  const file = join(options.directory ?? dirname(fileURLToPath(import.meta.url)), BUNDLE_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // The build writes ASCII (non-ASCII escaped); as a one-byte string it needs no UTF-8 decoding.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const id = BUILD_ID.exec(source)?.[1];
  const cachedData = id && !options.writeCacheTo ? readCache(`${file}.cache`, id) : undefined;
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const codeCache = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  if (options.writeCacheTo && id) {
    const target = options.writeCacheTo;
    process.once('exit', () => {
      const temporary = `${target}.${process.pid}.tmp`;
      writeFileSync(temporary, Buffer.concat([Buffer.from(`${id}\n`, 'latin1'), script.createCachedData()]));
      renameSync(temporary, target);
    });
  }
  // The CommonJS module wrapper's arguments: exports, require, module, __filename, __dirname.
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, directory: string) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { cli: module.exports as CliEntry, codeCache };
}

/** The V8 cache data of the bundle with build id `id`, if the cache file is that bundle's. */
function readCache(path: string, id: string): Buffer | undefined {
  try {
    const cache = readFileSync(path);
    const header = `${id}\n`;
    return cache.toString('latin1', 0, header.length) === header ? cache.subarray(header.length) : undefined;
  } catch {
    return undefined;
  }
}
