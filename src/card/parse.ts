import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { CardValidationError, InputError } from '../errors.js';
import { cardFromMarkdown } from './embedded.js';
import { isV001, migrateV001ToV002 } from './migrate.js';
import { describeIncompatibility, separateLoaderIncompatibilities, type LoaderIncompatibility } from './loader-compat.js';
import { MCT_SCHEMA_VERSION, modelCardSchema, unwrapOptional, type ModelCard } from './schema.js';

/**
 * A valid card comes with what MCT's Python loader would still refuse in it (fields the
 * published schema accepts); `card` has those fields left out.
 */
export type CardCheck =
  | { ok: true; card: ModelCard; migratedFrom?: '0.0.1'; incompatibilities: LoaderIncompatibility[] }
  | { ok: false; issues: string[] };

type PathKey = PropertyKey;

function formatPath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || '(root)';
}

function valueAt(document: unknown, path: readonly PathKey[]): unknown {
  let node = document;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function schemaAt(path: readonly PathKey[]): z.ZodType | undefined {
  let node: z.ZodType = modelCardSchema;
  for (const key of path) {
    node = unwrapOptional(node);
    if (node instanceof z.ZodObject && typeof key === 'string') {
      const child = (node.shape as Record<string, z.ZodType>)[key];
      if (!child) return undefined;
      node = child;
    } else if (node instanceof z.ZodArray && typeof key === 'number') {
      node = node.element as z.ZodType;
    } else {
      return undefined;
    }
  }
  return unwrapOptional(node);
}

function shapeOf(schema: z.ZodType | undefined): string | undefined {
  const meta = schema?.meta() as { shape?: string } | undefined;
  return meta?.shape;
}

function describeExpected(schema: z.ZodType | undefined, fallback: string): string {
  if (!schema) return fallback;
  const shape = shapeOf(schema);
  if (shape) return shape;
  if (schema instanceof z.ZodArray) {
    const itemShape = shapeOf(unwrapOptional(schema.element as z.ZodType));
    return itemShape ? `a list of ${itemShape}` : 'a list';
  }
  if (schema instanceof z.ZodObject) return 'an object';
  if (schema instanceof z.ZodString) return 'a string';
  return fallback;
}

function describeActual(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'object':
      return 'an object';
    default:
      return 'nothing';
  }
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown): string[] {
  const path = issue.path;
  const where = formatPath(path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map(
        (key) =>
          `${formatPath([...path, key])}: unknown field; Model Card Toolkit v0.0.2 has no such field and rejects cards that carry it`,
      );
    case 'invalid_type': {
      const actual = valueAt(document, path);
      const expected = describeExpected(schemaAt(path), issue.expected);
      let text = `${where}: expected ${expected}, got ${describeActual(actual)}`;
      if (typeof actual === 'number' || typeof actual === 'boolean') text += `; write it as a string: "${String(actual)}"`;
      const last = path.at(-1);
      if (last === 'data' && actual !== null && typeof actual === 'object' && !Array.isArray(actual)) {
        text += '; a v0.0.1 card needs "schema_version": "0.0.1" to be migrated';
      }
      return [text];
    }
    case 'invalid_value':
      if (path.length === 1 && path[0] === 'schema_version') {
        return [`schema_version: unsupported version ${JSON.stringify(valueAt(document, path))}; use "0.0.2" (or "0.0.1" to migrate an old card)`];
      }
      return [`${where}: ${issue.message}`];
    default:
      return [`${where}: ${issue.message}`];
  }
}

/**
 * Checks a parsed document against MCT's published JSON schema v0.0.2, migrating a v0.0.1
 * document first. Returns every path-level problem instead of the first, for `card validate`.
 */
