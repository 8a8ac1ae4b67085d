/**
 * An RGB pixel buffer with the few drawing operations charts need: filled rectangles (which also
 * draw axis-aligned lines) and bitmap text. Coordinates are integer pixels from the top-left;
 * everything is clipped to the canvas, so layout code never has to guard against overflow.
 */

import type { TextRun } from './font.js';

export type Rgb = readonly [red: number, green: number, blue: number];

/** Which way a line of text reads: left to right, or bottom to top (rotated a quarter turn). */
export type TextDirection = 'right' | 'up';

export class Raster {
  readonly width: number;
  readonly height: number;
  /** `width * height * 3` bytes, row by row. */
  readonly pixels: Uint8Array;

  constructor(width: number, height: number, background: Rgb) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`canvas size must be positive integers, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  fillRect(x: number, y: number, width: number, height: number, colour: Rgb): void {
    const left = Math.max(0, Math.round(x));
    const top = Math.max(0, Math.round(y));
    const right = Math.min(this.width, Math.round(x + width));
    const bottom = Math.min(this.height, Math.round(y + height));
    const [red, green, blue] = colour;
    for (let row = top; row < bottom; row += 1) {
      let offset = (row * this.width + left) * 3;
      for (let column = left; column < right; column += 1) {
        this.pixels[offset] = red;
        this.pixels[offset + 1] = green;
        this.pixels[offset + 2] = blue;
        offset += 3;
      }
    }
  }

  /** A one-or-more pixel outline drawn inside the rectangle. */
  strokeRect(x: number, y: number, width: number, height: number, colour: Rgb, thickness = 1): void {
    this.fillRect(x, y, width, thickness, colour);
    this.fillRect(x, y + height - thickness, width, thickness, colour);
    this.fillRect(x, y, thickness, height, colour);
    this.fillRect(x + width - thickness, y, thickness, height, colour);
  }

  /**
   * Draws `run` with the top-left corner of its box at (x, y). Reading upwards, the box is
   * `run.height` wide and `run.width` tall and the text starts at its bottom edge.
   */
  drawText(run: TextRun, x: number, y: number, colour: Rgb, direction: TextDirection = 'right'): void {
    const { font, scale } = run;
    const left = Math.round(x);
    const top = Math.round(y);
    run.codePoints.forEach((codePoint, index) => {
      const along = index * font.width * scale;
      for (let row = 0; row < font.height; row += 1) {
        for (let column = 0; column < font.width; column += 1) {
          if (!font.ink(codePoint, column, row)) continue;
          if (direction === 'right') {
            this.fillRect(left + along + column * scale, top + row * scale, scale, scale, colour);
          } else {
            const bottom = top + run.width;
            this.fillRect(left + row * scale, bottom - along - (column + 1) * scale, scale, scale, colour);
          }
        }
      }
    });
  }
}
