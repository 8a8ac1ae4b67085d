import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCard } from '../../src/card/parse.js';
import { mctSchemaErrors, readFixture } from '../helpers/mct-schema.js';

/**
 * `card validate` must accept exactly what MCT's published JSON schema accepts. Cards are made by
 * mutating MCT's own full.json (extra keys at any depth, values of other types, other versions,
 * licences with both or neither field) and our verdict is compared with ajv's on the schema.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

const full = readFixture('full.json') as Json;

/** Every path in the card, with whether it holds an object (which can take an extra key). */
function pathsOf(node: Json, path: Path = []): Array<{ path: Path; isObject: boolean }> {
  if (Array.isArray(node)) return [{ path, isObject: false }, ...node.flatMap((item, index) => pathsOf(item, [...path, index]))];
  if (node !== null && typeof node === 'object') {
    return [{ path, isObject: true }, ...Object.entries(node).flatMap(([key, value]) => pathsOf(value, [...path, key]))];
  }
  return [{ path, isObject: false }];
}

const PATHS = pathsOf(full);
const OBJECT_PATHS = PATHS.filter((entry) => entry.isObject);
const VALUE_PATHS = PATHS.filter((entry) => entry.path.length > 0);

/** The object or list holding `path`'s last key, or undefined when an earlier mutation replaced the way there. */
function containerOf(document: Json, path: Path): Record<string | number, Json> | undefined {
  let node: Json | undefined = document;
  for (const key of path.slice(0, -1)) node = node !== null && typeof node === 'object' ? (node as Record<string | number, Json>)[key] : undefined;
  return node !== null && typeof node === 'object' ? (node as Record<string | number, Json>) : undefined;
}

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('name', 'description', 'x'), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const extraKey = fc.constantFrom('regulatory_requirements', 'severity', 'notes', 'name', 'description', 'collection', 'type');

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(OBJECT_PATHS.length - 1), key: extraKey, value: anyValue }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(VALUE_PATHS.length - 1), value: anyValue }),
  fc.record({ kind: fc.constant('version' as const), value: fc.oneof(fc.constantFrom('0.0.2', '0.0.3', '1.0', ''), fc.integer()) }),
  fc.record({ kind: fc.constant('license' as const), value: fc.constantFrom<Json>({}, { identifier: 'MIT', custom_text: 'mine' }, { custom_text: 'mine' }, { identifier: 'MIT', url: 'x' }) }),
);

function mutate(mutations: ReadonlyArray<fc.RecordValue<any>>): Json {
  const document = structuredClone(full) as Record<string, Json>;
  for (const change of mutations) {
    if (change.kind === 'add') {
      const path = OBJECT_PATHS[change.at]!.path;
      const target = path.length === 0 ? document : containerOf(document, path)?.[path.at(-1)!];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) target[change.key] = change.value;
    } else if (change.kind === 'replace') {
      const path = VALUE_PATHS[change.at]!.path;
      const container = containerOf(document, path);
      if (container) container[path.at(-1)!] = change.value;
    } else if (change.kind === 'version') {
      document.schema_version = change.value;
    } else if (document.model_details !== null && typeof document.model_details === 'object' && !Array.isArray(document.model_details)) {
      document.model_details.licenses = [change.value];
    }
  }
  return document;
}

describe('card validate agrees with MCT\'s published JSON schema', () => {
  it('accepts and refuses the same mutated cards as ajv', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const document = mutate(mutations);
        const schemaErrors = mctSchemaErrors(document);
        const check = checkCard(document);
        expect({ ok: check.ok, schemaErrors }).toEqual({ ok: schemaErrors.length === 0, schemaErrors });
      }),
      { numRuns: 400, seed: 14 },
    );
  });

  it('names, as loader warnings, exactly the nested keys the card gained', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(OBJECT_PATHS.length - 1), key: fc.constantFrom('severity', 'notes') }), { minLength: 1, maxLength: 3 }), (additions) => {
        const document = mutate(additions.map((addition) => ({ kind: 'add', value: 'x', ...addition })));
        const expected = new Set(
          additions
            .filter((addition) => OBJECT_PATHS[addition.at]!.path.length > 0)
            .map((addition) => [...OBJECT_PATHS[addition.at]!.path, addition.key].reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '')),
        );
        const rootAdded = additions.some((addition) => OBJECT_PATHS[addition.at]!.path.length === 0);
        const check = checkCard(document);
        expect(check.ok).toBe(!rootAdded);
        if (check.ok) expect(new Set(check.incompatibilities.map((item) => item.path))).toEqual(expected);
      }),
      { numRuns: 200, seed: 41 },
    );
  });
});
