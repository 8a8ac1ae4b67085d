import { barChart, chartPng, confusionMatrix, intervalChart, stripChart, toBase64 } from '../../graphics/index.js';
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

/** The charts of a training result: confusion matrix, per-class metrics, cross-validation spread, feature importance. */
export async function penguinCharts(result: TrainingResult, lang: Lang): Promise<NamedChart[]> {
  const texts = TEXTS[lang];
  const perClass = result.test.perClass;
  const intervals = classIntervals(result.test.confusionMatrix);
  const estimate = (value: number, interval: { lower: number; upper: number }) => ({
    value,
    lower: Math.min(value, interval.lower),
    upper: Math.max(value, interval.upper),
  });
  const charts = [
    {
      file: 'confusion_matrix.png',
      chart: confusionMatrix({
        labels: result.test.confusionMatrix.labels,
        matrix: result.test.confusionMatrix.matrix,
        title: texts.confusion,
        lang,
        axisLabels: { trueLabel: texts.trueLabel, predictedLabel: texts.predicted },
      }),
    },
    {
      file: 'per_class_metrics.png',
      chart: intervalChart({
        title: texts.perClass,
        lang,
        categories: perClass.map((metrics) => metrics.label),
        categoryHeading: texts.species,
        series: (['precision', 'recall', 'f1'] as const).map((metric, s) => ({
          name: texts.series[s] ?? metric,
          estimates: perClass.map((metrics, c) => estimate(metrics[metric], intervals[c]![metric])),
        })),
        extraColumns: [{ heading: texts.support, values: perClass.map((metrics) => String(metrics.support)) }],
        axisLabel: texts.score,
        ceiling: 1,
      }),
    },
    ...(result.crossValidation
      ? [
          {
            file: 'cross_validation.png',
            chart: stripChart({
              title: texts.crossValidation(result.crossValidation.fits, result.crossValidation.folds, result.crossValidation.repeats),
              lang,
              labelHeading: texts.metric,
              rows: (Object.keys(texts.cvMetrics) as CvMetric[]).map((metric) => ({ label: texts.cvMetrics[metric], values: result.crossValidation!.metrics[metric].values })),
              axisLabel: texts.score,
              ceiling: 1,
            }),
          },
        ]
      : []),
    {
      file: 'feature_importance.png',
      chart: barChart({
        title: texts.importance,
        lang,
        items: result.featureImportance.map((entry) => ({ label: entry.feature, value: entry.importance })),
        sort: 'descending',
        labelHeading: texts.feature,
        valueHeading: texts.importanceHeading,
        axisLabel: texts.importanceAxis,
      }),
    },
  ];
  return Promise.all(charts.map(async ({ file, chart }) => ({ name: chart.title, file, png: await chartPng(chart) })));
}

/** The charts as MCT graphics (bare base64 PNG). */
export function chartsAsGraphics(charts: readonly NamedChart[]): Graphic[] {
  return charts.map((chart) => ({ name: chart.name, image: toBase64(chart.png) }));
}
