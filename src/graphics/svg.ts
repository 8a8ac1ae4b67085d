/** Building blocks of the chart SVG: escaped text, rounded coordinates, the document frame. */

import { FONT_FAMILY, type FontWeight } from './font.js';

/** Text as XML character data or attribute value. */
function xml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A coordinate with at most two decimals: smaller files, same picture. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Where the baseline goes for text vertically centred on `middle` (Source Sans 3's cap height is 0.66 em). */
export function baselineFor(middle: number, size: number): number {
  return middle + size * 0.33;
}

export interface TextStyle {
  size: number;
  weight?: FontWeight;
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  /** Degrees, about (x, y): -90 reads upwards. */
  rotate?: number;
}

/** One line of text with its baseline at (x, y). */
export function text(x: number, y: number, content: string, style: TextStyle): string {
  const attributes = [
    `x="${px(x)}"`,
    `y="${px(y)}"`,
    `font-size="${style.size}"`,
    style.weight === 'semibold' ? 'font-weight="600"' : '',
    style.anchor && style.anchor !== 'start' ? `text-anchor="${style.anchor}"` : '',
    style.fill ? `fill="${style.fill}"` : '',
    style.rotate ? `transform="rotate(${style.rotate} ${px(x)} ${px(y)})"` : '',
  ].filter(Boolean);
  return `<text ${attributes.join(' ')}>${xml(content)}</text>`;
}

/** Lines of text, the first baseline at y, each next one `lineHeight` lower. */
export function lines(x: number, y: number, content: readonly string[], style: TextStyle, lineHeight: number): string {
  return content.map((line, index) => text(x, y + index * lineHeight, line, style)).join('');
}

export function rect(x: number, y: number, width: number, height: number, fill: string, extra = ''): string {
  return `<rect x="${px(x)}" y="${px(y)}" width="${px(Math.max(0, width))}" height="${px(Math.max(0, height))}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): string {
  return `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${stroke}" stroke-width="${width}"/>`;
}

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle';

/** A marker of about `size` pixels across centred on (x, y). Shapes tell series apart without colour. */
export function marker(shape: MarkerShape, x: number, y: number, size: number, fill: string, stroke = '#ffffff'): string {
  const r = size / 2;
  const paint = `fill="${fill}" stroke="${stroke}" stroke-width="1"`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${px(x)}" cy="${px(y)}" r="${px(r)}" ${paint}/>`;
    case 'square':
      return `<rect x="${px(x - r * 0.9)}" y="${px(y - r * 0.9)}" width="${px(r * 1.8)}" height="${px(r * 1.8)}" ${paint}/>`;
    case 'diamond':
      return `<path d="M${px(x)} ${px(y - r * 1.2)}L${px(x + r * 1.2)} ${px(y)}L${px(x)} ${px(y + r * 1.2)}L${px(x - r * 1.2)} ${px(y)}Z" ${paint}/>`;
    case 'triangle':
      return `<path d="M${px(x)} ${px(y - r * 1.15)}L${px(x + r * 1.15)} ${px(y + r * 0.85)}L${px(x - r * 1.15)} ${px(y + r * 0.85)}Z" ${paint}/>`;
  }
}

export const MARKERS: readonly MarkerShape[] = ['circle', 'square', 'diamond', 'triangle'];

/** The SVG document: white background, the chart typeface, a title for standalone viewing. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT_FAMILY}" fill="#212529">` +
    `<title>${xml(title)}</title>` +
    `<rect width="${w}" height="${h}" fill="#ffffff"/>${body}</svg>`
  );
}
