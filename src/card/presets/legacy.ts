import type { Lang } from '../labels.js';
import type { ModelCard } from '../schema.js';

/**
 * Defaults for a card about a model that exists only as a file and was never tracked. The
 * Spanish texts follow the original `create_legacy_model_card.py`; no metric is assumed.
 */
export function legacyCardDefaults(lang: Lang): ModelCard {
  const texts = {
    en: {
      name: 'Penguin Classifier (Legacy)',
      overview: 'Pre-existing model provided as a .pkl file.',
      limitation:
        'The model was not tracked in MLflow: its training data, code and metrics cannot be verified from this card.',
      risk: 'Loading a pickle file executes arbitrary code.',
      mitigation:
        'Load the model only from a trusted source, check its sha256 against a known value, and inspect it with `mlflow-mct inspect` before loading it.',
    },
    es: {
      name: 'Clasificador de Pingüinos (Legacy)',
      overview: 'Modelo preexistente provisto como archivo .pkl.',
      limitation:
        'El modelo no se registró en MLflow: sus datos de entrenamiento, código y métricas no pueden verificarse a partir de esta ficha.',
      risk: 'Cargar un archivo pickle ejecuta código arbitrario.',
      mitigation:
        'Cargue el modelo solo desde una fuente de confianza, compare su sha256 con un valor conocido e inspecciónelo con `mlflow-mct inspect` antes de cargarlo.',
    },
  }[lang];
  return {
    model_details: { name: texts.name, overview: texts.overview, version: { name: 'v1.0-legacy' } },
    considerations: {
      limitations: [{ description: texts.limitation }],
      ethical_considerations: [{ name: texts.risk, mitigation_strategy: texts.mitigation }],
    },
  };
}
