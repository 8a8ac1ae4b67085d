/**
 * Escaping card text for GitHub-flavoured Markdown so that it shows as the text it is: no links,
 * images, HTML, emphasis, headings or lists can come out of a field, while what readers expect
 * still works.
 *
 * - Bare http(s) URLs become `<autolinks>`: backslash escapes would break them (`a\_b`), and an
 *   autolink's text is literal, so nothing inside it is interpreted.
 * - Balanced backtick spans stay code spans (`mlflow-mct inspect` shows as code); a code span's
 *   content is literal, so it needs no escaping except `|` inside a table cell.
 * - Everything else: `<` becomes `&lt;` (no raw HTML), emphasis, code, link brackets, table
 *   pipes, strike-through and `@` are backslash-escaped (an unescaped `accuracy@0.5` is a GFM
 *   e-mail autolink), and markers that only count at the start of a line are escaped there.
 * - Line breaks survive: a blank line separates paragraphs, a single newline is a hard break
 *   (`\` at the end of the line, or `<br>` where text must stay on one line).
 */

const INLINE_SYNTAX = /[\\`*_[\]|~@]/g;
const LINE_START_MARKERS = /^(\s*)([-+](?=[\s-]|$)|#|>|=(?==*\s*$)|\d+(?=[.)](?:\s|$)))/;
/** A bare URL; trailing sentence punctuation and an unbalanced `)` are left out. */
const URL_OR_CODE = /(`+)(?!`)([\s\S]*?[^`])\1(?!`)|\bhttps?:\/\/[^\s<>"`|\\]+/g;

function escapeText(text: string): string {
  return text
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE_SYNTAX, '\\$&');
}

function trimUrl(url: string): string {
  let end = url.replace(/[.,;:!?'*_~]+$/, '');
  while (end.endsWith(')') && (end.match(/\(/g) ?? []).length < (end.match(/\)/g) ?? []).length) end = end.slice(0, -1).replace(/[.,;:!?'*_~]+$/, '');
  return end;
}

function escapeLine(line: string, inTable: boolean): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_OR_CODE)) {
    const start = match.index;
    let token = match[0];
    if (match[1] === undefined) token = trimUrl(token);
    if (token === '') continue;
    out += escapeText(line.slice(last, start));
    out += match[1] === undefined ? `<${token}>` : inTable ? token.replace(/\|/g, '\\|') : token;
    last = start + token.length;
  }
  out += escapeText(line.slice(last));
  return out.replace(LINE_START_MARKERS, (_match, space: string, marker: string) => `${space}${/\d/.test(marker) ? marker + '\\' : '\\' + marker}`);
}

function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').trim().split('\n').map((line) => line.trim());
}

/** Text kept on one line (table cells, headings, list items): line breaks become `<br>`. */
export function escapeMarkdownInline(text: string): string {
  return lines(text)
    .filter((line) => line !== '')
    .map((line) => escapeLine(line, true))
    .join('<br>');
}

/** Text that may span lines: paragraphs stay paragraphs, single line breaks stay line breaks. */
export function escapeMarkdownBlock(text: string): string {
  const paragraphs: string[][] = [[]];
  for (const line of lines(text)) {
    if (line === '') {
      if ((paragraphs.at(-1) as string[]).length > 0) paragraphs.push([]);
    } else {
      (paragraphs.at(-1) as string[]).push(escapeLine(line, false));
    }
  }
  return paragraphs
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => paragraph.join('\\\n'))
    .join('\n\n');
}
