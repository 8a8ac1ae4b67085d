/**
 * Escaping card text for Markdown so that it always shows as the text it is: no links, images,
 * HTML, emphasis, headings or lists can come out of a field. `<` becomes `&lt;` (no raw HTML or
 * autolinks); emphasis, code, link brackets, table pipes and strike-through marks are
 * backslash-escaped (with `[` and `]` escaped, `](javascript:` can never form a link, so
 * parentheses can stay as they are); markers that only count at the start of a line are escaped
 * there.
 */

const INLINE_SYNTAX = /[\\`*_[\]|~]/g;
const LINE_START_MARKERS = /^(\s*)([-+](?=[\s-]|$)|#|=(?==*\s*$)|\d+(?=[.)](?:\s|$)))/;

function escapeLine(line: string): string {
  return line
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE_SYNTAX, '\\$&')
    .replace(LINE_START_MARKERS, (_match, space: string, marker: string) => `${space}${/\d/.test(marker) ? marker + '\\' : '\\' + marker}`);
}

/** Text kept on one line: table cells, headings, list items. */
export function escapeMarkdownInline(text: string): string {
  return escapeLine(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/** Text that may span lines; each line is escaped on its own, blank lines separate paragraphs. */
export function escapeMarkdownBlock(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => escapeLine(line.trimEnd()))
    .join('\n');
}
