import { parse } from 'parse5';

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
}

/** A piece of text a reader sees, with the language of its element (the nearest `lang`). */
export interface TextPiece {
  text: string;
  lang: string;
}

const HIDDEN = new Set(['style', 'script', 'code', 'pre']);
const READ_ATTRIBUTES = ['alt', 'aria-label', 'title'];

/** Every visible text node and read-aloud attribute of an HTML page (code excluded), with its language. */
export function htmlTextPieces(html: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  const visit = (node: Node, lang: string): void => {
    if (node.tagName && HIDDEN.has(node.tagName)) return;
    const own = node.attrs?.find((attr) => attr.name === 'lang')?.value ?? lang;
    for (const attr of node.attrs ?? []) if (READ_ATTRIBUTES.includes(attr.name)) pieces.push({ text: attr.value, lang: own });
    if (node.nodeName === '#text' && node.value?.trim()) pieces.push({ text: node.value.replace(/\s+/g, ' ').trim(), lang: own });
    for (const child of node.childNodes ?? []) visit(child, own);
    if (node.content) visit(node.content, own);
  };
  visit(parse(html) as unknown as Node, '');
  return pieces;
}

/** The prose of a Markdown card: front matter, code blocks, link targets and table rules left out, split into cells and lines. */
export function markdownTextPieces(markdown: string): string[] {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .split('\n')
    .flatMap((line) => line.split('|'))
    .map((text) => text.replace(/\\(.)/g, '$1').replace(/^[#>*\-\s]+/, '').replace(/[*`]/g, '').trim())
    .filter((text) => /\p{L}/u.test(text) && !/^-+$/.test(text));
}
