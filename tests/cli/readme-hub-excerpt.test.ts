import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'hub-excerpt.mjs');

function excerptScript(...args: string[]) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the README excerpt of the Hub export', () => {
  it('is what `card export --format hf` writes for the penguin card today', () => {
    const check = excerptScript('--check');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('<!-- hub-export:start'), readme.indexOf('<!-- hub-export:end -->'));
    // Front matter the Hub reads, then the template's first sections.
    for (const line of ['pipeline_tag: tabular-classification', 'model-index:', '# Model Card for Penguin Species Classifier', '## Model Details', '## Uses', '### Out-of-Scope Use']) {
      expect(block).toContain(line);
    }
  });

  it('fails on a stale excerpt and regenerates it', () => {
    const copy = join(tempDir(), 'README.md');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    writeFileSync(copy, readme.replace('name: Penguin Species Classifier', 'name: Old Penguin Classifier'));
    const stale = excerptScript('--check', '--readme', copy);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the Hub export excerpt is stale; run `npm run readme:hub`');
    expect(excerptScript('--readme', copy).code).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe(readme);
  });
});
