import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('CLI conventions', () => {
  it('prints the program version with --version and -V, at the root and on every command', () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
    for (const args of [['--version'], ['-V'], ['api-card', '--version'], ['card', 'validate', '-V'], ['models', '-V']]) {
      const result = runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('refuses a value after --version, pointing at --model-version', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--version', 'v2.0', '--out-dir', out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`mlflow-mct: error: --version prints mlflow-mct's version and takes no value ("v2.0") — the model version is --model-version v2.0`);
  });

  it('colours errors only when colour is allowed: NO_COLOR wins, FORCE_COLOR=0 turns it off, no colour off a terminal', () => {
    const out = tempDir();
    const args = ['legacy-card', '--pkl', 'missing.pkl', '--out-dir', out];
    expect(runCli(args, { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stderr).toContain('\u001b[31mmlflow-mct: error:');
    for (const env of [{ NO_COLOR: '1', FORCE_COLOR: '1' }, { NO_COLOR: '', FORCE_COLOR: '0' }, { NO_COLOR: '', FORCE_COLOR: 'false' }, { NO_COLOR: '', FORCE_COLOR: undefined }]) {
      const plain = runCli(args, { env });
      expect(plain.stderr).toMatch(/^mlflow-mct: error: /);
      expect(plain.stderr).not.toContain('\u001b[');
      expect(plain.code).toBe(2);
    }
  });

  it("prints commander's parsing errors as one line with the same prefix", () => {
    const unknown = runCli(['api-card', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("mlflow-mct: error: unknown option '--bogus' — run with --help for usage\n");
    const missing = runCli(['card', 'validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("mlflow-mct: error: missing required argument 'file' — run with --help for usage\n");
  });

  it('refuses --out-dir - (files cannot go to stdout) with exit 2 naming the flag', () => {
    const cwd = tempDir();
    const result = runCli(['api-card', '--out-dir', '-'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mlflow-mct: error: option '--out-dir <dir>' argument '-' is invalid\. files cannot go to stdout/);
    expect(spawnSync('ls', ['-A', cwd], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('refuses a named local store that does not exist instead of reading it as empty, and creates nothing', () => {
    const cwd = tempDir();
    for (const args of [['models', 'list', '--mlflow-uri', 'not a url'], ['card', 'from-run', '0123456789abcdef0123456789abcdef', '--mlflow-uri', 'file:typo-mlruns']]) {
      const result = runCli(args, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^mlflow-mct: error: there is no MLflow store at .*(not a url|typo-mlruns) — pass --mlflow-uri/);
    }
    expect(spawnSync('ls', ['-A', cwd], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('accepts a former flag spelling once with a deprecation note on stderr, keeping stdout JSON', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--dry-run', '--json', '--mlflow-reg-name', 'm', '--mlflow-model-version', '2', '--out-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stderr.match(/--mlflow-model-version is deprecated; use --mlflow-reg-version/g)).toHaveLength(1);
    expect(JSON.parse(result.stdout).mlflow.planned.join('\n')).toContain('of m version 2');
  });

  it('is importable as a library by its package name, with the card API', () => {
    const script = `
      const m = await import('mlflow-mct');
      const card = m.parseCard({ model_details: { name: 'lib' } });
      process.stdout.write(JSON.stringify({ json: m.toMctObject(card), html: m.renderCard(card, 'html').includes('Model Card for lib') }));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ json: { model_details: { name: 'lib' }, schema_version: '0.0.2' }, html: true });
  });
});