export function checkCard(document: unknown): CardCheck {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    return { ok: false, issues: [`(root): expected a Model Card object, got ${describeActual(document)}`] };
  }
  const migrated = isV001(document);
  const candidate = migrated ? migrateV001ToV002(document as Parameters<typeof migrateV001ToV002>[0]) : (document as Record<string, unknown>);
  const { document: loadable, incompatibilities } = separateLoaderIncompatibilities(candidate);
  const result = modelCardSchema.safeParse(loadable);
  if (!result.success) {
    return { ok: false, issues: result.error.issues.flatMap((issue) => describeIssue(issue, loadable)) };
  }
  return { ok: true, card: result.data, incompatibilities, ...(migrated ? { migratedFrom: '0.0.1' as const } : {}) };
}

/**
 * Parses a document into a v0.0.2 ModelCard that MCT's loader reads, or throws a
 * CardValidationError naming every problem (loader incompatibilities included).
 */
export function parseCard(document: unknown, source = 'card'): ModelCard {
  const check = checkCard(document);
  if (!check.ok) throw new CardValidationError(source, check.issues);
  if (check.incompatibilities.length > 0) throw new CardValidationError(source, check.incompatibilities.map(describeIncompatibility));
  return { ...check.card, schema_version: MCT_SCHEMA_VERSION };
}

/** Parses JSON or YAML text (chosen by the file name; JSON is YAML too) into plain data. */
/** The tags of YAML's core schema: anything else (`!!js/function`, `!!binary`, `!custom`) is refused. */
const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

function checkTags(document: YAML.Document, source: string): void {
  const refuse = (tag: string): never => {
    throw new InputError(`the YAML tag ${tag} is not allowed: only plain YAML (core schema) is read`, {
      location: source,
      hint: 'remove the tag; a card holds strings, numbers, lists and mappings only',
    });
  };
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') refuse(/tag:\S+|![^\s,]*/.exec(warning.message)?.[0] ?? 'of unknown kind');
  }
  YAML.visit(document, (_key, node) => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (typeof tag === 'string' && !CORE_TAGS.has(tag)) refuse(tag);
  });
}

/** The first byte offset where `bytes` is not valid UTF-8, or -1. */
function invalidUtf8Offset(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const byte = bytes[at] as number;
    if (byte < 0x80) {
      at += 1;
      continue;
    }
    const length = byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0 || at + length > bytes.length) return at;
    const second = bytes[at + 1] as number;
    const low = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80;
    const high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;
    if (second < low || second > high) return at;
    for (let index = 2; index < length; index += 1) {
      const next = bytes[at + index] as number;
      if (next < 0x80 || next > 0xbf) return at;
    }
    at += length;
  }
  return -1;
}

/** A card or config file's text: strict UTF-8, never a silent U+FFFD. */
function decodeDocument(bytes: Uint8Array, source: string): string {
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) {
    throw new InputError(`not valid UTF-8 at byte ${bad} (0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')})`, {
      location: source,
      hint: 'save the file as UTF-8',
    });
  }
  return new TextDecoder('utf-8').decode(bytes);
}

export function parseCardText(text: string, source: string): unknown {
  const isJson = extname(source).toLowerCase() === '.json';
  try {
    if (isJson) return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    const document = YAML.parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true, schema: 'core' });
    if (document.errors.length > 0) throw document.errors[0];
    checkTags(document, source);
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`not valid ${isJson ? 'JSON' : 'YAML'}: ${detail}`, {
      location: source,
      hint: `fix the syntax${isJson ? '' : ' (JSON is accepted too)'}`,
      cause: error,
    });
  }
}

/** Reads a JSON or YAML file; a missing or unreadable file is an InputError naming it. */
export async function readDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = decodeDocument(await readFile(path), path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((error as Error).message);
    throw new InputError(`cannot read: ${reason}`, { location: path, hint: 'check the path', cause: error });
  }
  return extname(path).toLowerCase() === '.md' ? cardFromMarkdown(text, path) : parseCardText(text, path);
}

/** Loads a Model Card from a .json, .yaml or .yml file. */
export async function loadCardFile(path: string): Promise<ModelCard> {
  return parseCard(await readDocument(path), path);
}
