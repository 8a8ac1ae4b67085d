import { barChart, chartPng, confusionMatrix, intervalChart, stripChart, toBase64, type Chart } from '../../graphics/index.js';
import { classIntervals } from '../../train/class-intervals.js';
import type { CvMetric, TrainingResult } from '../../train/index.js';
import type { Lang } from '../labels.js';
import type { Graphic } from '../schema.js';

/** A chart of a training result: its name in the card and its PNG bytes (also logged to MLflow). */
export interface NamedChart {
  name: string;
  /** File name for the PNG artifact. */
  file: string;
  png: Buffer;
}

interface ChartTexts {
  confusion: string;
  trueLabel: string;
  predicted: string;
  perClass: string;
  species: string;
  support: string;
  score: string;
  series: [precision: string, recall: string, f1: string];
  crossValidation: (fits: number, folds: number, repeats: number) => string;
  metric: string;
  cvMetrics: Record<CvMetric, string>;
  importance: string;
  feature: string;
  importanceHeading: string;
  importanceAxis: string;
}

const TEXTS: Record<Lang, ChartTexts> = {
  en: {
    confusion: 'Confusion matrix (test rows)',
    trueLabel: 'True species',
    predicted: 'Predicted species',
    perClass: 'Precision, recall and F1 per species with 95% intervals (test rows)',
    species: 'Species',
    support: 'Support (test rows)',
    score: 'Score',
    series: ['Precision', 'Recall', 'F1'],
    crossValidation: (fits, folds, repeats) => `Cross-validation scores: ${fits} fits (${folds} folds × ${repeats} ${repeats === 1 ? 'repeat' : 'repeats'})`,
    metric: 'Metric',
    cvMetrics: { accuracy: 'Accuracy', f1_macro: 'F1 (macro)', f1_weighted: 'F1 (weighted)', precision_macro: 'Precision (macro)', recall_macro: 'Recall (macro)' },
    importance: 'Feature importance',
    feature: 'Feature',
    importanceHeading: 'Importance',
    importanceAxis: 'Mean decrease in impurity (normalized)',
  },
  es: {
    confusion: 'Matriz de confusión (filas de prueba)',
    trueLabel: 'Especie real',
    predicted: 'Especie predicha',
    perClass: 'Precisión, exhaustividad y F1 por especie con intervalos del 95 % (filas de prueba)',
    species: 'Especie',
    support: 'Soporte (filas de prueba)',
    score: 'Puntuación',
    series: ['Precisión', 'Exhaustividad', 'F1'],
    crossValidation: (fits, folds, repeats) => `Puntuaciones de la validación cruzada: ${fits} ajustes (${folds} particiones × ${repeats} ${repeats === 1 ? 'repetición' : 'repeticiones'})`,
    metric: 'Métrica',
    cvMetrics: { accuracy: 'Exactitud', f1_macro: 'F1 (macro)', f1_weighted: 'F1 (ponderada)', precision_macro: 'Precisión (macro)', recall_macro: 'Exhaustividad (macro)' },
    importance: 'Importancia de las variables',
    feature: 'Variable',
    importanceHeading: 'Importancia',
    importanceAxis: 'Disminución media de la impureza (normalizada)',
  },
};

/** Charts being drawn; `finish` adds what cross-validation found and gives them all, in card order. */
export interface PenguinChartsInProgress {
  finish(result: TrainingResult): Promise<NamedChart[]>;
}

/**
 * Starts drawing the charts of a tested model (confusion matrix, per-class metrics, feature
 * importance). They render on libuv's thread pool, so a caller that cross-validates meanwhile
 * has them for free on a second core; `finish` draws the cross-validation chart, when the
 * result has one, and returns the four.
 */
export function startPenguinCharts(tested: TrainingResult, lang: Lang): PenguinChartsInProgress {
  const texts = TEXTS[lang];
  const perClass = tested.test.perClass;
  const intervals = classIntervals(tested.test.confusionMatrix);
  const estimate = (value: number, interval: { lower: number; upper: number }) => ({
    value,
    lower: Math.min(value, interval.lower),
    upper: Math.max(value, interval.upper),
  });
  const draw = (file: string, chart: Chart): Promise<NamedChart> => chartPng(chart).then((png) => ({ name: chart.title, file, png }));
  const confusion = draw(
    'confusion_matrix.png',
    confusionMatrix({
      labels: tested.test.confusionMatrix.labels,
      matrix: tested.test.confusionMatrix.matrix,
      title: texts.confusion,
      lang,
      axisLabels: { trueLabel: texts.trueLabel, predictedLabel: texts.predicted },
    }),
  );
  const metrics = draw(
    'per_class_metrics.png',
    intervalChart({
      title: texts.perClass,
      lang,
      categories: perClass.map((entry) => entry.label),
      categoryHeading: texts.species,
      series: (['precision', 'recall', 'f1'] as const).map((metric, s) => ({
        name: texts.series[s] ?? metric,
        estimates: perClass.map((entry, c) => estimate(entry[metric], intervals[c]![metric])),
      })),
      extraColumns: [{ heading: texts.support, values: perClass.map((entry) => String(entry.support)) }],
      axisLabel: texts.score,
      ceiling: 1,
    }),
  );
  const importance = draw(
    'feature_importance.png',
    barChart({
      title: texts.importance,
      lang,
      items: tested.featureImportance.map((entry) => ({ label: entry.feature, value: entry.importance })),
      sort: 'descending',
      labelHeading: texts.feature,
      valueHeading: texts.importanceHeading,
      axisLabel: texts.importanceAxis,
    }),
  );
  const started = Promise.all([confusion, metrics, importance]);
  // A failure is reported by `finish`; until then it must not count as an unhandled rejection.
  started.catch(() => undefined);
  return {
    async finish(result) {
      const cv = result.crossValidation;
      const spread = cv
        ? draw(
            'cross_validation.png',
            stripChart({
              title: texts.crossValidation(cv.fits, cv.folds, cv.repeats),
              lang,
              labelHeading: texts.metric,
              rows: (Object.keys(texts.cvMetrics) as CvMetric[]).map((metric) => ({ label: texts.cvMetrics[metric], values: cv.metrics[metric].values })),
              axisLabel: texts.score,
              ceiling: 1,
            }),
          )
        : undefined;
      const [[first, second, last], spreadChart] = await Promise.all([started, spread]);
      return [first, second, ...(spreadChart ? [spreadChart] : []), last];
    },
  };
}

/** The charts as MCT graphics (bare base64 PNG). */
export function chartsAsGraphics(charts: readonly NamedChart[]): Graphic[] {
  return charts.map((chart) => ({ name: chart.name, image: toBase64(chart.png) }));
}
