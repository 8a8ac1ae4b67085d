/**
 * Charts for Model Cards: SVG laid out here with the Source Sans 3 typeface shipped in the
 * `source-sans` package, rasterised to PNG at 2x by resvg. Nothing is read from the system and
 * nothing goes over the network; the same input gives the same bytes. Every text (titles, axis
 * captions, labels) comes from the caller, already in the reader's language. Each chart also
 * states its data in words (the alt text) and as a table, both stored in the PNG.
 */

export { barChart } from './bar-chart.js';
export type { BarChartInput } from './bar-chart.js';
export { chartPng } from './chart.js';
export type { Chart } from './chart.js';
export { confusionMatrix } from './confusion-matrix.js';
export type { ConfusionMatrixInput } from './confusion-matrix.js';
export { intervalChart } from './interval-chart.js';
export type { IntervalChartInput } from './interval-chart.js';
export { stripChart } from './strip-chart.js';
export type { StripChartInput } from './strip-chart.js';

/** The bare base64 a Model Card graphic's `image` field holds (no `data:` prefix). */
export function toBase64(png: Uint8Array): string {
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}
