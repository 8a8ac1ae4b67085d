import { classIntervals } from '../../train/class-intervals.js';
import { sklearnParam, type TrainingResult } from '../../train/index.js';
import type { CardExtras } from '../extras.js';
import type { Lang } from '../labels.js';
import type { Graphic, ModelCard, PerformanceMetric } from '../schema.js';

/** Where the trained model went, for the card's references; all optional (dry runs have none). */
export interface PenguinCardReferences {
  /** Model version name (semver), e.g. 0.1.0. */
  modelVersion: string;
  runId?: string;
  /** A link people can open: the run in the MLflow UI, or the local store's path. */
  runLink?: string;
  /** Where the model artifacts live, e.g. runs:/<id>/model. */
  modelUri?: string;
  registeredName?: string;
  registeredVersion?: string;
  /** What changed since the previous registered version. */
  versionDiff?: string;
}

const PENGUINS_DATA_LINK = 'https://allisonhorst.github.io/palmerpenguins/';
const GORMAN_2014 =
  'Gorman KB, Williams TD, Fraser WR (2014). Ecological sexual dimorphism and environmental variability within a community of Antarctic penguins (genus Pygoscelis). PLoS ONE 9(3): e90081. https://doi.org/10.1371/journal.pone.0090081';
const HORST_2020 =
  'Horst AM, Hill AP, Gorman KB (2020). palmerpenguins: Palmer Archipelago (Antarctica) penguin data. R package version 0.1.0. https://allisonhorst.github.io/palmerpenguins/. doi: 10.5281/zenodo.3960218';

/** The `mlflow.source.name` of train-penguins runs: how a card built from MLflow recognises them. */
export const PENGUINS_SOURCE_NAME = 'mlflow-mct train-penguins';

/** The Hub metadata of the penguin classifier (what MCT has no field for). */
export const PENGUIN_CARD_EXTRAS: CardExtras = {
  hub: { pipeline_tag: 'tabular-classification', tags: ['tabular-classification', 'random-forest', 'palmer-penguins'] },
};

/** Metric values in the card: four decimals, as the seed script rounded accuracy. */
function metricText(value: number): string {
  return value.toFixed(4);
}

interface PenguinTexts {
  name: string;
  overview: string;
  documentation: (result: TrainingResult) => string;
  architecture: (result: TrainingResult) => string;
  input: (result: TrainingResult) => string;
  output: (result: TrainingResult) => string;
  featureDescription: (feature: string) => string;
  classDescription: (label: string, support: number) => string;
  trainingSet: (result: TrainingResult) => { name: string; description: string };
  testSet: (result: TrainingResult) => { name: string; description: string };
  graphicsDescription: string;
  users: string[];
  useCases: string[];
  limitations: (result: TrainingResult) => string[];
  tradeoffs: string[];
  risks: Array<[risk: string, mitigation: string]>;
  runReference: (runId: string) => string;
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([label, count]) => `${label} ${count}`)
    .join(', ');
}

/** The scikit-learn call of a split description ("train_test_split(...): 266 training / 67 test rows, ..."), which reads the same in any language. */
function splitCall(description: string): string {
  return description.slice(0, description.indexOf('): ') + 1) || description;
}

function featureUnit(feature: string): string | undefined {
  return /_mm$/.test(feature) ? 'mm' : /_g$/.test(feature) ? 'g' : undefined;
}

