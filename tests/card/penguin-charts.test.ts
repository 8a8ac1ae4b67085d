import { describe, expect, it } from 'vitest';
import { startPenguinCharts } from '../../src/card/presets/penguin-graphics.js';
import { readPngInfo } from '../../src/graphics/png-metadata.js';
import { crossValidateTrained, trainAndTest } from '../../src/train/index.js';
import { decodePng } from '../graphics/png-decoder.js';

const options = { forest: { nEstimators: 10 }, crossValidation: { folds: 3, repeats: 1 } };
const tested = await trainAndTest(options);

describe('the penguin charts, started before cross-validation', () => {
  it('are finished with the cross-validation chart in card order, as valid PNGs that carry their text', async () => {
    const drawing = startPenguinCharts(tested, 'es');
    const result = await crossValidateTrained(tested, options);
    const charts = await drawing.finish(result);
    expect(charts.map((chart) => chart.file)).toEqual(['confusion_matrix.png', 'per_class_metrics.png', 'cross_validation.png', 'feature_importance.png']);
    expect(charts[2]?.name).toBe('Puntuaciones de la validación cruzada: 3 ajustes (3 particiones × 1 repetición)');
    for (const chart of charts) {
      // An independent decoder: signature, every CRC, chunk order, scanlines.
      const image = decodePng(chart.png);
      expect(image.colourType).toBe(6);
      expect(image.chunkTypes.slice(0, 5)).toEqual(['IHDR', 'pHYs', 'iTXt', 'iTXt', 'IDAT']);
      // Opaque white where nothing is drawn (the top-left corner).
      expect(image.rgb(0, 0)).toEqual([255, 255, 255]);
      const info = readPngInfo(chart.png);
      expect(info?.pixelRatio).toBe(2);
      expect(info?.texts.get('Description')?.language).toBe('es');
      expect(JSON.parse(info?.texts.get('mlflow-mct.table')?.text ?? 'null')).toHaveProperty('columns');
    }
  });

  it('are three when the result has no cross-validation', async () => {
    const charts = await startPenguinCharts(tested, 'en').finish(tested);
    expect(charts.map((chart) => chart.file)).toEqual(['confusion_matrix.png', 'per_class_metrics.png', 'feature_importance.png']);
  });
});
