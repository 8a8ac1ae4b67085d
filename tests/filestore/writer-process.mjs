// A separate process that records one run into a local store through the built package, as a
// command would: `node writer-process.mjs <store> <experiment> <run name> <batches> <registered model>`.
// It prints "batch <n>" after each logged batch so a test can kill it part-way.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient } from '../../dist/mlflow/client.js';
import { FileStore } from '../../dist/mlflow/file-store/index.js';

const [store, experiment, runName, batchesText, registeredModel] = process.argv.slice(2);
const batches = Number(batchesText);
const client = new MlflowClient(new FileStore(store));
const experimentId = await client.getOrCreateExperiment(experiment);
const run = await client.createRun({ experimentId, runName, startTime: Date.now() });
const runId = run.info.runId;
process.stdout.write(`run ${runId}\n`);
for (let batch = 0; batch < batches; batch += 1) {
  const metrics = Array.from({ length: 10 }, (_, i) => ({ key: `m${i}`, value: batch + i / 10, timestamp: 1_700_000_000_000 + batch, step: batch }));
  await client.logBatch(runId, { metrics, params: batch === 0 ? { writer: runName } : undefined, tags: { progress: String(batch) } });
  process.stdout.write(`batch ${batch}\n`);
}
const scratch = await mkdtemp(join(tmpdir(), 'mlflow-mct-writer-'));
await writeFile(join(scratch, 'model.txt'), runName);
const logged = await client.logModel({ runId, name: 'model', modelDir: scratch, flavors: { python_function: { loader_module: 'x' } } });
const version = await client.registerModel(logged.modelUri, registeredModel, { description: runName });
await client.endRun(runId, 'FINISHED');
process.stdout.write(`done ${runId} ${version.version}\n`);
