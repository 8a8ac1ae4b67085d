import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mctSchemaErrors } from '../helpers/mct-schema.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** An error is one line on stderr, with no stack trace. */
function expectOneLineError(stderr: string, ...fragments: string[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mlflow-mct: error: /);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
});

describe('legacy-card', () => {
  it('writes the HTML, Markdown and MCT JSON cards, dated, without inventing a name, version or metric', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--out-dir', out], { env: { SOURCE_DATE_EPOCH: '1767225600' } });
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['legacy_model_card.html', 'legacy_model_card.json', 'legacy_model_card.md']);
    const card = readJson(join(out, 'legacy_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe('Legacy model');
    expect(card.model_details.version).toEqual({ date: '2026-01-01' });
    expect(card.quantitative_analysis).toBeUndefined();
    const html = readFileSync(join(out, 'legacy_model_card.html'), 'utf8');
    expect(html).toContain('Model Card for Legacy model');
    expect(html).toContain('Loading a pickle file executes arbitrary code.');
    expect(result.stdout).toContain('legacy_model_card.html');
  });

  it('names the card after --name or --output-name, and overwrites an existing card only with --force', () => {
    const out = tempDir();
    expect(runCli(['legacy-card', '--name', 'Churn Model', '--out-dir', out]).code).toBe(0);
    expect(readJson(join(out, 'churn-model_model_card.json')).model_details.name).toBe('Churn Model');
    const again = runCli(['legacy-card', '--name', 'Churn Model', '--out-dir', out]);
    expect(again.code).toBe(2);
    expectOneLineError(again.stderr, join(out, 'churn-model_model_card'), 'already exists', '--force');
    expect(runCli(['legacy-card', '--name', 'Churn Model', '--overview', 'Second', '--out-dir', out, '--force']).code).toBe(0);
    expect(readJson(join(out, 'churn-model_model_card.json')).model_details.overview).toBe('Second');
    expect(runCli(['legacy-card', '--output-name', 'custom', '--out-dir', out]).code).toBe(0);
    expect(existsSync(join(out, 'custom.md'))).toBe(true);
    const bad = runCli(['legacy-card', '--output-name', '../escape', '--out-dir', out]);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, '--output-name', 'not a file name');
  });

  it('uses the original Spanish wording with --lang es and takes the common flags', () => {
    const out = tempDir();
    const result = runCli([
      'legacy-card', '--out-dir', out, '--lang', 'es',
      '--owner', 'Ana Pérez <ana@example.com>', '--owner', 'Equipo 29',
      '--metric', 'accuracy=0.98', '--metric', 'f1=0.97@Adelie',
      '--license', 'MIT', '--model-version', 'v2.0', '--use-case', 'Clasificar especies', '--user', 'Ecólogos', '--limitation', 'Solo tres especies',
    ]);
    expect(result.code).toBe(0);
    const card = readJson(join(out, 'legacy_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details).toMatchObject({
      name: 'Modelo heredado',
      overview: 'Modelo preexistente provisto como archivo; nunca se registró en MLflow.',
      owners: [{ name: 'Ana Pérez', contact: 'ana@example.com' }, { name: 'Equipo 29' }],
      version: { name: 'v2.0', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      licenses: [{ identifier: 'MIT' }],
    });
    expect(card.quantitative_analysis.performance_metrics).toEqual([
      { type: 'accuracy', value: '0.98' },
      { type: 'f1', value: '0.97', slice: 'Adelie' },
    ]);
    expect(card.considerations.use_cases).toEqual([{ description: 'Clasificar especies' }]);
    expect(card.considerations.users).toEqual([{ description: 'Ecólogos' }]);
    expect(card.considerations.limitations).toEqual([{ description: 'Solo tres especies' }]);
    const markdown = readFileSync(join(out, 'legacy_model_card.md'), 'utf8');
    expect(markdown).toContain('# Ficha de modelo de Modelo heredado');
    expect(markdown).toContain('| F1 (Adelie) | 0,97 |');
    expect(markdown).toContain('### Consideraciones éticas');
  });

  it('records the model file name, size and sha256 without loading it', () => {
    const out = tempDir();
    const model = join(out, 'model.pkl');
    const bytes = readFileSync(new URL('../fixtures/pickle/rf-p4.pkl', import.meta.url));
    writeFileSync(model, bytes);
    const result = runCli(['legacy-card', '--pkl', model, '--out-dir', out, '--json']);
    expect(result.code).toBe(0);
    const card = readJson(join(out, 'model_model_card.json'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // A card is shared: the bare file name, never the local absolute path.
    expect(card.model_details.path).toBe('model.pkl');
    expect(JSON.stringify(card)).not.toContain(out);
    expect(card.model_details.name).toBe('RandomForestClassifier (model.pkl)');
    expect(card.model_details.documentation).toContain(sha256);
    const sidecar = readJson(join(out, 'model_model_card.mlflow-mct.json'));
    expect(sidecar.model_file).toEqual({ name: 'model.pkl', size_bytes: bytes.length, sha256 });
    expect(JSON.parse(result.stdout).files.sidecar).toBe(join(out, 'model_model_card.mlflow-mct.json'));
  });

  it('fails with exit 2 and writes nothing when --pkl does not exist', () => {
    const out = tempDir();
    const result = runCli(['legacy-card', '--pkl', join(out, 'missing.pkl'), '--out-dir', out]);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, '--pkl', 'missing.pkl', 'file not found');
    expect(readdirSync(out)).toEqual([]);
  });

  it('merges a YAML config over the defaults, and flags over the config', () => {
    const out = tempDir();
    const config = join(out, 'card.yaml');
    writeFileSync(config, [
      'model_details:',
      '  name: From config',
      '  overview: Config overview',
      '  licenses: [{custom_text: "Internal use only"}]',
      'considerations:',
      '  ethical_considerations:',
      '    - name: Config risk',
      '      mitigation_strategy: Config mitigation',
      'quantitative_analysis:',
      '  performance_metrics: [{type: accuracy, value: "0.91", confidence_interval: {lower_bound: "0.88", upper_bound: "0.94"}}]',
    ].join('\n'));
    const result = runCli(['legacy-card', '--config', config, '--name', 'From flag', '--out-dir', out]);
    expect(result.code).toBe(0);
    const card = readJson(join(out, 'from-flag_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe('From flag');
    expect(card.model_details.overview).toBe('Config overview');
    expect(card.model_details.licenses).toEqual([{ custom_text: 'Internal use only' }]);
    expect(card.considerations.ethical_considerations).toEqual([{ name: 'Config risk', mitigation_strategy: 'Config mitigation' }]);
    const html = readFileSync(join(out, 'from-flag_model_card.html'), 'utf8');
    expect(html).toContain('<th scope="row">Accuracy</th><td class="num">0.91</td><td class="num">0.88–0.94</td>');
  });
});

describe('api-card', () => {
  it('documents gpt-4-0613 by default, with data handling, pinning and non-determinism', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--out-dir', out]);
    expect(result.code).toBe(0);
    const card = readJson(join(out, 'gpt-4-0613_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe('gpt-4-0613');
    expect(card.model_details.version).toEqual({ name: 'gpt-4-0613', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    const limitations = card.considerations.limitations.map((item: { description: string }) => item.description).join('\n');
    expect(limitations).toContain('Pin the exact model version (gpt-4-0613)');
    expect(limitations).toContain('Non-deterministic output');
    expect(limitations).toContain('rate limits');
    expect(card.considerations.ethical_considerations[0].name).toContain('Inputs leave our infrastructure');
    expect(card.quantitative_analysis).toBeUndefined();
    const html = readFileSync(join(out, 'gpt-4-0613_model_card.html'), 'utf8');
    expect(html).toContain('Model Card for gpt-4-0613');
    expect(html).toContain('Ethical Considerations');
  });

  it('takes --name, provider facts and --lang es, as the seed smoke test did with --name test-model', () => {
    const out = tempDir();
    const result = runCli([
      'api-card', '--name', 'test-model', '--provider', 'Acme AI', '--endpoint', 'https://api.acme.example/v1/generate',
      '--deprecation', '2027-06-30', '--retention', '30 días', '--rate-limits', '100 req/min', '--cost', '0,01 USD / 1K tokens',
      '--lang', 'es', '--out-dir', out,
    ]);
    expect(result.code).toBe(0);
    const card = readJson(join(out, 'test-model_model_card.json'));
    expect(mctSchemaErrors(card)).toEqual([]);
    expect(card.model_details.name).toBe('test-model');
    expect(card.model_details.overview).toBe('Uso de un servicio externo para generación de texto.');
    expect(card.model_details.documentation).toContain('alojado y operado por Acme AI y se usa a través de https://api.acme.example/v1/generate');
    expect(card.considerations.use_cases).toEqual([{ description: 'Generación de borradores' }, { description: 'Resumen de transcripciones' }]);
    const text = JSON.stringify(card.considerations);
    for (const fact of ['El proveedor retira esta versión el 2027-06-30.', 'Retención: 30 días.', 'Límites: 100 req/min.', 'Coste: 0,01 USD / 1K tokens.']) {
      expect(text).toContain(fact);
    }
    const sidecar = readJson(join(out, 'test-model_model_card.mlflow-mct.json'));
    expect(sidecar.external_api).toEqual({
      name: 'test-model', provider: 'Acme AI', endpoint: 'https://api.acme.example/v1/generate', deprecation: '2027-06-30',
      retention: '30 días', rateLimits: '100 req/min', cost: '0,01 USD / 1K tokens',
    });
  });

  it('honours --dry-run and --json: the card is written, stdout is one JSON document', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--dry-run', '--json', '--out-dir', out]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ command: 'api-card', dry_run: true, card: { name: 'gpt-4-0613' } });
    expect(readJson(summary.files.json).model_details.name).toBe('gpt-4-0613');
    expect(result.stderr).toBe('');
  });
});

describe('bad input', () => {
  const cases: Array<[string, string, string[]]> = [
    ['malformed YAML', 'model_details: {name: [unclosed', ['not valid YAML']],
    ['malformed JSON', '{"model_details": ', ['not valid JSON']],
    ['a wrong type', 'considerations:\n  limitations: ["plain string"]\n', ['considerations.limitations[0]: expected {"description": string}, got a string']],
    ['an unknown key', 'model_details:\n  regulatory_requirements: []\n', ['model_details.regulatory_requirements: unknown field']],
    ['a numeric metric value', 'quantitative_analysis:\n  performance_metrics: [{type: accuracy, value: 0.98}]\n', ['write it as a string: "0.98"']],
  ];
  for (const [what, text, fragments] of cases) {
    it(`rejects a config with ${what}: exit 2, one line, nothing written`, () => {
      const out = tempDir();
      const config = join(out, what.includes('JSON') ? 'card.json' : 'card.yaml');
      writeFileSync(config, text);
      const result = runCli(['legacy-card', '--config', config, '--out-dir', join(out, 'cards')]);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, config, ...fragments);
      expect(existsSync(join(out, 'cards'))).toBe(false);
      expect(result.stdout).toBe('');
    });
  }

  it('rejects a missing config file', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--config', join(out, 'nope.yaml'), '--out-dir', out]);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, 'nope.yaml', 'file not found');
    expect(readdirSync(out)).toEqual([]);
  });

  it('rejects an out-dir that cannot be a directory, leaving nothing behind', () => {
    const out = tempDir();
    writeFileSync(join(out, 'blocker'), 'a file');
    const result = runCli(['legacy-card', '--out-dir', join(out, 'blocker', 'cards')]);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, 'cannot use output directory', '--out-dir');
    expect(readdirSync(out)).toEqual(['blocker']);
  });

  it('rejects bad flag values and unknown options with exit 2', () => {
    const out = tempDir();
    const metric = runCli(['legacy-card', '--metric', 'accuracy', '--out-dir', out]);
    expect(metric.code).toBe(2);
    expectOneLineError(metric.stderr, "option '--metric <type=value[@slice]>' argument 'accuracy' is invalid", 'expected type=value[@slice]');
    const lang = runCli(['legacy-card', '--lang', 'fr', '--out-dir', out]);
    expect(lang.code).toBe(2);
    expect(lang.stderr).toContain("option '--lang <lang>' argument 'fr' is invalid");
    const unknown = runCli(['api-card', '--bogus', '--out-dir', out]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses values that are not what the flag takes, naming the flag: URL, ISO date, numeric metric', () => {
    const out = tempDir();
    const cases: Array<[string[], string]> = [
      [['api-card', '--endpoint', 'not a url'], "option '--endpoint <url>' argument 'not a url' is invalid. expected an absolute URL"],
      [['api-card', '--endpoint', 'ftp://files.example.com/model'], 'expected an http or https URL, not ftp:'],
      [['api-card', '--deprecation', 'soonish'], "option '--deprecation <date>' argument 'soonish' is invalid. expected an ISO date YYYY-MM-DD"],
      [['api-card', '--deprecation', '2027-02-30'], 'expected an ISO date YYYY-MM-DD'],
      [['legacy-card', '--metric', 'accuracy=high'], `option '--metric <type=value[@slice]>' argument 'accuracy=high' is invalid. the value "high" is not a number`],
    ];
    for (const [args, message] of cases) {
      const result = runCli([...args, '--out-dir', out]);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, message);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('warns about a deprecation date in the past and still writes the card', () => {
    const out = tempDir();
    const result = runCli(['api-card', '--name', 'old-model', '--deprecation', '2020-01-31', '--out-dir', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: --deprecation 2020-01-31 is in the past: the provider has already retired old-model\n');
    expect(readJson(join(out, 'old-model_model_card.mlflow-mct.json')).external_api.deprecation).toBe('2020-01-31');
  });

  it('prints a stack trace only with --verbose', () => {
    const out = tempDir();
    const quiet = runCli(['legacy-card', '--pkl', join(out, 'x.pkl'), '--out-dir', out]);
    const verbose = runCli(['legacy-card', '--pkl', join(out, 'x.pkl'), '--out-dir', out, '--verbose']);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    expect(verbose.code).toBe(2);
  });
});

describe('card validate and card render', () => {
  const fixtures = new URL('../fixtures/mct/', import.meta.url).pathname;

  it('validates MCT full.json and migrates the v0.0.1 example', () => {
    const full = runCli(['card', 'validate', join(fixtures, 'full.json')]);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('valid Model Card (MCT schema v0.0.2)');
    // full.json's date is 2020/02/02: MCT accepts it, we warn.
    expect(full.stderr).toContain('is not an ISO date');
    const legacy = runCli(['card', 'validate', join(fixtures, 'cats_vs_dogs_v0_0_1.json'), '--json']);
    expect(legacy.code).toBe(0);
    expect(JSON.parse(legacy.stdout)).toMatchObject({ valid: true, migrated_from: '0.0.1' });
  });

  it('validates every MCT example card, warning about each field MCT\'s loader would refuse; --strict refuses them', () => {
    const examples = readdirSync(fixtures).filter((file) => file.endsWith('.json') && !file.includes('schema'));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      const result = runCli(['card', 'validate', join(fixtures, example), '--json']);
      expect(result.code, example).toBe(0);
      expect(JSON.parse(result.stdout), example).toMatchObject({ valid: true, issues: [] });
    }
    const considerations = runCli(['card', 'validate', join(fixtures, 'considerations.json')]);
    expect(considerations.stderr).toContain('warning: model_details.citation: unknown field; the published schema accepts it, but MCT v0.0.2\'s loader');
    const cats = JSON.parse(runCli(['card', 'validate', join(fixtures, 'cats_vs_dogs_v0_0_2.json'), '--json']).stdout);
    expect(cats.warnings.filter((warning: string) => warning.includes('unknown field')).map((warning: string) => warning.split(':')[0])).toEqual([
      'model_parameters.data[1].graphics.collection[0].description',
      'quantitative_analysis.performance_metrics[0].threshold',
      'quantitative_analysis.performance_metrics[1].threshold',
      'quantitative_analysis.performance_metrics[2].threshold',
    ]);
    const strict = runCli(['card', 'validate', join(fixtures, 'considerations.json'), '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('considerations.json: model_details.citation: unknown field');
    const strictJson = runCli(['card', 'validate', join(fixtures, 'cats_vs_dogs_v0_0_2.json'), '--strict', '--json']);
    expect(strictJson.code).toBe(2);
    expect(JSON.parse(strictJson.stdout)).toMatchObject({ valid: false, issues: expect.arrayContaining([expect.stringContaining('performance_metrics[0].threshold')]) });
    expect(runCli(['card', 'validate', join(fixtures, 'full.json'), '--strict']).code).toBe(0);
  });

  it('renders the fields MCT\'s loader does not read, escaped, in HTML and Markdown but not in the MCT JSON', () => {
    const dir = tempDir();
    const file = join(dir, 'extra.json');
    writeFileSync(file, JSON.stringify({
      model_details: { name: 'extra', regulatory_requirements: '<img src=x onerror=alert(1)> Annex IV | 2' },
      quantitative_analysis: { performance_metrics: [{ type: 'accuracy', value: '0.9', threshold: '0.5' }] },
    }));
    const result = runCli(['card', 'render', file, '--out-dir', join(dir, 'out')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: model_details.regulatory_requirements: unknown field');
    const html = readFileSync(join(dir, 'out', 'extra.html'), 'utf8');
    expect(html).toContain('<h2 id="other-fields">Other fields (not read by Model Card Toolkit)</h2>');
    expect(html).toContain('<td><code>model_details.regulatory_requirements</code></td><td>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; Annex IV | 2</td>');
    expect(html).toContain('<td><code>quantitative_analysis.performance_metrics[0].threshold</code></td><td>0.5</td>');
    expect(html).not.toContain('<img src=x');
    const markdown = readFileSync(join(dir, 'out', 'extra.md'), 'utf8');
    expect(markdown).toContain('| model\\_details.regulatory\\_requirements | &lt;img src=x onerror=alert(1)&gt; Annex IV \\| 2 |');
    const mct = readJson(join(dir, 'out', 'extra.json'));
    expect(mct.model_details).toEqual({ name: 'extra' });
    expect(mctSchemaErrors(mct)).toEqual([]);
    const spanish = runCli(['card', 'render', file, '--out-dir', join(dir, 'es'), '--lang', 'es', '--format', 'html']);
    expect(readFileSync(join(dir, 'es', 'extra.html'), 'utf8')).toContain('Otros campos (Model Card Toolkit no los lee)');
    expect(spanish.code).toBe(0);
  });

  it('lists every path-level error and exits 2', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ model_details: { name: 1, owners: ['x'] }, considerations: { users: ['y'] } }));
    const result = runCli(['card', 'validate', file]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `${file}: model_details.name: expected a string, got a number (1); write it as a string: "1"`,
      `${file}: model_details.owners[0]: expected {"name": string, "contact": string}, got a string`,
      `${file}: considerations.users[0]: expected {"description": string}, got a string`,
    ]);
    expect(lines[3]).toMatch(/^mlflow-mct: error: .*\(and 2 more problems\)/);
    const json = runCli(['card', 'validate', file, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false });
    expect(JSON.parse(json.stdout).issues).toHaveLength(3);
  });

  it('renders the chosen formats into --out-dir', () => {
    const out = tempDir();
    const result = runCli(['card', 'render', join(fixtures, 'cats_vs_dogs_v0_0_1.json'), '--format', 'html,md', '--out-dir', out, '--lang', 'es']);
    expect(result.code).toBe(0);
    expect(readdirSync(out).filter((file) => !file.endsWith('.png')).sort()).toEqual(['cats_vs_dogs_v0_0_1.html', 'cats_vs_dogs_v0_0_1.md']);
    // The Markdown links its images as files beside it, which GitHub and the Hub display.
    const markdown = readFileSync(join(out, 'cats_vs_dogs_v0_0_1.md'), 'utf8');
    const images = readdirSync(out).filter((file) => file.endsWith('.png'));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(markdown).toContain(`](${image})`);
    expect(markdown).not.toContain('data:image');
    const html = readFileSync(join(out, 'cats_vs_dogs_v0_0_1.html'), 'utf8');
    expect(html).toContain('Ficha de modelo de Fine-tuned MobileNetV2 Model for Cat vs. Dogs');
    expect(html.match(/<img src="data:image\/png;base64,/g)?.length).toBe(2);
    const bad = runCli(['card', 'render', join(fixtures, 'full.json'), '--format', 'pdf', '--out-dir', out]);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, '--format "pdf"', 'unknown format pdf');
  });

  it('refuses to overwrite its input', () => {
    const dir = tempDir();
    const file = join(dir, 'model_card.json');
    writeFileSync(file, '{"model_details": {"name": "x"}}');
    const result = runCli(['card', 'render', file, '--out-dir', dir]);
    expect(result.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('{"model_details": {"name": "x"}}');
  });
});
