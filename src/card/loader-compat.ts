import { z } from 'zod';
import { MCT_SCHEMA_VERSION, modelCardSchema, unwrapOptional } from './schema.js';

/**
 * Where MCT's published JSON schema and its Python loader disagree. The schema closes only the
 * root object and accepts any string as `schema_version`, so a card may validate against it and
 * still be refused by `ModelCard.from_json` (unknown nested fields have no dataclass attribute;
 * an unknown version has no schema file). Such cards are valid, with a warning per problem.
 */

/** A field the published schema accepts but MCT's loader would reject, with its value. */
export interface LoaderIncompatibility {
  path: string;
  value: unknown;
  reason: string;
}

const UNKNOWN_FIELD = 'unknown field; the published schema accepts it, but MCT v0.0.2\'s loader has no such field and rejects cards that carry it';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Copies `value`, leaving out the nested keys `schema` does not declare and listing them in `found`. */
function strip(value: unknown, schema: z.ZodType, path: string, found: LoaderIncompatibility[]): unknown {
  const node = unwrapOptional(schema);
  if (node instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item, index) => strip(item, node.element as z.ZodType, childPath(path, index), found));
  }
  if (!(node instanceof z.ZodObject) || !isObject(value)) return value;
  const shape = node.shape as Record<string, z.ZodType>;
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = shape[key];
    // The root stays closed: an unknown top-level key is an error in the published schema too.
    if (childSchema) kept[key] = strip(child, childSchema, childPath(path, key), found);
    else if (path === '') kept[key] = child;
    else found.push({ path: childPath(path, key), value: child, reason: UNKNOWN_FIELD });
  }
  return kept;
}

/**
 * The document as MCT's loader would need it (unknown nested fields removed, an unknown string
 * version read as the current one) and what was changed to get there.
 */
export function separateLoaderIncompatibilities(document: Record<string, unknown>): { document: Record<string, unknown>; incompatibilities: LoaderIncompatibility[] } {
  const incompatibilities: LoaderIncompatibility[] = [];
  const stripped = strip(document, modelCardSchema, '', incompatibilities) as Record<string, unknown>;
  const version = stripped.schema_version;
  if (typeof version === 'string' && version !== MCT_SCHEMA_VERSION) {
    incompatibilities.push({
      path: 'schema_version',
      value: version,
      reason: `MCT's loader knows no version ${JSON.stringify(version)} (only "0.0.1" and "0.0.2"); read as v${MCT_SCHEMA_VERSION}`,
    });
    delete stripped.schema_version;
  }
  return { document: stripped, incompatibilities };
}

/** One line per incompatibility, as `card validate` prints it. */
export function describeIncompatibility(incompatibility: LoaderIncompatibility): string {
  return `${incompatibility.path}: ${incompatibility.reason}`;
}
