import type { Lang } from '../labels.js';
import type { ModelCard } from '../schema.js';

/** What is known about a model that is used through someone else's API. */
export interface ApiModelFacts {
  /** The model identifier the API is called with, e.g. gpt-4-0613. */
  name: string;
  provider?: string;
  endpoint?: string;
  /** When the provider retires this model version, if announced. */
  deprecation?: string;
  /** The provider's data-retention terms, in the user's words. */
  retention?: string;
  rateLimits?: string;
  cost?: string;
}

interface ApiTexts {
  overview: string;
  documentation: string;
  architecture: string;
  input: string;
  output: string;
  users: string[];
  useCases: string[];
  limitations: string[];
  tradeoffs: string[];
  risks: Array<[risk: string, mitigation: string]>;
}

function sentence(...parts: Array<string | undefined | false>): string {
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join(' ');
}

/**
 * The Spanish texts follow the original `create_api_model_card.py` (overview and use cases) and
 * extend it with what such a card must say: version pinning and deprecation, data handling,
 * non-determinism, rate limits and cost.
 */
const TEXTS: Record<Lang, (facts: ApiModelFacts) => ApiTexts> = {
  en: ({ name, provider, endpoint, deprecation, retention, rateLimits, cost }) => {
    const who = provider ?? 'the provider';
    return {
      overview: 'Use of an external service for text generation.',
      documentation: sentence(
        `External API integration: the model ${name} is hosted and operated by ${who}${endpoint ? ` and used through ${endpoint}` : ''}.`,
        'Its weights, training data and training procedure are outside our control; its behaviour can change when the provider updates the service.',
      ),
      architecture: `Externally hosted model (${name}) by ${who}; its architecture is what the provider publishes and is not inspected locally.`,
      input: `Text prompt sent in an HTTP request to the API${endpoint ? ` at ${endpoint}` : ''}.`,
      output: 'Generated text.',
      users: ['Development teams that integrate text generation into their applications.'],
      useCases: ['Drafting text', 'Summarising transcripts'],
      limitations: [
        'Answers can contain errors or invented facts (hallucinations); they need human review.',
        sentence(
          `Pin the exact model version (${name}) rather than an alias the provider can move.`,
          deprecation ? `The provider retires this version on ${deprecation}.` : "Check the provider's deprecation schedule.",
        ),
        'Non-deterministic output: the same input can give different answers, even at temperature 0.',
        sentence('The service enforces rate limits and charges per use.', rateLimits && `Limits: ${rateLimits}.`, cost && `Cost: ${cost}.`),
      ],
      tradeoffs: ['Quality against cost and latency: a larger model answers better but costs more and responds more slowly.'],
      risks: [
        [
          sentence('Inputs leave our infrastructure and are kept by the provider under its terms.', retention && `Retention: ${retention}.`),
          "Send no personal or confidential data without a data-processing agreement; review the provider's retention terms.",
        ],
        ['Bias and toxic or offensive content in generated text.', 'Filter output with content moderation and keep human review for sensitive uses.'],
        [
          'Dependence on a third party: changes, outages or retirement of the service.',
          'Monitor availability, plan a fallback, and re-evaluate before switching versions.',
        ],
      ],
    };
  },
  es: ({ name, provider, endpoint, deprecation, retention, rateLimits, cost }) => {
    const who = provider ?? 'el proveedor';
    const ofWho = provider ? `de ${provider}` : 'del proveedor';
    return {
      overview: 'Uso de un servicio externo para generación de texto.',
      documentation: sentence(
        `Integración con API externa: el modelo ${name} está alojado y operado por ${who}${endpoint ? ` y se usa a través de ${endpoint}` : ''}.`,
        'Los pesos, los datos de entrenamiento y el procedimiento de entrenamiento no están bajo nuestro control; el comportamiento puede cambiar si el proveedor actualiza el servicio.',
      ),
      architecture: `Modelo alojado externamente (${name}) ${ofWho}; su arquitectura es la que publique el proveedor y no se inspecciona localmente.`,
      input: `Texto (prompt) enviado en una petición HTTP a la API${endpoint ? ` ${endpoint}` : ''}.`,
      output: 'Texto generado.',
      users: ['Equipos de desarrollo que integran generación de texto en sus aplicaciones.'],
      useCases: ['Generación de borradores', 'Resumen de transcripciones'],
      limitations: [
        'Las respuestas pueden contener errores o información inventada (alucinaciones); requieren revisión humana.',
        sentence(
          `Fije la versión exacta del modelo (${name}) en lugar de un alias que el proveedor pueda mover.`,
          deprecation ? `El proveedor retira esta versión el ${deprecation}.` : 'Consulte el calendario de retirada de versiones del proveedor.',
        ),
        'Salida no determinista: la misma entrada puede producir respuestas distintas, incluso con temperatura 0.',
        sentence('El servicio impone límites de uso y tiene coste por uso.', rateLimits && `Límites: ${rateLimits}.`, cost && `Coste: ${cost}.`),
      ],
      tradeoffs: ['Calidad frente a coste y latencia: un modelo mayor responde mejor pero cuesta más y tarda más.'],
      risks: [
        [
          sentence('Las entradas salen de nuestra infraestructura y las conserva el proveedor según sus términos.', retention && `Retención: ${retention}.`),
          'No envíe datos personales ni confidenciales sin un acuerdo de tratamiento de datos; revise los términos de retención del proveedor.',
        ],
        ['Sesgos y contenido tóxico u ofensivo en el texto generado.', 'Filtre la salida con moderación de contenido y mantenga revisión humana en usos sensibles.'],
        [
          'Dependencia de un tercero: cambios, caídas o retirada del servicio.',
          'Supervise la disponibilidad, prevea una alternativa y vuelva a evaluar antes de cambiar de versión.',
        ],
      ],
    };
  },
};

const descriptions = (items: string[]) => items.map((description) => ({ description }));

/** Defaults for a card about an externally hosted model. */
export function apiCardDefaults(lang: Lang, facts: ApiModelFacts): ModelCard {
  const texts = TEXTS[lang](facts);
  return {
    model_details: { name: facts.name, overview: texts.overview, documentation: texts.documentation, version: { name: facts.name } },
    model_parameters: { model_architecture: texts.architecture, input_format: texts.input, output_format: texts.output },
    considerations: {
      users: descriptions(texts.users),
      use_cases: descriptions(texts.useCases),
      limitations: descriptions(texts.limitations),
      tradeoffs: descriptions(texts.tradeoffs),
      ethical_considerations: texts.risks.map(([name, mitigation_strategy]) => ({ name, mitigation_strategy })),
    },
  };
}
