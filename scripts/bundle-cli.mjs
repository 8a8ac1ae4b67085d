// Bundles the built CLI (dist/cli/run.js and everything it imports) into dist/cli/mlflow-mct.cjs,
// then runs `train-penguins --dry-run` once from the bundle to record V8's code cache of it in
// dist/cli/mlflow-mct.cjs.cache. dist/cli/main.js, the executable, loads both (src/cli/bundle.ts):
// a cold command reads one file and compiles less. `npm run build` runs this after tsc; esbuild
// does the bundling because it is fast (well under a second) and keeps each module's own scope.
//   node scripts/bundle-cli.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// tsc has built dist/ by now (`npm run build` runs this after it).
import { BUILD_ID_PREFIX, BUNDLE_FILE } from '../dist/cli/bundle.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cliDir = join(root, 'dist', 'cli');
const bundlePath = join(cliDir, BUNDLE_FILE);
const cachePath = `${bundlePath}.cache`;

/**
 * Each module keeps its own `import.meta.url`: files it reads beside itself (the training worker
 * entry, package.json two levels up) are found where they were before bundling.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(context) {
    context.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      const contents = readFileSync(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const location = JSON.stringify(relative(cliDir, args.path));
      return { contents: contents.replaceAll('import.meta.url', `__moduleUrl(${location})`), loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(cliDir, 'run.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Native addons stay where npm put them.
  external: ['@resvg/resvg-js', 'onnxruntime-node'],
  banner: { js: "const __moduleUrl = (path) => require('node:url').pathToFileURL(require('node:path').join(__dirname, path)).href;" },
  plugins: [ownUrl],
  // No comments or indentation: half the bytes to read and parse. Names are kept, so stack
  // traces (--verbose) still name our functions; non-ASCII is escaped (esbuild's default), so the
  // file is ASCII and is read without UTF-8 decoding.
  minifyWhitespace: true,
  write: false,
  logLevel: 'warning',
});
const text = result.outputFiles[0].text;
const id = createHash('sha256').update(text).digest('hex');
rmSync(cachePath, { force: true });
writeAtomically(bundlePath, `${BUILD_ID_PREFIX}${id}\n${text}`);

// The run whose compiled code the cache keeps: the command people run most, on the shipped data.
const bundleModule = JSON.stringify(pathToFileURL(join(cliDir, 'bundle.js')).href);
const scratch = mkdtempSync(join(tmpdir(), 'mlflow-mct-bundle-'));
try {
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { loadBundledCli } from ${bundleModule};
       await loadBundledCli({ writeCacheTo: ${JSON.stringify(cachePath)} }).cli.startCli(['train-penguins', '--dry-run', '--quiet', '--out-dir', ${JSON.stringify(scratch)}]);`,
    ],
    { cwd: scratch, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  if (run.status !== 0) {
    // The bundle still works without its cache (every command compiles as it loads); the tests
    // of the bundle fail on a missing cache, so this does not go unnoticed.
    rmSync(cachePath, { force: true });
    console.warn(`warning: no code cache: train-penguins --dry-run failed from the bundle (exit ${run.status}):\n${run.stderr}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// What the executable will find: V8 accepts the cache (or says why not).
const check = spawnSync(process.execPath, ['--input-type=module', '-e', `import { loadBundledCli } from ${bundleModule}; process.stdout.write(loadBundledCli().codeCache);`], { encoding: 'utf8' });
const kb = (path) => `${Math.round(readFileSync(path).length / 1024)} KB`;
console.log(`bundled the CLI: ${relative(root, bundlePath)} (${kb(bundlePath)}); code cache: ${check.stdout || check.stderr.trim()}${existsSync(cachePath) ? ` (${kb(cachePath)})` : ''}`);

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}
