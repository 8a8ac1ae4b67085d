import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { checkJsonContract } from '../helpers/json-contract.js';
import { mctSchemaErrors } from '../helpers/mct-schema.js';

const fixtures = new URL('../fixtures/mct/', import.meta.url).pathname;

interface Item {
  id: string;
  path: string;
  location: 'card' | 'sidecar';
  status: 'ok' | 'missing' | 'weak';
  why: string;
  detail?: string;
}

function check(file: string, ...args: string[]): { code: number | null; report: { score: number; passed: boolean; items: Item[]; sidecar: string | null }; stderr: string } {
  const result = runCli(['card', 'check', file, '--json', ...args]);
  return { code: result.code, report: checkJsonContract(result.stdout) as never, stderr: result.stderr };
}

const statusOf = (items: Item[], id: string) => items.find((item) => item.id === id)?.status;
const gaps = (items: Item[]) => items.filter((item) => item.status !== 'ok').map((item) => `${item.status} ${item.path}`);

describe('card check on the cards train-penguins writes', () => {
  let dir = '';
  let bare = '';
  let owned = '';

  beforeAll(() => {
    dir = tempDir();
    const base = ['train-penguins', '--dry-run', '--cv-folds', '3', '--cv-repeats', '1', '-q'];
    expect(runCli([...base, '--out-dir', join(dir, 'bare')]).code).toBe(0);
    expect(runCli([...base, '--out-dir', join(dir, 'owned'), '--owner', 'Penguin Lab <lab@example.org>', '--license', 'Apache-2.0']).code).toBe(0);
    bare = join(dir, 'bare', 'penguin_model_card.json');
    owned = join(dir, 'owned', 'penguin_model_card.json');
  }, 120_000);

  it('lists each missing or weak item with its field path and why it matters, and scores the card', () => {
    const result = runCli(['card', 'check', bare, '--profile', 'mitchell2019']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^.*penguin_model_card\.json: 84\/100 for mitchell2019 \(Model Cards for Model Reporting \(Mitchell et al\., 2019\)\); 4 of 21 items missing or weak$/);
    expect(lines).toContain('  missing model_details.owners[].contact [4.1 Model Details]: no contact: readers cannot report a problem or ask a question');
    expect(lines).toContain('  missing model_details.licenses [4.1 Model Details]: no licence: nobody knows whether they may use or share the model');
    // Test-set metrics carry 95% intervals and CV metrics their std; the macro/weighted F1 carry neither.
    expect(lines.find((line) => line.includes('confidence_interval'))).toMatch(/^ {2}weak {4}.*\(no interval on f1_macro, f1_weighted\)$/);
  });

  it('counts what the flags fill in: owners with a contact and a licence raise the score', () => {
    const before = check(bare).report;
    const after = check(owned).report;
    expect(gaps(before.items)).toEqual(expect.arrayContaining(['missing model_details.owners[].name', 'missing model_details.owners[].contact', 'missing model_details.licenses']));
    expect(gaps(after.items)).toEqual(['weak quantitative_analysis.performance_metrics[].confidence_interval']);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.score).toBe(98);
  });

  it('reads what MCT has no field for from the sidecar, never from the MCT JSON', () => {
    const sidecarFile = join(dir, 'owned', 'penguin_model_card.mlflow-mct.json');
    const before = check(owned, '--profile', 'eu-ai-act').report;
    expect(before.sidecar).toBe(sidecarFile);
    expect(before.items.find((item) => item.id === 'euHumanOversight')).toMatchObject({ location: 'sidecar', path: 'eu_ai_act.human_oversight', status: 'missing' });
    const sidecar = JSON.parse(readFileSync(sidecarFile, 'utf8'));
    sidecar.eu_ai_act = { human_oversight: 'A biologist reviews every prediction before it is recorded.', hardware: 'any x86-64 or arm64 CPU' };
    writeFileSync(sidecarFile, JSON.stringify(sidecar));
    const after = check(owned, '--profile', 'eu-ai-act').report;
    expect(statusOf(after.items, 'euHumanOversight')).toBe('ok');
    expect(statusOf(after.items, 'euHardware')).toBe('ok');
    expect(after.score).toBeGreaterThan(before.score);
    // The same keys in the MCT JSON are no sidecar: MCT's loader would refuse them, and check ignores them.
    const card = JSON.parse(readFileSync(owned, 'utf8'));
    expect(mctSchemaErrors(card)).toEqual([]);
    const inCard = join(dir, 'in-card.json');
    writeFileSync(inCard, JSON.stringify({ ...card, model_details: { ...card.model_details, eu_ai_act: { cybersecurity: 'x' } } }));
    const misplaced = check(inCard, '--profile', 'eu-ai-act');
    expect(misplaced.code).toBe(0);
    expect(statusOf(misplaced.report.items, 'euCybersecurity')).toBe('missing');
    expect(misplaced.stderr).toContain('warning: model_details.eu_ai_act: unknown field');
  });

  it('exits 1 below --min-score after printing the report, 0 at or above it', () => {
    const { score } = check(owned).report;
    const below = runCli(['card', 'check', owned, '--min-score', String(score + 1)]);
    expect(below.code).toBe(1);
    expect(below.stdout).toContain(`${score}/100 for mitchell2019`);
    expect(below.stderr.trim()).toBe(`mlflow-mct: error: ${owned} scores ${score}, below --min-score ${score + 1} — fill the missing and weak items listed above`);
    expect(runCli(['card', 'check', owned, '--min-score', String(score)]).code).toBe(0);
    const json = check(owned, '--min-score', '100');
    expect(json.code).toBe(1);
    expect(json.report.passed).toBe(false);
  });

  it('checks the Hub profile on the exported README, reading its front matter', () => {
    const hub = join(dir, 'hub');
    expect(runCli(['card', 'export', owned, '--format', 'hf', '--out-dir', hub]).code).toBe(0);
    const fromJson = check(owned, '--profile', 'hf').report;
    const fromReadme = check(join(hub, 'README.md'), '--profile', 'hf').report;
    expect(statusOf(fromReadme.items, 'hubLicense')).toBe('ok');
    expect(statusOf(fromReadme.items, 'modelIndex')).toBe(statusOf(fromJson.items, 'modelIndex'));
    expect(fromReadme.items.find((item) => item.id === 'hubLibrary')).toMatchObject({ status: 'missing', location: 'sidecar', path: 'hub.library_name' });
    expect(fromReadme.score).toBe(fromJson.score);
  });
});

