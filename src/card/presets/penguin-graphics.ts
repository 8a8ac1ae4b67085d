import { barChartPng, confusionMatrixPng, groupedBarChartPng, toBase64 } from '../../graphics/index.js';
import type { TrainingResult } from '../../train/index.js';
import type { Lang } from '../labels.js';
import type { Graphic } from '../schema.js';

/** A chart of a training result: its name in the card and its PNG bytes (also logged to MLflow). */
export interface NamedChart {
  name: string;
  /** File name for the PNG artifact. */
  file: string;
  png: Buffer;
}

const TITLES: Record<Lang, { confusion: string; trueLabel: string; predicted: string; perClass: string; importance: string; importanceAxis: string }> = {
  en: {
    confusion: 'Confusion matrix (test rows)',
    trueLabel: 'True species',
    predicted: 'Predicted species',
    perClass: 'Precision, recall and F1 per species (test rows)',
    importance: 'Feature importance',
    importanceAxis: 'Mean decrease in impurity (normalized)',
  },
  es: {
    confusion: 'Matriz de confusión (filas de prueba)',
    trueLabel: 'Especie real',
    predicted: 'Especie predicha',
    perClass: 'Precisión, exhaustividad y F1 por especie (filas de prueba)',
    importance: 'Importancia de las variables',
    importanceAxis: 'Disminución media de la impureza (normalizada)',
  },
};

export function penguinCharts(result: TrainingResult, lang: Lang): NamedChart[] {
  const titles = TITLES[lang];
  const perClass = result.test.perClass;
  const seriesNames = lang === 'es' ? ['Precisión', 'Exhaustividad', 'F1'] : ['Precision', 'Recall', 'F1'];
  return [
    {
      name: titles.confusion,
      file: 'confusion_matrix.png',
      png: confusionMatrixPng({
        labels: result.test.confusionMatrix.labels,
        matrix: result.test.confusionMatrix.matrix,
        title: titles.confusion,
        axisLabels: { trueLabel: titles.trueLabel, predictedLabel: titles.predicted },
      }),
    },
    {
      name: titles.perClass,
      file: 'per_class_metrics.png',
      png: groupedBarChartPng({
        categories: perClass.map((metrics) => metrics.label),
        series: [
          { name: seriesNames[0]!, values: perClass.map((metrics) => metrics.precision) },
          { name: seriesNames[1]!, values: perClass.map((metrics) => metrics.recall) },
          { name: seriesNames[2]!, values: perClass.map((metrics) => metrics.f1) },
        ],
        title: titles.perClass,
        domain: [0, 1],
        valueFormat: (value) => value.toFixed(3),
      }),
    },
    {
      name: titles.importance,
      file: 'feature_importance.png',
      png: barChartPng({
        items: result.featureImportance.map((entry) => ({ label: entry.feature, value: entry.importance })),
        title: titles.importance,
        sort: 'descending',
        axisLabel: titles.importanceAxis,
        valueFormat: (value) => value.toFixed(3),
      }),
    },
  ];
}

/** The charts as MCT graphics (bare base64 PNG). */
export function chartsAsGraphics(charts: readonly NamedChart[]): Graphic[] {
  return charts.map((chart) => ({ name: chart.name, image: toBase64(chart.png) }));
}
