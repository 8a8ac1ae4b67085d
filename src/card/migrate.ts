/**
 * Migration of Model Card Toolkit schema v0.0.1 documents to v0.0.2.
 *
 * Does what MCT's `json_util.update()` does (strings to objects, train/eval to the dataset list,
 * license and citation to lists) and also what it leaves out, so that the result validates:
 * numeric metric values and confidence bounds become strings, `threshold` moves into the metric
 * type as `type@threshold` (how MCT's templates name it), a boolean `sensitive` becomes dataset
 * text, and per-graphic descriptions (gone in v0.0.2) join the collection description.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarToString(value: Json | undefined): Json | undefined {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

const SPDX_LIKE = /^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$/;

/** An SPDX-looking string becomes an identifier; any other licence text is custom text. */
export function licenseFromText(text: string): { identifier: string } | { custom_text: string } {
  return SPDX_LIKE.test(text.trim()) ? { identifier: text.trim() } : { custom_text: text };
}

function wrapStrings(list: Json | undefined, key: string): Json | undefined {
  if (!Array.isArray(list)) return list;
  return list.map((item) => (typeof item === 'string' ? { [key]: item } : item));
}

function migrateGraphics(graphics: Json | undefined): Json | undefined {
  if (!isObject(graphics) || !Array.isArray(graphics.collection)) return graphics;
  const notes: string[] = [];
  const collection = graphics.collection.map((graphic) => {
    if (!isObject(graphic)) return graphic;
    const { description, ...rest } = graphic;
    if (typeof description === 'string' && description !== '') {
      notes.push(typeof rest.name === 'string' && rest.name ? `${rest.name}: ${description}` : description);
    }
    return rest;
  });
  const existing = typeof graphics.description === 'string' && graphics.description ? [graphics.description] : [];
  const description = [...existing, ...notes].join('\n');
  return { ...graphics, ...(description ? { description } : {}), collection };
}

function migrateDataset(dataset: Json | undefined, defaultName: string): Json | undefined {
  if (!isObject(dataset)) return dataset;
  const { sensitive, graphics, ...rest } = dataset;
  const migrated: JsonObject = { name: defaultName, ...rest };
  if (sensitive === true) {
    const note = 'Contains sensitive data.';
    migrated.description = typeof rest.description === 'string' && rest.description ? `${rest.description} ${note}` : note;
  } else if (isObject(sensitive)) {
    migrated.sensitive = sensitive;
  }
  const migratedGraphics = migrateGraphics(graphics);
  if (migratedGraphics !== undefined) migrated.graphics = migratedGraphics;
  return migrated;
}

function migrateMetric(metric: Json): Json {
  if (!isObject(metric)) return metric;
  const { threshold, value, confidence_interval: interval, ...rest } = metric;
  const migrated: JsonObject = { ...rest };
  if (threshold !== undefined && threshold !== null && typeof rest.type === 'string') {
    migrated.type = `${rest.type}@${String(threshold)}`;
  }
  const stringValue = scalarToString(value);
  if (stringValue !== undefined) migrated.value = stringValue;
  if (isObject(interval)) {
    migrated.confidence_interval = Object.fromEntries(
      Object.entries(interval).map(([key, bound]) => [key, scalarToString(bound) ?? null]),
    );
  }
  return migrated;
}

export function isV001(document: unknown): boolean {
  return isObject(document) && document.schema_version === '0.0.1';
}

export function migrateV001ToV002(document: JsonObject): JsonObject {
  const { schema_version: _version, ...card } = document;
  const result: JsonObject = { ...card };

  if (isObject(card.model_details)) {
    const { license, citation, references, ...details } = card.model_details;
    const migrated: JsonObject = { ...details };
    if (typeof license === 'string' && license) migrated.licenses = [licenseFromText(license)];
    if (typeof citation === 'string' && citation) migrated.citations = [{ citation }];
    const wrappedReferences = wrapStrings(references, 'reference');
    if (wrappedReferences !== undefined) migrated.references = wrappedReferences;
    result.model_details = migrated;
  }

  if (isObject(card.model_parameters)) {
    const parameters: JsonObject = { ...card.model_parameters };
    const data = parameters.data;
    if (isObject(data)) {
      parameters.data = [
        ...(data.train !== undefined ? [migrateDataset(data.train, 'Training Set') ?? null] : []),
        ...(data.eval !== undefined ? [migrateDataset(data.eval, 'Validation Set') ?? null] : []),
      ];
    }
    result.model_parameters = parameters;
  }

  if (isObject(card.quantitative_analysis)) {
    const analysis: JsonObject = { ...card.quantitative_analysis };
    if (Array.isArray(analysis.performance_metrics)) analysis.performance_metrics = analysis.performance_metrics.map(migrateMetric);
    const graphics = migrateGraphics(analysis.graphics);
    if (graphics !== undefined) analysis.graphics = graphics;
    result.quantitative_analysis = analysis;
  }

  if (isObject(card.considerations)) {
    const considerations: JsonObject = { ...card.considerations };
    for (const key of ['users', 'use_cases', 'limitations', 'tradeoffs'] as const) {
      const wrapped = wrapStrings(considerations[key], 'description');
      if (wrapped !== undefined) considerations[key] = wrapped;
    }
    result.considerations = considerations;
  }

  result.schema_version = '0.0.2';
  return result;
}