describe('card check on Model Card Toolkit example cards', () => {
  it('scores full.json per profile and names its gaps', () => {
    const mitchell = check(join(fixtures, 'full.json'));
    expect(mitchell.code).toBe(0);
    expect(mitchell.report.score).toBe(71);
    expect(gaps(mitchell.report.items)).toEqual([
      'weak model_details.version.date',
      'missing model_parameters.model_architecture',
      'missing considerations.users',
      'missing out_of_scope_uses',
      // Its one metric is on the slice "overall": nothing is disaggregated.
      'missing quantitative_analysis.performance_metrics[].slice',
      'weak model_parameters.data[]',
      'missing considerations.tradeoffs',
    ]);
    expect(mitchell.report.items.find((item) => item.id === 'date')?.detail).toBe('"2020/02/02" is not an ISO date (YYYY-MM-DD)');
  });

  it('checks every example card with every profile: a score from 0 to 100, exit 0, valid JSON', () => {
    for (const example of ['full.json', 'cats_vs_dogs_v0_0_1.json', 'cats_vs_dogs_v0_0_2.json', 'considerations.json', 'train_data.json']) {
      for (const profile of ['mitchell2019', 'hf', 'eu-ai-act']) {
        const { code, report } = check(join(fixtures, example), '--profile', profile);
        expect([example, profile, code]).toEqual([example, profile, 0]);
        expect(report.score).toBeGreaterThanOrEqual(0);
        expect(report.score).toBeLessThanOrEqual(100);
        expect(report.sidecar).toBeNull();
      }
    }
  });
});

describe('card check bad input', () => {
  it('exits 2 on an invalid card, an unknown profile or a --min-score outside 0-100', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ model_details: { name: 1 } }));
    const invalid = runCli(['card', 'check', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('model_details.name: expected a string, got a number (1)');
    expect(runCli(['card', 'check', join(fixtures, 'full.json'), '--profile', 'nist']).code).toBe(2);
    for (const value of ['101', '-1', 'high']) expect(runCli(['card', 'check', join(fixtures, 'full.json'), '--min-score', value]).code).toBe(2);
    expect(runCli(['card', 'check', join(dir, 'missing.json')]).code).toBe(2);
  });
});