const TEXTS: Record<Lang, PenguinTexts> = {
  en: {
    name: 'Penguin Species Classifier',
    overview: "Random forest trained to predict a penguin's species from its measurements, island, sex and year.",
    documentation: (result) =>
      [
        `Trained on ${result.split.trainRows} rows and evaluated on ${result.split.testRows} held-out rows of ${result.data.source.split(/[\\/]/).pop()} (sha256 ${result.data.sha256}).`,
        `${result.data.rowsDropped} of ${result.data.rowsTotal} rows had a missing value and were dropped.`,
        `Split: ${result.split.description}.`,
        result.crossValidation ? `Cross-validation: ${result.crossValidation.scheme}.` : 'Cross-validation was skipped.',
        'The accuracy interval is a Wilson 95% score interval over the test rows.',
      ].join(' '),
    architecture: (result) => {
      const h = result.hyperparameters;
      return `Random forest of ${h.nEstimators} CART trees (Gini), scikit-learn's RandomForestClassifier algorithm: bootstrap=${sklearnParam(h.bootstrap)}, max_features=${sklearnParam(h.maxFeatures)} (${h.featuresPerSplit} of ${result.data.featureNames.length} features drawn at each split), max_depth=${sklearnParam(h.maxDepth)}, min_samples_split=${h.minSamplesSplit}, min_samples_leaf=${h.minSamplesLeaf}, random_state=${h.randomState}; class probabilities averaged over the trees.`;
    },
    input: (result) => `${result.data.featureNames.length} numeric features, one row per penguin (categorical columns one-hot encoded as pandas get_dummies(drop_first=True) does).`,
    output: (result) => `The predicted species, one of ${result.data.classes.join(', ')}.`,
    featureDescription: (feature) => {
      const unit = featureUnit(feature);
      if (unit) return `number (${unit})`;
      if (feature === 'year') return 'integer (year of observation)';
      const [column, category] = feature.split(/_(.+)/);
      return `1 if ${column} is ${category}, else 0`;
    },
    classDescription: (label, support) => `species ${label} (${support} test rows)`,
    trainingSet: (result) => ({
      name: 'Palmer Penguins: training rows',
      description: `${result.split.trainRows} rows (${counts(result.data.classCounts.train)}), penguins observed 2007-2009 on Biscoe, Dream and Torgersen islands.`,
    }),
    testSet: (result) => ({
      name: 'Palmer Penguins: evaluation rows',
      description: `${result.split.testRows} held-out rows (${counts(result.data.classCounts.test)}) from the same file, never seen in training.`,
    }),
    graphicsDescription: 'On the test rows: the confusion matrix, and precision, recall and F1 per species with 95% intervals (Jeffreys prior on the counts, Goutte & Gaussier 2005). The spread of the cross-validation scores. Feature importance (mean decrease in impurity). The table under each chart gives its numbers.',
    users: ['Ecologists and students classifying Palmer Archipelago penguins', 'MLOps teams using a small, well-documented model to exercise their tooling'],
    useCases: ['Predicting the species of an adult Adelie, Chinstrap or Gentoo penguin from bill, flipper and body measurements', 'Teaching and testing model training, tracking and documentation'],
    limitations: (result) => [
      `Knows only three species (${result.data.classes.join(', ')}); any other penguin is forced into one of them.`,
      'Trained on three islands of the Palmer Archipelago (Biscoe, Dream, Torgersen); populations elsewhere may differ.',
      'Measurements are from 2007-2009; year is a feature, so later years are extrapolation.',
      `Small evaluation set (${result.split.testRows} rows): read the confidence interval, not only the point accuracy.`,
      'Rows with any missing value are dropped in training; the model needs every feature.',
      'Out of scope: penguins of other species, juveniles or other regions, and any decision about individual animals without an expert check.',
    ],
    tradeoffs: ['More trees give more stable predictions at the cost of training time and model size.'],
    risks: [
      [
        'The data describes wild animals; no personal data is involved, but predictions could be over-trusted in field work.',
        'Use predictions as a check on expert identification, not a replacement; re-validate before use on other populations.',
      ],
    ],
    runReference: (runId) => `MLflow run ${runId}`,
  },
  es: {
    name: 'Clasificador de Especies de Pingüinos',
    overview: 'Bosque aleatorio entrenado para predecir la especie de un pingüino a partir de sus medidas, isla, sexo y año.',
    documentation: (result) =>
      [
        `Entrenado con ${result.split.trainRows} filas y evaluado con ${result.split.testRows} filas reservadas de ${result.data.source.split(/[\\/]/).pop()} (sha256 ${result.data.sha256}).`,
        `Se descartaron ${result.data.rowsDropped} de ${result.data.rowsTotal} filas con algún valor faltante.`,
        `División: ${splitCall(result.split.description)}: ${result.split.trainRows} filas de entrenamiento / ${result.split.testRows} de prueba, las mismas filas que elige scikit-learn con esos argumentos.`,
        result.crossValidation ? `Validación cruzada: ${result.crossValidation.scheme.replace(/ over (\d+) rows$/, ' sobre $1 filas')}.` : 'Se omitió la validación cruzada.',
        'El intervalo de la exactitud es un intervalo de Wilson al 95% sobre las filas de prueba.',
      ].join(' '),
    architecture: (result) => {
      const h = result.hyperparameters;
      return `Bosque aleatorio de ${h.nEstimators} árboles CART (Gini), el algoritmo de RandomForestClassifier de scikit-learn: bootstrap=${sklearnParam(h.bootstrap)}, max_features=${sklearnParam(h.maxFeatures)} (${h.featuresPerSplit} de ${result.data.featureNames.length} variables sorteadas en cada división), max_depth=${sklearnParam(h.maxDepth)}, min_samples_split=${h.minSamplesSplit}, min_samples_leaf=${h.minSamplesLeaf}, random_state=${h.randomState}; probabilidades de clase promediadas entre los árboles.`;
    },
    input: (result) => `${result.data.featureNames.length} variables numéricas, una fila por pingüino (las columnas categóricas codificadas como pandas get_dummies(drop_first=True)).`,
    output: (result) => `La especie predicha: ${result.data.classes.join(', ')}.`,
    featureDescription: (feature) => {
      const unit = featureUnit(feature);
      if (unit) return `número (${unit})`;
      if (feature === 'year') return 'entero (año de observación)';
      const [column, category] = feature.split(/_(.+)/);
      return `1 si ${column} es ${category}, si no 0`;
    },
    classDescription: (label, support) => `especie ${label} (${support} filas de prueba)`,
    trainingSet: (result) => ({
      name: 'Palmer Penguins: filas de entrenamiento',
      description: `${result.split.trainRows} filas (${counts(result.data.classCounts.train)}), pingüinos observados en 2007-2009 en las islas Biscoe, Dream y Torgersen.`,
    }),
    testSet: (result) => ({
      name: 'Palmer Penguins: filas de evaluación',
      description: `${result.split.testRows} filas reservadas (${counts(result.data.classCounts.test)}) del mismo archivo, nunca vistas en el entrenamiento.`,
    }),
    graphicsDescription: 'Sobre las filas de prueba: la matriz de confusión, y la precisión, la exhaustividad y el F1 por especie con intervalos del 95 % (a priori de Jeffreys sobre los recuentos, Goutte y Gaussier 2005). La dispersión de las puntuaciones de la validación cruzada. La importancia de las variables (disminución media de la impureza). La tabla bajo cada gráfico da sus valores.',
    users: ['Ecólogos y estudiantes que clasifican pingüinos del archipiélago Palmer', 'Equipos de MLOps que usan un modelo pequeño y bien documentado para probar sus herramientas'],
    useCases: ['Predecir la especie de un pingüino adulto Adelie, Chinstrap o Gentoo a partir de medidas del pico, la aleta y el peso', 'Enseñar y probar el entrenamiento, el seguimiento y la documentación de modelos'],
    limitations: (result) => [
      `Solo conoce tres especies (${result.data.classes.join(', ')}); cualquier otro pingüino se asigna a una de ellas.`,
      'Entrenado con tres islas del archipiélago Palmer (Biscoe, Dream, Torgersen); otras poblaciones pueden diferir.',
      'Las medidas son de 2007-2009; el año es una variable, así que años posteriores son extrapolación.',
      `Conjunto de evaluación pequeño (${result.split.testRows} filas): lea el intervalo de confianza, no solo la exactitud puntual.`,
      'Las filas con algún valor faltante se descartan; el modelo necesita todas las variables.',
      'Fuera de alcance: pingüinos de otras especies, juveniles u otras regiones, y cualquier decisión sobre animales concretos sin la comprobación de un experto.',
    ],
    tradeoffs: ['Más árboles dan predicciones más estables a costa de tiempo de entrenamiento y tamaño del modelo.'],
    risks: [
      [
        'Los datos describen animales salvajes; no hay datos personales, pero las predicciones podrían usarse con exceso de confianza en el trabajo de campo.',
        'Use las predicciones como comprobación de la identificación experta, no como sustituto; vuelva a validar antes de usarlo con otras poblaciones.',
      ],
    ],
    runReference: (runId) => `Run de MLflow ${runId}`,
  },
};

