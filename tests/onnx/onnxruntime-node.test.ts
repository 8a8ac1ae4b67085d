/**
 * The ONNX file `train-penguins` logs, run in onnxruntime-node on all 333 complete penguins: the
 * labels and probabilities are the forest's own (ForestScorer, which `serve` and `predict` use).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { forestToOnnx } from '../../src/onnx/forest-graph.js';
import { ForestScorer } from '../../src/onnx/scorer.js';
import { loadPenguins } from '../../src/train/data.js';
import { trainAndEvaluate } from '../../src/train/index.js';
import { PENGUIN_COLUMNS, penguinRecords } from '../../src/workflows/penguin-model.js';

describe('the penguin ONNX model in onnxruntime-node', () => {
  it('gives the forest labels and probabilities on every penguin', { timeout: 120_000 }, async () => {
    const { model } = await trainAndEvaluate({ crossValidation: false, workers: 0 });
    const penguins = await loadPenguins();
    const records = penguinRecords(penguins.X, penguins.featureNames);
    expect(records).toHaveLength(333);

    const session = await ort.InferenceSession.create(forestToOnnx(model, { columns: PENGUIN_COLUMNS, graphName: 'penguins', producerVersion: '0.0.0' }));
    const feeds = Object.fromEntries(
      PENGUIN_COLUMNS.map((column) => {
        const values = records.map((record) => record[column.name]!);
        return [column.name, column.kind === 'number' ? new ort.Tensor('float64', Float64Array.from(values as number[]), [values.length, 1]) : new ort.Tensor('string', values as string[], [values.length, 1])];
      }),
    );
    const outputs = await session.run(feeds);
    const expected = new ForestScorer(model, PENGUIN_COLUMNS).score(records.map((record) => PENGUIN_COLUMNS.map((column) => record[column.name]!)));

    expect(Array.from(outputs.label!.data as string[])).toEqual(expected.labels);
    expect(outputs.probabilities!.dims).toEqual([333, 3]);
    const probabilities = outputs.probabilities!.data as Float32Array;
    // Both are float32 sums of the same double leaf weights; onnxruntime may add the trees in another
    // order on more threads, so allow one float32 step (measured here: bit-identical).
    const largest = Math.max(...Array.from(probabilities, (p, i) => Math.abs(p - expected.probabilities[i]!)));
    expect(largest).toBeLessThanOrEqual(2 ** -23);
    expect(model.predict(penguins.X)).toEqual(expected.labels);
  });
});
