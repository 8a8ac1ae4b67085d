/**
 * SVG to pixels with resvg (@resvg/resvg-js, a Rust renderer shipped as a prebuilt Node addon).
 * Measured before choosing: ~20 ms to load, then ~30 ms a chart at 2x; vega + vega-lite cost
 * ~250 ms of loading alone, and resvg's WebAssembly build renders ~5x slower.
 *
 * Only the chart typeface is loaded (no system fonts), so the output is the same everywhere.
 */

import { createRequire } from 'node:module';
import { FONT_FAMILY, fontFiles } from './font.js';

/** PNG pixels per CSS pixel: sharp on high-density screens and in print. */
export const PIXEL_RATIO = 2;

type ResvgModule = typeof import('@resvg/resvg-js');

const require = createRequire(import.meta.url);
let resvg: ResvgModule | undefined;

/** The module is loaded on the first chart, so commands that draw none never pay for it. */
function renderer(): ResvgModule {
  resvg ??= require('@resvg/resvg-js') as ResvgModule;
  return resvg;
}

/** An image as 8-bit RGBA pixels, row by row. */
export interface RgbaImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Renders on libuv's thread pool, so the charts of a card are drawn side by side on the cores
 * there are, and the calling thread stays free meanwhile. The pixels are opaque: the background
 * is white.
 */
export async function rasterize(svg: string, pixelRatio: number): Promise<RgbaImage> {
  const image = await renderer().renderAsync(svg, {
    fitTo: { mode: 'zoom', value: pixelRatio },
    background: '#ffffff',
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return { pixels: image.pixels, width: image.width, height: image.height };
}
