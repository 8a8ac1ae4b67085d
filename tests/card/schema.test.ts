import { describe, expect, it } from 'vitest';
import { checkCard, parseCard } from '../../src/card/parse.js';
import { toMctJson, toMctObject } from '../../src/card/serialize.js';
import { CardValidationError } from '../../src/errors.js';
import { mctSchemaErrors, readFixture } from '../helpers/mct-schema.js';

function issuesOf(document: unknown): string[] {
  const check = checkCard(document);
  return check.ok ? [] : check.issues;
}

describe('reading MCT v0.0.2 cards', () => {
  it('accepts MCT full.json and writes it back unchanged', () => {
    const full = readFixture('full.json') as Record<string, unknown>;
    expect(mctSchemaErrors(full)).toEqual([]);
    const card = parseCard(full);
    expect(toMctObject(card)).toEqual(full);
  });

  it('accepts the empty card, as MCT does', () => {
    expect(issuesOf({})).toEqual([]);
    expect(toMctObject(parseCard({}))).toEqual({ schema_version: '0.0.2' });
  });

  it('names the path and the right shape for plain strings in consideration lists', () => {
    expect(issuesOf({ considerations: { limitations: ['only penguins'] } })).toEqual([
      'considerations.limitations[0]: expected {"description": string}, got a string',
    ]);
  });

  it('names the path and the fix for numeric metric values and bounds', () => {
    const issues = issuesOf({
      quantitative_analysis: {
        performance_metrics: [{ type: 'accuracy', value: 0.98, confidence_interval: { lower_bound: 0.9, upper_bound: '0.99' } }],
      },
    });
    expect(issues).toEqual([
      'quantitative_analysis.performance_metrics[0].value: expected a string, got a number (0.98); write it as a string: "0.98"',
      'quantitative_analysis.performance_metrics[0].confidence_interval.lower_bound: expected a string, got a number (0.9); write it as a string: "0.9"',
    ]);
  });

  it('rejects unknown keys at the root, which the published schema closes', () => {
    expect(issuesOf({ model_details: { regulatory_requirements: [] }, extra: 1 })).toEqual([
      'extra: unknown field; Model Card Toolkit v0.0.2 has no such field and rejects cards that carry it',
    ]);
  });

  it('accepts unknown nested keys as the published schema does, naming them for MCT\'s loader', () => {
    const check = checkCard({ model_details: { name: 'm', regulatory_requirements: ['Annex IV'] } });
    expect(check).toMatchObject({
      ok: true,
      card: { model_details: { name: 'm' } },
      incompatibilities: [{ path: 'model_details.regulatory_requirements', value: ['Annex IV'] }],
    });
    expect(() => parseCard({ model_details: { regulatory_requirements: [] } }, 'config.yaml')).toThrow(
      /model_details\.regulatory_requirements: unknown field/,
    );
  });
  it('requires exactly one of identifier and custom_text in a license', () => {
    for (const license of [{}, { identifier: 'MIT', custom_text: 'mine' }]) {
      const document = { model_details: { licenses: [license] } };
      expect(mctSchemaErrors(document)).not.toEqual([]);
      expect(issuesOf(document)).toEqual([
        'model_details.licenses[0]: a license needs exactly one of "identifier" (an SPDX id such as "Apache-2.0", or "proprietary") or "custom_text"',
      ]);
    }
    expect(issuesOf({ model_details: { licenses: [{ custom_text: 'All rights reserved' }] } })).toEqual([]);
  });

  it('reports every problem at once and suggests migration for v0.0.1 shapes without a version', () => {
    const issues = issuesOf({ model_details: { name: 3 }, model_parameters: { data: { train: {} } } });
    expect(issues).toHaveLength(2);
    expect(issues[1]).toContain('a v0.0.1 card needs "schema_version": "0.0.1" to be migrated');
    expect(() => parseCard({ model_details: { name: 3 } }, 'card.json')).toThrow(CardValidationError);
  });

  it('reads a schema version MCT does not have as v0.0.2, with a loader warning; refuses one that is not a string', () => {
    expect(checkCard({ schema_version: '0.0.3' })).toMatchObject({ ok: true, incompatibilities: [{ path: 'schema_version', value: '0.0.3' }] });
    expect(() => parseCard({ schema_version: '0.0.3' })).toThrow(/MCT's loader knows no version "0.0.3"/);
    expect(issuesOf({ schema_version: 2 })[0]).toMatch(/^schema_version: /);
  });
});

describe('migrating MCT v0.0.1 cards', () => {
  const legacy = readFixture('cats_vs_dogs_v0_0_1.json') as Record<string, any>;

  it('migrates cats_vs_dogs to a card MCT v0.0.2 accepts', () => {
    const check = checkCard(legacy);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.migratedFrom).toBe('0.0.1');
    const written = toMctObject(check.card) as Record<string, any>;
    expect(mctSchemaErrors(written)).toEqual([]);
    expect(written.model_details.licenses).toEqual([{ identifier: 'Apache-2.0' }]);
    expect(written.model_details.references).toEqual(legacy.model_details.references.map((reference: string) => ({ reference })));
    expect(written.model_details.citations).toEqual([{ citation: legacy.model_details.citation }]);
    expect(written.considerations.users).toEqual([{ description: 'Fans of dogs and cats.' }]);
    expect(written.model_parameters.data.map((dataset: { name: string }) => dataset.name)).toEqual(['Training Set', 'Validation Set']);
  });

  it('keeps numbers as exact strings and thresholds in the metric type', () => {
    const check = checkCard(legacy);
    if (!check.ok) throw new Error('expected a valid card');
    const metrics = check.card.quantitative_analysis?.performance_metrics ?? [];
    expect(metrics[0]).toEqual({ type: 'accuracy@0.5', value: '0.9781249761581421' });
    expect(metrics[1]).toEqual({
      type: 'accuracy@0.5',
      value: '0.9932885766029358',
      slice: 'cat',
      confidence_interval: { lower_bound: '0.9832885766', upper_bound: '1.0032885766' },
    });
  });

  it('moves per-graphic descriptions into the collection description instead of dropping them', () => {
    const check = checkCard(legacy);
    if (!check.ok) throw new Error('expected a valid card');
    const validation = check.card.model_parameters?.data?.[1];
    expect(validation?.graphics?.description).toBe('Validation Set Size: This is the number of examples in the validation set.');
    expect(validation?.graphics?.collection?.[0]?.image).toBe(legacy.model_parameters.data.eval.graphics.collection[0].image);
  });

  it('round-trips the migrated card through JSON without loss', () => {
    const first = toMctJson(parseCard(legacy));
    expect(toMctJson(parseCard(JSON.parse(first)))).toBe(first);
  });
});

