/**
 * The worker-thread path runs only from the built package (the worker entry is compiled
 * JavaScript), so these tests drive dist/, which `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPenguins } from '../../src/train/data.js';
import { trainTestSplit } from '../../src/train/split.js';
import { trainForest } from '../../src/train/forest.js';
import { workerEntryAvailable } from '../../src/train/grower.js';

const distIndex = new URL('../../dist/train/index.js', import.meta.url);
const built = existsSync(fileURLToPath(distIndex));
// Without a build the worker path cannot run; CI always builds, so there it must not be skipped.
const skipWithoutBuild = !built && process.env.CI !== 'true';

type Dist = typeof import('../../src/train/index.js');

const penguins = await loadPenguins();
const split = trainTestSplit(penguins.y, { testSize: 0.2, seed: 42, stratify: false });
const X = split.train.map((p) => penguins.X[p]!);
const y = split.train.map((p) => penguins.y[p]!);
const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('tree growing on the calling thread when running from TypeScript sources', () => {
  it('finds no compiled worker entry next to the sources', () => {
    expect(workerEntryAvailable()).toBe(false);
  });
});

describe.skipIf(skipWithoutBuild)('worker threads from the built package (dist/, built by `npm run build`)', () => {
  it('finds the compiled worker entry and starts the threads asked for', async () => {
    const dist = await load();
    expect(dist.workerEntryAvailable()).toBe(true);
    const grower = dist.createTreeGrower(2);
    expect(grower.workers).toBe(2);
    await grower.close();
  });

  it('grows the same forest on two workers as on the calling thread, reporting every tree', async () => {
    const dist = await load();
    const grower = dist.createTreeGrower(2);
    const progress: number[] = [];
    try {
      const onWorkers = await dist.trainForest(X, y, penguins.featureNames, { nEstimators: 40 }, { grower, onTree: (done) => progress.push(done) });
      const inThread = await trainForest(X, y, penguins.featureNames, { nEstimators: 40 });
      expect(sha(onWorkers.toJSON())).toBe(sha(inThread.toJSON()));
      expect(progress).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await grower.close();
    }
  });

  it('turns a failure inside a worker into a RuntimeFailure and stays usable', async () => {
    const dist = await load();
    const grower = dist.createTreeGrower(2);
    try {
      const { buildTrainingMatrix } = (await import(fileURLToPath(new URL('../../dist/train/matrix.js', import.meta.url)))) as typeof import('../../src/train/matrix.js');
      const data = buildTrainingMatrix([[0], [1], [2], [3]], [0, 1, 0, 1], 2, true);
      const settings = { maxFeatures: 1, maxDepth: Infinity, minSamplesSplit: 2, minSamplesLeaf: 1, bootstrap: true };
      const failure = grower.grow(data, settings, [{ index: 0, seed: 1 }, { index: 1, seed: -1 }, { index: 2, seed: 2 }], () => {});
      await expect(failure).rejects.toMatchObject({ name: 'RuntimeFailure', exitCode: 1 });
      await expect(failure).rejects.toThrow(/growing a tree failed: a seed must be an integer/);
      const grown: number[] = [];
      await grower.grow(data, settings, [{ index: 0, seed: 1 }, { index: 1, seed: 2 }], (tree) => grown.push(tree.index));
      expect(grown.sort()).toEqual([0, 1]);
    } finally {
      await grower.close();
    }
  });

  it.each([
    ['', []],
    [' started with a V8 flag a worker may not take', ['--max-semi-space-size=32']],
  ])('trains and evaluates in a plain node process (as the CLI does) with workers, then exits%s', async (_, nodeFlags) => {
    const script = `
      const { trainAndEvaluate } = await import(${JSON.stringify(fileURLToPath(distIndex))});
      const { createHash } = await import('node:crypto');
      const result = await trainAndEvaluate({ workers: 2, crossValidation: { folds: 3, repeats: 1 }, forest: { nEstimators: 20 } });
      console.log(JSON.stringify({
        workers: result.workers,
        accuracy: result.test.accuracy,
        folds: result.crossValidation.fits,
        model: createHash('sha256').update(JSON.stringify(result.model.toJSON())).digest('hex'),
      }));`;
    // A worker handed the parent's --max-semi-space-size refuses to start (ERR_WORKER_INVALID_EXEC_ARGV).
    const child = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const reported = JSON.parse(child.stdout) as { workers: number; accuracy: number; folds: number; model: string };
    const inThread = await trainForest(X, y, penguins.featureNames, { nEstimators: 20 });
    expect(reported).toEqual({ workers: 2, accuracy: reported.accuracy, folds: 3, model: sha(inThread.toJSON()) });
    expect(reported.accuracy).toBeGreaterThanOrEqual(0.94);
  });
});

function load() {
  return import(fileURLToPath(distIndex)) as Promise<Dist>;
}
