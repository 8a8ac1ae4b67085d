import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('CLI conventions', () => {
  it('shows examples in every command help', () => {
    for (const command of [['legacy-card'], ['api-card'], ['card', 'validate'], ['card', 'render']]) {
      const result = runCli([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Examples:');
      for (const flag of ['--out-dir', '--json', '--dry-run', '--verbose']) expect(result.stdout).toContain(flag);
    }
  });

  it('prints the version', () => {
    const result = runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('colours errors only when colour is allowed: NO_COLOR wins over FORCE_COLOR', () => {
    const out = tempDir();
    const coloured = runCli(['legacy-card', '--pkl', 'missing.pkl', '--out-dir', out], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.stderr).toContain('\u001b[31m');
    const plain = runCli(['legacy-card', '--pkl', 'missing.pkl', '--out-dir', out], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(plain.stderr).not.toContain('\u001b[');
    expect(plain.code).toBe(2);
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
