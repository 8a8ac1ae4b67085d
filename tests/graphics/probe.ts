/** Ways to find chart features in a decoded PNG without knowing the chart's layout constants. */

import type { DecodedPng, Rgb } from './png-decoder.js';

export type PixelTest = (colour: Rgb) => boolean;

export const is = (expected: readonly number[]): PixelTest => (colour) =>
  colour[0] === expected[0] && colour[1] === expected[1] && colour[2] === expected[2];

export const isNot = (excluded: readonly number[]): PixelTest => (colour) => !is(excluded)(colour);

export interface Run {
  start: number;
  /** Exclusive. */
  end: number;
  length: number;
}

/** Maximal runs of matching pixels along row `y`. */
export function rowRuns(png: DecodedPng, y: number, test: PixelTest): Run[] {
  return runs(png.width, (x) => test(png.rgb(x, y)));
}

/** Maximal runs of matching pixels down column `x`. */
export function columnRuns(png: DecodedPng, x: number, test: PixelTest): Run[] {
  return runs(png.height, (y) => test(png.rgb(x, y)));
}

function runs(length: number, matchesAt: (position: number) => boolean): Run[] {
  const found: Run[] = [];
  let start = -1;
  for (let position = 0; position <= length; position += 1) {
    const matches = position < length && matchesAt(position);
    if (matches && start < 0) start = position;
    if (!matches && start >= 0) {
      found.push({ start, end: position, length: position - start });
      start = -1;
    }
  }
  return found;
}

export interface Box {
  left: number;
  top: number;
  /** Exclusive. */
  right: number;
  /** Exclusive. */
  bottom: number;
}

export function boundingBox(png: DecodedPng, test: PixelTest, within?: Box): Box | undefined {
  const area = within ?? { left: 0, top: 0, right: png.width, bottom: png.height };
  let box: Box | undefined;
  for (let y = area.top; y < area.bottom; y += 1) {
    for (let x = area.left; x < area.right; x += 1) {
      if (!test(png.rgb(x, y))) continue;
      box = box
        ? { left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x + 1), bottom: Math.max(box.bottom, y + 1) }
        : { left: x, top: y, right: x + 1, bottom: y + 1 };
    }
  }
  return box;
}

export function countPixels(png: DecodedPng, area: Box, test: PixelTest): number {
  let count = 0;
  for (let y = Math.max(0, area.top); y < Math.min(png.height, area.bottom); y += 1) {
    for (let x = Math.max(0, area.left); x < Math.min(png.width, area.right); x += 1) if (test(png.rgb(x, y))) count += 1;
  }
  return count;
}

/** Perceived lightness for ordering colours: Rec. 709 luma. */
export function luma([red, green, blue]: Rgb): number {
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}
