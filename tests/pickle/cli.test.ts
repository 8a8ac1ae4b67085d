import { existsSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/cli.js';
import { fixturePath, fixturesOfKind } from './fixtures.js';

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
});

function expectOneLineError(stderr: string, ...fragments: string[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mlflow-mct: error: /);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}

describe('mlflow-mct inspect', () => {
  it('prints the complete report as JSON with --json', () => {
    const result = runCli(['inspect', fixturePath('rf-p4.pkl'), '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      file: { name: 'rf-p4.pkl', size_bytes: 4245 },
      format: { container: 'pickle', protocol: 4, inspected: true },
      verdict: 'expected-ML',
      model: { class: 'sklearn.ensemble._forest.RandomForestClassifier', library_version: '1.9.1', classes: ['Adelie', 'Chinstrap', 'Gentoo'] },
    });
    expect(report.globals.length).toBe(7);
  });

  it('prints a readable report for people', () => {
    const result = runCli(['inspect', fixturePath('pipeline-p5.pkl')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Verdict    expected-ML: every import is a known model, array or container type');
    expect(result.stdout).toMatch(/features \(4\)\s+bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g/);
    expect(result.stdout).toMatch(/step forest\s+RandomForestClassifier/);
    expect(result.stdout).toMatch(/ensemble\s+2 × DecisionTreeClassifier, depth 2, 10 nodes/);
  });

  it.each(fixturesOfKind('malicious'))('warns about $file, exits 1 (0 with --no-fail), and runs nothing', (entry) => {
    const cwd = tempDir('mlflow-mct-inspect-');
    const plain = runCli(['inspect', fixturePath(entry.file)], { cwd });
    expect(plain.code).toBe(1);
    expect(plain.stdout).toContain('Verdict    dangerous');
    expect(plain.stderr).toMatch(/^warning: .* dangerous import /);
    expect(plain.stderr).toContain(`mlflow-mct: error: ${entry.file} is dangerous`);
    const noFail = runCli(['inspect', fixturePath(entry.file), '--no-fail', '--json'], { cwd });
    expect(noFail.code).toBe(0);
    expect(JSON.parse(noFail.stdout).verdict).toBe('dangerous');
    expect(noFail.stderr).not.toContain('error:');
    // --strict, once needed for exit 1, is still accepted with a note.
    const strict = runCli(['inspect', fixturePath(entry.file), '--strict', '--json'], { cwd });
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).verdict).toBe('dangerous');
    expect(strict.stderr).toContain('warning: --strict is the default now');
    // Loading any of these would have created its marker file in the working directory.
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each(fixturesOfKind('invalid'))('rejects $file with exit 2 and one line', (entry) => {
    const result = runCli(['inspect', fixturePath(entry.file)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectOneLineError(result.stderr, entry.file);
  });

  it('enforces --max-size and validates it', () => {
    const small = runCli(['inspect', fixturePath('rf-p4.pkl'), '--max-size', '0.001']);
    expect(small.code).toBe(2);
    expectOneLineError(small.stderr, '4245 bytes is more than the 1048-byte limit', '--max-size');
    const bad = runCli(['inspect', fixturePath('rf-p4.pkl'), '--max-size', 'lots']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, "option '--max-size <MiB>' argument 'lots' is invalid", 'expected a positive number');
  });
});