/** The performance metrics of a training result, in MCT's string form. */
function penguinMetrics(result: TrainingResult): PerformanceMetric[] {
  const test = result.test;
  const metrics: PerformanceMetric[] = [
    {
      type: 'accuracy',
      value: metricText(test.accuracy),
      confidence_interval: { lower_bound: metricText(test.accuracyInterval.lower), upper_bound: metricText(test.accuracyInterval.upper) },
    },
    { type: 'f1_macro', value: metricText(test.macro.f1) },
    { type: 'f1_weighted', value: metricText(test.weighted.f1) },
  ];
  // Per class: each metric with its 95% interval (src/train/class-intervals.ts), and the class's test rows.
  const intervals = classIntervals(test.confusionMatrix);
  test.perClass.forEach((perClass, k) => {
    const interval = intervals[k]!;
    const withInterval = (type: 'precision' | 'recall' | 'f1'): PerformanceMetric => ({
      type,
      value: metricText(perClass[type]),
      slice: perClass.label,
      confidence_interval: {
        lower_bound: metricText(Math.min(perClass[type], interval[type].lower)),
        upper_bound: metricText(Math.max(perClass[type], interval[type].upper)),
      },
    });
    metrics.push(withInterval('precision'), withInterval('recall'), withInterval('f1'), { type: 'support', value: String(perClass.support), slice: perClass.label });
  });
  if (result.crossValidation) {
    for (const [name, summary] of Object.entries(result.crossValidation.metrics)) {
      metrics.push({ type: `${name}_cv_mean`, value: metricText(summary.mean) }, { type: `${name}_cv_std`, value: metricText(summary.std) });
    }
  }
  return metrics;
}

