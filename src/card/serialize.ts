import { z } from 'zod';
import { MCT_SCHEMA_VERSION, modelCardSchema, unwrapOptional, type ModelCard } from './schema.js';

/**
 * Writes a card the way Model Card Toolkit's `ModelCard.to_json()` does: empty values (undefined,
 * null, "", [], {}) are dropped recursively, keys follow the schema's (dataclass) order, only keys
 * the schema knows are written, and `schema_version` "0.0.2" comes last. Text stays UTF-8 rather
 * than Python's \u escapes; both decode to the same document.
 */

function project(value: unknown, schema: z.ZodType): unknown {
  const node = unwrapOptional(schema);
  if (value === undefined || value === null) return undefined;
  if (node instanceof z.ZodObject) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.shape as Record<string, z.ZodType>)) {
      const projected = project((value as Record<string, unknown>)[key], child);
      if (projected !== undefined) out[key] = projected;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (node instanceof z.ZodArray) {
    if (!Array.isArray(value)) return undefined;
    const items = value.map((item) => project(item, node.element as z.ZodType)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'string') return value === '' ? undefined : value;
  return undefined;
}

/** The card as MCT would emit it, as a plain object. */
export function toMctObject(card: ModelCard): Record<string, unknown> {
  const { schema_version: _ignored, ...content } = card;
  const projected = (project(content, modelCardSchema) ?? {}) as Record<string, unknown>;
  return { ...projected, schema_version: MCT_SCHEMA_VERSION };
}

/** The card as MCT JSON text (2-space indent, trailing newline). */
export function toMctJson(card: ModelCard): string {
  return `${JSON.stringify(toMctObject(card), null, 2)}\n`;
}
