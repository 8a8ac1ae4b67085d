// Render time of the Model Card charts. Run after `npm run build`:
//   node bench/charts.mjs
// Each chart is laid out as SVG, rasterised at 2x by resvg and annotated (alt text and data table
// inside the PNG). Prints the module load, resvg's load (paid on the first chart), the first and
// the median of later renders of each chart, and the four charts of a real train-penguins result
// next to that run's training time, the budget charts must stay well inside.
import { performance } from 'node:perf_hooks';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
// CPU time of this process: unlike wall time, barely moved by other processes sharing the machine.
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

let start = performance.now();
const graphics = await import('../dist/graphics/index.js');
const loadMs = performance.now() - start;
start = performance.now();
const { createRequire } = await import('node:module');
createRequire(import.meta.url)('@resvg/resvg-js');
const resvgMs = performance.now() - start;
const { barChart, chartPng, confusionMatrix, intervalChart, stripChart } = graphics;

const estimate = (value, lower, upper) => ({ value, lower, upper });
const charts = {
  'confusion matrix (3 classes)': () =>
    confusionMatrix({
      labels: ['Adelie', 'Chinstrap', 'Gentoo'],
      matrix: [[31, 0, 0], [1, 17, 0], [0, 0, 18]],
      title: 'Confusion matrix (test rows)',
      lang: 'en',
      axisLabels: { trueLabel: 'True species', predictedLabel: 'Predicted species' },
    }),
  'per-class P/R/F1 with intervals': () =>
    intervalChart({
      title: 'Precision, recall and F1 per species with 95% intervals (test rows)',
      lang: 'en',
      categories: ['Adelie', 'Chinstrap', 'Gentoo'],
      categoryHeading: 'Species',
      series: [
        { name: 'Precision', estimates: [estimate(0.969, 0.867, 0.997), estimate(1, 0.873, 1), estimate(1, 0.872, 1)] },
        { name: 'Recall', estimates: [estimate(1, 0.924, 1), estimate(0.944, 0.775, 0.994), estimate(1, 0.864, 1)] },
        { name: 'F1', estimates: [estimate(0.984, 0.916, 0.996), estimate(0.971, 0.85, 0.994), estimate(1, 0.894, 1)] },
      ],
      ceiling: 1,
    }),
  'cross-validation spread (5x15)': () =>
    stripChart({
      title: 'Cross-validation scores: 15 fits (5 folds × 3 repeats)',
      lang: 'en',
      labelHeading: 'Metric',
      rows: ['Accuracy', 'F1 (macro)', 'F1 (weighted)', 'Precision (macro)', 'Recall (macro)'].map((label, r) => ({
        label,
        values: Array.from({ length: 15 }, (_, i) => 1 - ((i * 7 + r * 3) % 11) * 0.006),
      })),
      ceiling: 1,
    }),
  'feature importance (8 bars)': () =>
    barChart({
      title: 'Feature importance',
      lang: 'en',
      labelHeading: 'Feature',
      valueHeading: 'Importance',
      sort: 'descending',
      items: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island_Dream', 'island_Torgersen', 'sex_male', 'year'].map((label, i) => ({
        label,
        value: 0.4 / (i + 1),
      })),
    }),
};

const rows = [];
let coldTotal = 0;
let warmTotal = 0;
let cpuTotal = 0;
for (const [name, make] of Object.entries(charts)) {
  start = performance.now();
  const png = await chartPng(make());
  const cold = performance.now() - start;
  const warm = [];
  const cpu = [];
  for (let i = 0; i < 15; i += 1) {
    start = performance.now();
    const before = process.cpuUsage();
    await chartPng(make());
    cpu.push(cpuMs(before));
    warm.push(performance.now() - start);
  }
  coldTotal += cold;
  warmTotal += median(warm);
  cpuTotal += median(cpu);
  rows.push(
    `${name.padEnd(34)} ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}  ${String(png.length).padStart(7)} B  first ${cold.toFixed(1).padStart(6)} ms  median ${median(warm).toFixed(1).padStart(5)} ms (CPU ${median(cpu).toFixed(1).padStart(5)} ms)`,
  );
}
console.log(`module load ${loadMs.toFixed(1)} ms, resvg load ${resvgMs.toFixed(1)} ms`);
console.log(rows.join('\n'));
console.log(`four charts: first ${coldTotal.toFixed(1)} ms, then ${warmTotal.toFixed(1)} ms (CPU ${cpuTotal.toFixed(1)} ms)`);
console.log(`load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores: wall times above include waiting for them`);

// The charts of a real run, next to its training time.
const { trainAndEvaluate } = await import('../dist/train/index.js');
const { startPenguinCharts } = await import('../dist/card/presets/penguin-graphics.js');
const result = await trainAndEvaluate();
const times = [];
for (let i = 0; i < 5; i += 1) {
  start = performance.now();
  await startPenguinCharts(result, 'en').finish(result);
  times.push(performance.now() - start);
}
const charted = median(times);
const trained = result.timings.totalMs;
console.log(
  `train-penguins result (default 5x3 cross-validation): training and evaluation ${trained.toFixed(0)} ms, its four charts ${charted.toFixed(0)} ms ` +
    `(${((100 * charted) / trained).toFixed(0)}% of it; at 10x faster training, ${((100 * charted) / (trained / 10)).toFixed(0)}%)`,
);
