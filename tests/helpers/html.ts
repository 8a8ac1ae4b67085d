import { parse } from 'parse5';

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
}

export interface ActiveContent {
  elements: string[];
  handlers: string[];
  links: string[];
  images: string[];
}

/**
 * What a browser would treat as active in an HTML document, found by parsing it as a browser does
 * (parse5 follows the WHATWG algorithm): script-capable elements, event-handler attributes, link
 * targets and image sources.
 */
export function activeContent(html: string): ActiveContent {
  const found: ActiveContent = { elements: [], handlers: [], links: [], images: [] };
  const visit = (node: Node): void => {
    if (node.tagName) {
      if (['script', 'svg', 'math', 'iframe', 'object', 'embed', 'form', 'base', 'link'].includes(node.tagName)) found.elements.push(node.tagName);
      for (const attr of node.attrs ?? []) {
        if (attr.name.startsWith('on')) found.handlers.push(`${node.tagName}.${attr.name}`);
        if (attr.name === 'href') found.links.push(attr.value);
        if (node.tagName === 'img' && attr.name === 'src') found.images.push(attr.value);
      }
    }
    for (const child of node.childNodes ?? []) visit(child);
    if (node.content) visit(node.content);
  };
  visit(parse(html) as unknown as Node);
  return found;
}
