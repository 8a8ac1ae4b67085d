// mlflow-mct side of the scale rows of bench/train.mjs, as JSON on stdout (a process of its own, so
// its peak memory is its own). Times are wall-clock milliseconds.
//   node bench/train-scale.mjs CSV WORKERS [--held-out]
// 100 trees on every row of CSV on WORKERS threads (0: the calling thread), then with --held-out
// the accuracy of a forest trained on the 80/20 split `train_test_split(test_size=0.2,
// random_state=42)` makes of the same rows.
const train = await import('../dist/train/index.js');

const [path, workersText] = process.argv.slice(2);
const workers = Number(workersText);
const heldOut = process.argv.includes('--held-out');

let start = performance.now();
const data = await train.loadPenguins(path);
const loadMs = performance.now() - start;

const grower = train.createTreeGrower(workers);
start = performance.now();
const cpu = process.cpuUsage();
await train.trainForest(data.X, data.y, data.featureNames, {}, { grower });
const fitMs = performance.now() - start;
const { user, system } = process.cpuUsage(cpu);
const result = { rows: data.X.length, workers: grower.workers, loadMs, fitMs, cpuMs: (user + system) / 1000, peakMb: process.resourceUsage().maxRSS / 1024 };

if (heldOut) {
  const split = train.trainTestSplit(data.y, { testSize: 0.2, seed: 42, stratify: false });
  const pick = (positions) => ({ X: positions.map((p) => data.X[p]), y: positions.map((p) => data.y[p]) });
  const fit = pick(split.train);
  const test = pick(split.test);
  const model = await train.trainForest(fit.X, fit.y, data.featureNames, {}, { grower });
  result.heldOutAccuracy = train.classificationReport(test.y, model.predict(test.X), data.classes).accuracy;
}
await grower.close();
console.log(JSON.stringify(result));
