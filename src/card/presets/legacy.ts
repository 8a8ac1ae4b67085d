import type { Lang } from '../labels.js';
import type { ModelCard } from '../schema.js';

/** What is known about the model file before the user says more. */
export interface LegacyModelFacts {
  /** The bare file name, e.g. rf.joblib. */
  fileName?: string;
  /** The estimator class found by static inspection, e.g. RandomForestClassifier. */
  className?: string;
}

const TEXTS = {
  en: {
    unnamed: 'Legacy model',
    overview: (file: string | undefined) =>
      file ? `Pre-existing model provided as the file ${file}; it was never tracked in MLflow.` : 'Pre-existing model provided as a file; it was never tracked in MLflow.',
    limitation: 'The model was not tracked in MLflow: its training data, code and metrics cannot be verified from this card.',
    outOfScope: 'Out of scope: any use before the file has been checked (sha256 against a known value, static inspection): loading an unverified pickle runs its code.',
    risk: 'Loading a pickle file executes arbitrary code.',
    mitigation:
      'Load the model only from a trusted source, check its sha256 against a known value, and inspect it with `mlflow-mct inspect` before loading it.',
  },
  es: {
    unnamed: 'Modelo heredado',
    overview: (file: string | undefined) =>
      file ? `Modelo preexistente provisto como el archivo ${file}; nunca se registró en MLflow.` : 'Modelo preexistente provisto como archivo; nunca se registró en MLflow.',
    limitation:
      'El modelo no se registró en MLflow: sus datos de entrenamiento, código y métricas no pueden verificarse a partir de esta ficha.',
    outOfScope: 'Fuera de alcance: cualquier uso antes de comprobar el archivo (sha256 frente a un valor conocido, inspección estática): cargar un pickle no verificado ejecuta su código.',
    risk: 'Cargar un archivo pickle ejecuta código arbitrario.',
    mitigation:
      'Cargue el modelo solo desde una fuente de confianza, compare su sha256 con un valor conocido e inspecciónelo con `mlflow-mct inspect` antes de cargarlo.',
  },
} as const;

/** The card's title: the estimator class and file name when known, else the file name. */
function legacyModelName(facts: LegacyModelFacts, lang: Lang): string {
  if (facts.className && facts.fileName) return `${facts.className} (${facts.fileName})`;
  return facts.fileName ?? facts.className ?? TEXTS[lang].unnamed;
}

/**
 * Defaults for a card about a model that exists only as a file and was never tracked: named
 * after the file, with no version (none is known) and no metric assumed.
 */
export function legacyCardDefaults(lang: Lang, facts: LegacyModelFacts = {}): ModelCard {
  const texts = TEXTS[lang];
  return {
    model_details: { name: legacyModelName(facts, lang), overview: texts.overview(facts.fileName) },
    considerations: {
      limitations: [{ description: texts.limitation }, { description: texts.outOfScope }],
      ethical_considerations: [{ name: texts.risk, mitigation_strategy: texts.mitigation }],
    },
  };
}