describe('writing cards like MCT to_json', () => {
  it('drops empty values recursively and puts schema_version last', () => {
    const card = parseCard({
      schema_version: '0.0.2',
      considerations: { users: [], limitations: [{ description: '' }, { description: 'x' }] },
      model_details: { name: 'm', overview: '', version: { name: '' } },
      quantitative_analysis: { graphics: { collection: [] } },
    });
    expect(JSON.parse(toMctJson(card))).toEqual({ model_details: { name: 'm' }, considerations: { limitations: [{ description: 'x' }] }, schema_version: '0.0.2' });
    expect(Object.keys(JSON.parse(toMctJson(card)))).toEqual(['model_details', 'considerations', 'schema_version']);
  });

  it('orders keys as MCT dataclasses do, whatever the input order', () => {
    const card = parseCard({
      model_parameters: { data: [{ graphics: { description: 'g' }, link: 'https://x.org', description: 'd', name: 'n' }] },
      model_details: { path: 'p', name: 'n', overview: 'o' },
    });
    const written = toMctObject(card) as Record<string, any>;
    expect(Object.keys(written.model_details)).toEqual(['name', 'overview', 'path']);
    expect(Object.keys(written.model_parameters.data[0])).toEqual(['name', 'description', 'link', 'graphics']);
  });
});
