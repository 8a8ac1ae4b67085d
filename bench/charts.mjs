// Render time of the three model-card charts. Run after `npm run build`:
//   node bench/charts.mjs
// Prints the first (cold: module load, JIT warm-up) and the median of later renders.
import { performance } from 'node:perf_hooks';

const loadStart = performance.now();
const { barChartPng, confusionMatrixPng, groupedBarChartPng } = await import('../dist/graphics/index.js');
const loadMs = performance.now() - loadStart;

const charts = {
  'confusion matrix (3 classes)': () =>
    confusionMatrixPng({
      labels: ['Adelie', 'Chinstrap', 'Gentoo'],
      matrix: [[44, 1, 0], [2, 18, 0], [0, 0, 38]],
      title: 'Confusion matrix (test set)',
    }),
  'feature importance (8 bars)': () =>
    barChartPng({
      title: 'Feature importance',
      sort: 'descending',
      items: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island_Dream', 'island_Torgersen', 'sex_male', 'year']
        .map((label, i) => ({ label, value: 0.4 / (i + 1) })),
    }),
  'per-class precision/recall/F1': () =>
    groupedBarChartPng({
      title: 'Precision, recall and F1 per class',
      domain: [0, 1],
      categories: ['Adelie', 'Chinstrap', 'Gentoo'],
      series: [
        { name: 'Precision', values: [0.957, 0.947, 1] },
        { name: 'Recall', values: [0.978, 0.9, 1] },
        { name: 'F1', values: [0.967, 0.923, 1] },
      ],
    }),
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rows = [];
let coldTotal = 0;
let warmTotal = 0;
for (const [name, render] of Object.entries(charts)) {
  let start = performance.now();
  const png = render();
  const cold = performance.now() - start;
  const warm = [];
  for (let i = 0; i < 20; i += 1) {
    start = performance.now();
    render();
    warm.push(performance.now() - start);
  }
  coldTotal += cold;
  warmTotal += median(warm);
  rows.push(`${name.padEnd(32)} ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}  ${String(png.length).padStart(6)} B  first ${cold.toFixed(1).padStart(5)} ms  median ${median(warm).toFixed(1).padStart(5)} ms`);
}
console.log(`module load ${loadMs.toFixed(1)} ms`);
console.log(rows.join('\n'));
console.log(`three charts: first ${coldTotal.toFixed(1)} ms, then ${warmTotal.toFixed(1)} ms`);