/** The card of a trained penguin classifier: everything comes from the result and the references. */
export function penguinCard(result: TrainingResult, lang: Lang, references: PenguinCardReferences, graphics: Graphic[]): ModelCard {
  const texts = TEXTS[lang];
  const referenceLinks = [
    references.runLink,
    references.registeredName && references.registeredVersion ? `models:/${references.registeredName}/${references.registeredVersion}` : undefined,
    PENGUINS_DATA_LINK,
  ].filter((link): link is string => link !== undefined);
  const supportOf = new Map(result.test.perClass.map((perClass) => [perClass.label, perClass.support]));
  return {
    model_details: {
      name: texts.name,
      overview: texts.overview,
      documentation: [texts.documentation(result), references.runId ? `${texts.runReference(references.runId)}.` : undefined].filter(Boolean).join(' '),
      version: { name: references.modelVersion, ...(references.versionDiff ? { diff: references.versionDiff } : {}) },
      references: referenceLinks.map((reference) => ({ reference })),
      citations: [
        { style: 'APA', citation: GORMAN_2014 },
        { style: 'APA', citation: HORST_2020 },
      ],
      ...(references.modelUri ? { path: references.modelUri } : {}),
    },
    model_parameters: {
      model_architecture: texts.architecture(result),
      data: [
        { ...texts.trainingSet(result), link: PENGUINS_DATA_LINK },
        { ...texts.testSet(result), link: PENGUINS_DATA_LINK },
      ],
      input_format: texts.input(result),
      input_format_map: result.data.featureNames.map((feature) => ({ key: feature, value: texts.featureDescription(feature) })),
      output_format: texts.output(result),
      output_format_map: result.data.classes.map((label) => ({ key: label, value: texts.classDescription(label, supportOf.get(label) ?? 0) })),
    },
    quantitative_analysis: {
      performance_metrics: penguinMetrics(result),
      ...(graphics.length > 0 ? { graphics: { description: texts.graphicsDescription, collection: graphics } } : {}),
    },
    considerations: {
      users: texts.users.map((description) => ({ description })),
      use_cases: texts.useCases.map((description) => ({ description })),
      limitations: texts.limitations(result).map((description) => ({ description })),
      tradeoffs: texts.tradeoffs.map((description) => ({ description })),
      ethical_considerations: texts.risks.map(([name, mitigation_strategy]) => ({ name, mitigation_strategy })),
    },
  };
}
