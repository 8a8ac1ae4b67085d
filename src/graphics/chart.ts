/**
 * What every chart is: an SVG drawn at CSS-pixel size, the words that state its data (the alt
 * text) and the data itself as a table. `chartPng` rasterises it for Model Cards, which need
 * PNG, and stores the description and the table inside the PNG.
 */

import { encodeRgbaPng } from './png.js';
import { pngAnnotationChunks } from './png-metadata.js';
import { PIXEL_RATIO, rasterize } from './rasterize.js';

export interface ChartTable {
  /** Column headings; the first column holds the row headings. */
  columns: string[];
  rows: string[][];
}

export interface Chart {
  title: string;
  svg: string;
  /** Size in CSS pixels. */
  width: number;
  height: number;
  /** The alt text: what kind of chart, and its data. */
  description: string;
  table: ChartTable;
  /** BCP 47 tag of the chart's texts. */
  lang: string;
}

/** The chart as PNG at twice its CSS size, with its description and table embedded. */
export async function chartPng(chart: Chart): Promise<Buffer> {
  const image = await rasterize(chart.svg, PIXEL_RATIO);
  return encodeRgbaPng(image.pixels, image.width, image.height, pngAnnotationChunks({ description: chart.description, table: chart.table, language: chart.lang, pixelRatio: PIXEL_RATIO }));
}
