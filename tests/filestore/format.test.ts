/**
 * The files themselves: the local store writes the same meta.yaml fields, with the same YAML
 * types, and the same metric lines as Python MLflow's FileStore; and any string survives the
 * trip through our YAML and PyYAML unchanged.
 */
import fc from 'fast-check';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/mlflow/file-store/index.js';
import { dumpMeta } from '../../src/mlflow/file-store/yaml.js';
import { writeExampleRun } from './example-run.js';
import { mlflowPython, runCommand, runPythonJson, type MlflowPython } from './python.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every file of a store, keyed by a path pattern with ids replaced (`<exp>/<run>/meta.yaml`). */
async function filesByKind(root: string): Promise<Map<string, string>> {
  const kinds = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
    const kind = path
      .replace(/^[1-9]\d*\//, '<exp>/')
      .replace(/\/[0-9a-f]{32}(\/|$)/g, '/<id>$1')
      .replace(/m-[0-9a-f]{32}/g, '<model>');
    kinds.set(kind, await readFile(join(root, path), 'utf8'));
  }
  return kinds;
}

/** meta.yaml as PyYAML types it: key → YAML type name. */
const TYPES_SCRIPT = [
  'import json, sys, yaml',
  'out = {}',
  'for name, text in json.load(open(sys.argv[1])).items():',
  '    data = yaml.safe_load(text)',
  '    out[name] = {k: type(v).__name__ for k, v in data.items()}',
  'print(json.dumps(out))',
].join('\n');

let python: MlflowPython;
let dir: string;
beforeAll(async () => {
  python = await mlflowPython();
  dir = await mkdtemp(join(tmpdir(), 'mlflow-mct-format-'));
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Fields MLflow 3.17 adds that no MLflow reader needs (the reader keeps known properties only).
const NEWER_FIELDS = new Set(['workspace', 'trace_location', 'effective_trace_archival_retention', 'aliases']);
// Written for MLflow 2.x readers, whose RunInfo requires run_uuid.
const OLDER_FIELDS = new Set(['run_uuid']);

describe('local store files', () => {
  it('have the fields and YAML types of the files Python MLflow writes', async ({ skip }) => {
    if (!('python' in python)) return skip(`no Python MLflow: ${python.missing}`);
    const ours = join(dir, 'ours');
    const theirs = join(dir, 'theirs');
    await writeExampleRun(new FileStore(ours), { experimentName: 'penguins', registeredModel: 'penguin-classifier' });
    await runCommand(python.python, [join(here, 'write-with-mlflow.py'), theirs]);
    const [oursByKind, theirsByKind] = [await filesByKind(ours), await filesByKind(theirs)];
    const metaKinds = [...theirsByKind.keys()].filter((kind) => kind.endsWith('meta.yaml')).sort();
    expect(metaKinds).toEqual([
      '0/meta.yaml',
      '<exp>/<id>/inputs/<id>/meta.yaml',
      '<exp>/<id>/meta.yaml',
      '<exp>/<id>/outputs/<model>/meta.yaml',
      '<exp>/datasets/<id>/meta.yaml',
      '<exp>/meta.yaml',
      '<exp>/models/<model>/meta.yaml',
      'models/penguin-classifier/meta.yaml',
      'models/penguin-classifier/version-1/meta.yaml',
    ]);
    const texts = (byKind: Map<string, string>) => Object.fromEntries(metaKinds.map((kind) => [kind, byKind.get(kind) ?? '']));
    await writeFile(join(dir, 'ours.json'), JSON.stringify(texts(oursByKind)));
    await writeFile(join(dir, 'theirs.json'), JSON.stringify(texts(theirsByKind)));
    const ourTypes = await runPythonJson<Record<string, Record<string, string>>>(python.python, TYPES_SCRIPT, [join(dir, 'ours.json')]);
    const theirTypes = await runPythonJson<Record<string, Record<string, string>>>(python.python, TYPES_SCRIPT, [join(dir, 'theirs.json')]);
    for (const kind of metaKinds) {
      const expected = Object.fromEntries(Object.entries(theirTypes[kind]!).filter(([key]) => !NEWER_FIELDS.has(key)));
      const actual = Object.fromEntries(Object.entries(ourTypes[kind]!).filter(([key]) => !OLDER_FIELDS.has(key)));
      // A field MLflow leaves null may hold a value in ours (e.g. description), and the reverse.
      const loose = (types: Record<string, string>) => Object.fromEntries(Object.entries(types).map(([key, type]) => [key, type === 'NoneType' ? 'str' : type]));
      expect({ kind, fields: loose(actual) }).toEqual({ kind, fields: loose(expected) });
    }
    // Metric lines: `<ts> <value> <step>` for runs, `... <run_id> <dataset> <digest>` for models.
    expect(oursByKind.get('<exp>/models/<model>/metrics/accuracy')).toMatch(/^1700000055000 0\.985 5 [0-9a-f]{32} penguins a1b2c3d4\n$/);
    expect(theirsByKind.get('<exp>/models/<model>/metrics/accuracy')).toMatch(/^1700000055000 0\.985 5 [0-9a-f]{32} penguins a1b2c3d4\n$/);
    expect(oursByKind.get('<exp>/<id>/metrics/accuracy')?.split('\n')[0]).toBe('1700000000000 0.5 0');
    expect(theirsByKind.get('<exp>/<id>/metrics/accuracy')?.split('\n')[0]).toBe('1700000000000 0.5 0');
    expect(oursByKind.get('models/penguin-classifier/aliases/champion')).toBe('1');
    expect(oursByKind.get('<exp>/<id>/params/seed')).toBe('42');
  }, 120_000);

  it('keep any string as it was through YAML and PyYAML', async ({ skip }) => {
    if (!('python' in python)) return skip(`no Python MLflow: ${python.missing}`);
    const samples = fc.sample(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('yes', 'No', 'on', '~', 'null', '0x1F', '1e5', '2024-01-01', '- a', ': b', '#c', "it's", '"q"', ' lead', 'trail ', 'a\nb', '0', '007', '.inf', '=', '<<', '190:20:30', '1_000', '+.inf', 'NO', 'Off', '!tag', '&a', '*b', '%x', '@y', '`z', '|', '>', '?', '[x]', '{y}')), 400);
    const documents = Object.fromEntries(samples.map((value, index) => [String(index), dumpMeta({ name: value, experiment_id: String(index) })]));
    await writeFile(join(dir, 'strings.json'), JSON.stringify(documents));
    const parsed = await runPythonJson<Record<string, { name: unknown; experiment_id: unknown }>>(
      python.python,
      ['import json, sys, yaml', 'docs = json.load(open(sys.argv[1]))', 'print(json.dumps({k: yaml.safe_load(v) for k, v in docs.items()}))'].join('\n'),
      [join(dir, 'strings.json')],
    );
    samples.forEach((value, index) => {
      expect(parsed[String(index)]).toEqual({ name: value, experiment_id: String(index) });
    });
  }, 120_000);
});
