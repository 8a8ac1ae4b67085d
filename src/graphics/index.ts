/**
 * Charts for Model Cards, drawn as PNG in pure TypeScript: no native modules, no system fonts,
 * no network. The same input always gives the same bytes. Every text (titles, axis captions,
 * labels) comes from the caller, already in the reader's language.
 */

export { barChartPng, groupedBarChartPng, MAX_BARS } from './bar-chart.js';
export type { BarChartInput, BarItem, BarSeries, GroupedBarChartInput, ValueAxisOptions } from './bar-chart.js';
export { confusionMatrixPng, MAX_CLASSES } from './confusion-matrix.js';
export type { ConfusionMatrixInput } from './confusion-matrix.js';

/** The bare base64 a Model Card graphic's `image` field holds (no `data:` prefix). */
export function toBase64(png: Uint8Array): string {
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
}
