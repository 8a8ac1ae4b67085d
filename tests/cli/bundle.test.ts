import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILD_ID_PREFIX, BUNDLE_FILE } from '../../src/cli/bundle.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

/** The built loader (the executable uses it, so the tests do too). */
const LOADER = pathToFileURL(fileURLToPath(new URL('../../dist/cli/bundle.js', import.meta.url))).href;
const RUN = pathToFileURL(fileURLToPath(new URL('../../dist/cli/run.js', import.meta.url))).href;

/** Runs ES module code in a fresh node process. */
function node(code: string, cwd?: string) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, ...(cwd ? { cwd } : {}) });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Loads the bundle in `directory` (the built one by default) in a fresh process, runs `argv` with it and prints how the code cache went. */
function loadAndRun(argv: string[], options: { directory?: string; writeCacheTo?: string } = {}) {
  return node(
    `import { loadBundledCli } from ${JSON.stringify(LOADER)};
     const loaded = loadBundledCli(${JSON.stringify(options)});
     if (!loaded) { process.stdout.write('no bundle'); process.exit(0); }
     await loaded.cli.startCli(${JSON.stringify(argv)});
     process.stdout.write('\\ncode cache: ' + loaded.codeCache);`,
  );
}

/** A small bundle of our own, with a valid build id, that prints what it was asked. */
function toyBundle(body = "exports.startCli = async (argv) => { process.stdout.write('toy ' + argv.join(' ')); };"): string {
  const directory = tempDir('mlflow-mct-bundle-');
  const id = createHash('sha256').update(body).digest('hex');
  writeFileSync(join(directory, BUNDLE_FILE), `${BUILD_ID_PREFIX}${id}\n${body}`);
  return directory;
}

describe('the bundled CLI', () => {
  it('is what the executable runs, with the code cache the build recorded, and behaves as the modules do', () => {
    const bundled = loadAndRun(['--help']);
    expect(bundled.stdout).toMatch(/\ncode cache: accepted$/);
    const fromModules = node(`const { startCli } = await import(${JSON.stringify(RUN)}); await startCli(['--help']);`);
    expect(fromModules.code).toBe(0);
    expect(bundled.stdout.replace(/\ncode cache: accepted$/, '')).toBe(fromModules.stdout);
    expect(runCli(['--help']).stdout).toBe(fromModules.stdout);
    // ASCII, so the executable reads it without UTF-8 decoding.
    expect(isAscii(readFileSync(fileURLToPath(new URL(`../../dist/cli/${BUNDLE_FILE}`, import.meta.url))))).toBe(true);
  });

  it('finds the files each module reads beside itself: data, package.json, templates, fonts', () => {
    const dir = tempDir();
    const dryRun = (entry: string[]) =>
      JSON.parse(spawnSync(process.execPath, [...entry, 'train-penguins', '--dry-run', '--json', '--out-dir', dir, '--force'], { encoding: 'utf8', cwd: dir }).stdout) as {
        metrics: Record<string, number>;
        files: Record<string, string>;
      };
    const bundled = dryRun([CLI]);
    const bundledCard = readFileSync(join(dir, 'penguin_model_card.json'), 'utf8');
    const bundledMarkdown = readFileSync(join(dir, 'penguin_model_card.md'), 'utf8');
    const fromModules = dryRun(['--input-type=module', '-e', `const { startCli } = await import(${JSON.stringify(RUN)}); await startCli(process.argv.slice(1));`]);
    expect(bundled.metrics).toEqual(fromModules.metrics);
    expect(bundled.metrics.accuracy).toBe(1);
    expect(readFileSync(join(dir, 'penguin_model_card.json'), 'utf8')).toBe(bundledCard);
    expect(readFileSync(join(dir, 'penguin_model_card.md'), 'utf8')).toBe(bundledMarkdown);
    expect(runCli(['--version']).stdout.trim()).toBe((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });
});

describe('loadBundledCli', () => {
  it('is undefined where there is no bundle', () => {
    expect(loadAndRun(['x'], { directory: tempDir() }).stdout).toBe('no bundle');
  });

  it('writes a code cache that only its own bundle and V8 use; a damaged one is rejected and the bundle still runs', () => {
    const directory = toyBundle();
    const cache = join(directory, `${BUNDLE_FILE}.cache`);
    expect(loadAndRun(['a'], { directory }).stdout).toBe('toy a\ncode cache: absent');
    expect(loadAndRun(['b'], { directory, writeCacheTo: cache }).stdout).toBe('toy b\ncode cache: absent');
    expect(loadAndRun(['c'], { directory }).stdout).toBe('toy c\ncode cache: accepted');

    // V8's own check: the data is not a code cache.
    const written = readFileSync(cache);
    const header = written.indexOf(0x0a) + 1;
    writeFileSync(cache, Buffer.concat([written.subarray(0, header), Buffer.alloc(written.length - header, 7)]));
    expect(loadAndRun(['d'], { directory }).stdout).toBe('toy d\ncode cache: rejected');

    // A cache made for another build of the bundle is not offered to V8 at all; a bundle that is
    // not ASCII is read as UTF-8.
    writeFileSync(cache, written);
    const other = "exports.startCli = async (argv) => { process.stdout.write('año ' + argv.join(' ')); };";
    const id = createHash('sha256').update(other).digest('hex');
    writeFileSync(join(directory, BUNDLE_FILE), `${BUILD_ID_PREFIX}${id}\n${other}`);
    expect(loadAndRun(['e'], { directory }).stdout).toBe('año e\ncode cache: absent');
  });
});
