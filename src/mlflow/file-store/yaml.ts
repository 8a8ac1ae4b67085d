/**
 * The `meta.yaml` files of MLflow's FileStore, written the way MLflow's `write_yaml` writes them
 * (PyYAML `safe_dump`: block style, sorted keys, UTF-8) and read back.
 *
 * PyYAML speaks YAML 1.1, where `yes`, `on`, `~` or `2024-01-01` are not strings; emitting in
 * 1.1 mode makes the `yaml` package quote such strings, so MLflow reads every value back with
 * the type it was written with.
 */
import YAML from 'yaml';

export type MetaValue = string | number | null | MetaValue[] | { [key: string]: MetaValue };
export type Meta = Record<string, MetaValue>;

/** Plain scalars PyYAML gives a tag of their own (`value`, `merge`): always quoted. */
const PYYAML_SPECIAL = new Set(['=', '<<']);
/**
 * PyYAML refuses a tab in a plain scalar, reads U+0085, U+2028 and U+2029 as line breaks and
 * refuses other non-printable characters: strings holding any of them are double-quoted, with each
 * escaped. The yaml package escapes C0 characters itself; the others are escaped after it.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const NEEDS_ESCAPES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffe\uffff]/;
const UNESCAPED = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;
const NAMED_ESCAPES: Record<string, string> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

function escapeUnprintable(character: string): string {
  const code = character.charCodeAt(0);
  return NAMED_ESCAPES[character] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}
const MERGE_TAG = 'tag:yaml.org,2002:merge';

export function dumpMeta(meta: Meta): string {
  // Without the merge tag, the string "<<" is a string like any other (the tag would print it bare).
  const document = new YAML.Document(meta, {
    version: '1.1',
    sortMapEntries: true,
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_TAG),
  });
  YAML.visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (NEEDS_ESCAPES.test(node.value)) node.type = 'QUOTE_DOUBLE';
      else if (PYYAML_SPECIAL.has(node.value)) node.type = 'QUOTE_SINGLE';
    },
  });
  // Only double-quoted scalars can hold these characters now, so escaping them in the text is safe.
  return document.toString({ singleQuote: true, lineWidth: 0 }).replace(UNESCAPED, escapeUnprintable);
}

/** The mapping in a meta.yaml, or undefined when the text is empty or not a mapping. */
export function parseMeta(text: string): Record<string, unknown> | undefined {
  const parsed: unknown = YAML.parse(text, { version: '1.1' });
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}
